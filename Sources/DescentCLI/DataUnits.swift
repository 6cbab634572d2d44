import Descent

/// Evaluation in the data's own units: predictions with any target standardisation undone, against
/// the targets as the file holds them. `evaluate` reports this; so does `train`'s final summary,
/// whose per-epoch table is on the standardised targets it trained on.
enum DataUnits {
    /// The loss's mean value and its metrics (classification losses: accuracy, log-loss, ROC-AUC,
    /// per-class precision/recall/F1 and the confusion matrix; regression losses: RMSE, MAE, R² and
    /// explained variance) of `prediction` against `target`, both in the data's units. With
    /// `weights` (one per row) the metrics are weighted and the loss is Σᵢ wᵢ·ℓᵢ / Σᵢ wᵢ, as
    /// scikit-learn's metric functions take `sample_weight`.
    static func evaluate<Scalar: BLASScalar>(prediction: Matrix<Scalar>, target: Matrix<Scalar>, loss: Loss,
                                             weights: SampleWeights<Scalar>? = nil) -> Evaluation {
        let w = weights.flatMap { $0.isUnit ? nil : $0.values }
        let value = prediction.withView { p in
            target.withView { y in
                w.map { w in w.withUnsafeBufferPointer { loss.value(prediction: p, target: y, weights: $0) } }
                    ?? loss.value(prediction: p, target: y)
            }
        }
        if loss.isClassification {
            var m = Metrics.classification(prediction, target, weights: w)
            return Evaluation(sampleCount: target.rows, loss: value, classification: &m)
        }
        return Evaluation(sampleCount: target.rows, loss: value, regression: Metrics.regression(prediction, target, weights: w))
    }

    /// The training (and validation) evaluation of `parameters` in the data's units, or nil when the
    /// targets were not standardised (the objective's own evaluation is then in the data's units).
    static func evaluate<Scalar: BLASScalar>(_ parameters: [Scalar], setup: TrainingSetup<Scalar>,
                                             objective: SupervisedObjective<Scalar>) -> (training: Evaluation, validation: Evaluation?)? {
        guard let ts = setup.targetStandardization, let raw = setup.rawTargets else { return nil }
        func one(_ part: Dataset<Scalar>, _ target: Matrix<Scalar>) -> Evaluation {
            var prediction = objective.predict(parameters: parameters, x: part.x)
            ts.invert(&prediction)
            return evaluate(prediction: prediction, target: target, loss: setup.loss, weights: part.weights)
        }
        var validation: Evaluation? = nil
        if let part = setup.validation, let target = raw.validation { validation = one(part, target) }
        return (one(setup.train, raw.train), validation)
    }
}
