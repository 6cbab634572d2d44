import LinearAlgebra
import Optimizers

extension SparseLinearSGD {
    /// Why `run` cannot follow `configuration`, or nil when it can: batches of one row at a
    /// constant rate, and none of the stopping rules `LazySparseTraining.unsupported` names.
    public static func unsupported(_ configuration: TrainingConfiguration) -> String? {
        if configuration.batchSize.resolved(sampleCount: Int.max) != 1 { return "batches of more than one row" }
        if configuration.constantRate == nil { return "a learning-rate schedule" }
        return LazySparseTraining<Scalar>.unsupported(configuration)
    }

    /// Trains from the current state on `objective` (a one-output linear model of `features`
    /// inputs) for `configuration`'s epochs, one `epoch` per epoch in the sampler's order, and
    /// returns the parameters in the model's layout (weights, then the intercept). The records are
    /// `LazySparseTraining.run`'s: the mean per-step loss, the validation evaluation, the rate,
    /// updates, samples and seconds. A non-finite per-step loss stops the run as diverged at that
    /// update, and non-finite parameters at an epoch's end at its last update, both with the last
    /// epoch's finite parameters. Throws when `unsupported(configuration)` is not nil or the kernel's
    /// rate is not the configuration's constant rate.
    public func run(_ objective: SparseLinearObjective<Scalar>, configuration: TrainingConfiguration,
                    validation: ValidationEvaluator<Scalar>? = nil,
                    afterEpoch: (EpochRecord) -> Void = { _ in }) throws -> TrainingResult<Scalar> {
        if let what = Self.unsupported(configuration) { throw TrainingError("the per-sample kernel does not do \(what)") }
        let model = objective.model, n = objective.sampleCount
        precondition(model.outputCount == 1 && model.inputCount == features && model.hasIntercept == fitIntercept,
                     "sparse SGD: a \(model.shape) model for a kernel of \(features) features")
        try configuration.validate(sampleCount: n, hasValidation: validation != nil)
        var sampler = LazySparseTraining<Scalar>.sampler(configuration, sampleCount: n, batch: 1)
        let targets = objective.y.elements, count = sampler.batchesPerEpoch
        var losses = [Double](repeating: 0, count: count)
        var parameters = [Scalar](repeating: 0, count: model.parameterCount)
        read(into: &parameters, model)
        var lastFinite = parameters
        var history: [EpochRecord] = []
        var updates = 0
        guard case .constant(let rate) = learningRate, rate == configuration.constantRate else {
            throw TrainingError("the per-sample kernel's rate is not the configuration's constant rate \(configuration.constantRate ?? .nan)")
        }
        let clock = ContinuousClock()
        for epoch in 0..<configuration.epochs {
            let start = clock.now
            sampler.startEpoch()
            // Batches of one row: the sampler's order is the epoch's row order (file order without shuffling).
            let order: [Int]? = sampler.mode == .none ? nil : sampler.order
            let mean = losses.withUnsafeMutableBufferPointer { self.epoch(objective.x, targets: targets, order: order, losses: $0) }
            if !mean.isFinite, let bad = losses.firstIndex(where: { !$0.isFinite }) {
                return TrainingResult(stopReason: .diverged(step: updates + bad, reason: .nonFiniteLoss), parameters: lastFinite,
                                      history: history, steps: updates + bad)
            }
            updates += count
            read(into: &parameters, model)
            guard parameters.allSatisfy({ $0.isFinite }) else {
                return TrainingResult(stopReason: .diverged(step: updates - 1, reason: .nonFiniteParameters), parameters: lastFinite,
                                      history: history, steps: updates)
            }
            lastFinite = parameters
            let trainSeconds = Trainer<SparseLinearObjective<Scalar>, SGD<Scalar>>.seconds(start.duration(to: clock.now))
            var record = EpochRecord(epoch: epoch, trainingLoss: mean, validationLoss: nil, validationMetric: nil, learningRate: rate,
                                     steps: updates, samples: count, seconds: 0, samplesPerSecond: 0)
            if let validation { try parameters.withUnsafeBufferPointer { record.setValidation(try validation($0)) } }
            record.seconds = Trainer<SparseLinearObjective<Scalar>, SGD<Scalar>>.seconds(start.duration(to: clock.now))
            record.samplesPerSecond = trainSeconds > 0 ? Double(count) / trainSeconds : 0
            history.append(record)
            afterEpoch(record)
        }
        return TrainingResult(stopReason: .completed, parameters: parameters, history: history, steps: updates)
    }

    /// The current weights and intercept in `model`'s layout (weights, then the intercept).
    func read(into parameters: inout [Scalar], _ model: LinearModel<Scalar>) {
        parameters.withUnsafeMutableBufferPointer { p in
            copyWeights(into: UnsafeMutableBufferPointer(rebasing: p[model.weightRange]))
            if let b = model.biasRange { p[b.lowerBound] = intercept }
        }
    }
}
