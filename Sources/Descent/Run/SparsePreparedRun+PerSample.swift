import LinearAlgebra
import Optimizers
import Training

extension SparsePreparedRun {
    /// Why this run does not take `SparseLinearSGD`'s per-sample kernel, or nil when it does. The
    /// kernel runs batch-1 SGD of a one-output linear model in O(non-zeros of the row) per update,
    /// with momentum and weight decay lazy, and equals the `Trainer`'s run with `SGD` to rounding
    /// (`Tests/TrainingTests/SparseLinearSGDTests.swift`). It needs what it implements: a constant
    /// rate, SGD without Nesterov, dampening, L1, `maximize` or per-group rate scales, coupled
    /// weight decay on the weights only (none on the intercept), a zero start, no averaging, and
    /// none of `LazySparseTraining.unsupported`'s stopping rules.
    public var perSampleObstacle: String? { perSampleSettings().obstacle }

    /// `perSampleObstacle`, and otherwise the kernel's λ (on the weights) and μ, from one optimizer made for the run.
    func perSampleSettings() -> (obstacle: String?, weightDecay: Double, momentum: Double) {
        func no(_ why: String) -> (String?, Double, Double) { (why, 0, 0) }
        guard batch == 1 else { return no("batches of \(batch) rows") }
        guard objective.model.outputCount == 1 else { return no("\(objective.model.outputCount) outputs") }
        guard plan.averageFrom == nil else { return no("iterate averaging") }
        if let what = SparseLinearSGD<Scalar>.unsupported(configuration) { return no(what) }
        guard setup.initialParameters.allSatisfy({ $0 == 0 }) else { return no("a start other than zeros") }
        guard let sgd = try? makeOptimizer() as? SGD<Scalar> else { return no("the optimizer \(plan.optimizer.name)") }
        guard !sgd.nesterov, sgd.dampening == 0, sgd.l1Penalty == 0, !sgd.maximize else {
            return no("SGD with Nesterov momentum, dampening, L1 or maximize")
        }
        guard sgd.groups.allSatisfy({ $0.learningRateScale == 1 }) else { return no("per-group learning rates") }
        guard let lambda = weightDecay(of: sgd) else { return no("weight decay on the intercept, or shrink-after-step decay") }
        return (nil, lambda, sgd.momentum ?? 0)
    }

    /// λ on the weights when the intercept takes none (or when there is no decay at all); nil otherwise.
    func weightDecay(of sgd: SGD<Scalar>) -> Double? {
        let model = objective.model
        func decays(_ range: Range<Int>) -> Set<Double> {
            Set(sgd.groups.filter { $0.range.overlaps(range) }.map { $0.weightDecay ?? sgd.weightDecay })
        }
        let weights = decays(model.weightRange)
        guard weights.count <= 1 else { return nil }
        let lambda = weights.first ?? 0
        if let bias = model.biasRange, decays(bias).contains(where: { $0 != 0 }) { return nil }
        guard lambda == 0 || sgd.weightDecayMode == .coupledL2 else { return nil }
        return lambda
    }

    /// Trains with `SparseLinearSGD` (`perSampleObstacle` must be nil), calling `afterEpoch` after
    /// each epoch (`SparseLinearSGD.run`).
    public func trainPerSample(afterEpoch: (EpochRecord) -> Void = { _ in }) throws -> TrainingResult<Scalar> {
        let settings = perSampleSettings()
        if let what = settings.obstacle { throw TrainingError("the per-sample kernel does not cover \(what)") }
        let kernel: SparseLinearSGD<Scalar>
        do {
            kernel = try SparseLinearSGD<Scalar>(features: objective.model.inputCount, loss: setup.loss, learningRate: .constant(learningRate),
                                                 weightDecay: settings.weightDecay, momentum: settings.momentum,
                                                 fitIntercept: objective.model.hasIntercept)
        } catch let e as SparseLinearSGDError { throw TrainingError(e.description) }
        return try kernel.run(objective, configuration: configuration, validation: validation, afterEpoch: afterEpoch)
    }
}
