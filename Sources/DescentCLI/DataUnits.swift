import Descent

/// Evaluation in the data's own units: predictions with any target standardisation undone, against
/// the targets as the file holds them. `evaluate` reports this; so does `train`'s final summary,
/// whose per-epoch table is on the standardised targets it trained on.
enum DataUnits {
    /// The loss's mean value and its metric (accuracy for classification losses, RMSE and R² for
    /// regression losses) of `prediction` against `target`, both in the data's units.
    static func evaluate<Scalar: BLASScalar>(prediction: Matrix<Scalar>, target: Matrix<Scalar>, loss: Loss) -> Evaluation {
        let value = prediction.withView { p in target.withView { y in loss.value(prediction: p, target: y) } }
        var e = Evaluation(sampleCount: target.rows, loss: value)
        if loss.isClassification {
            e.accuracy = Metrics.accuracy(logits: prediction, target: target)
        } else {
            e.rmse = Metrics.rmse(prediction: prediction, target: target)
            e.r2 = Metrics.r2(prediction: prediction, target: target)
        }
        return e
    }

    /// The training (and validation) evaluation of `parameters` in the data's units, or nil when the
    /// targets were not standardised (the objective's own evaluation is then in the data's units).
    static func evaluate<Scalar: BLASScalar>(_ parameters: [Scalar], setup: TrainingSetup<Scalar>,
                                             objective: SupervisedObjective<Scalar>) -> (training: Evaluation, validation: Evaluation?)? {
        guard let ts = setup.targetStandardization, let raw = setup.rawTargets else { return nil }
        func one(_ part: Dataset<Scalar>, _ target: Matrix<Scalar>) -> Evaluation {
            var prediction = objective.predict(parameters: parameters, x: part.x)
            ts.invert(&prediction)
            return evaluate(prediction: prediction, target: target, loss: setup.loss)
        }
        var validation: Evaluation? = nil
        if let part = setup.validation, let target = raw.validation { validation = one(part, target) }
        return (one(setup.train, raw.train), validation)
    }
}
