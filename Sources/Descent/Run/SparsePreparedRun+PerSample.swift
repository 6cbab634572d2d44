import Foundation
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
    public var perSampleObstacle: String? {
        guard batch == 1 else { return "batches of \(batch) rows" }
        guard objective.model.outputCount == 1 else { return "\(objective.model.outputCount) outputs" }
        guard plan.averageFrom == nil else { return "iterate averaging" }
        if let what = SparseLinearSGD<Scalar>.unsupported(configuration) { return what }
        guard setup.initialParameters.allSatisfy({ $0 == 0 }) else { return "a start other than zeros" }
        guard let sgd = try? makeOptimizer() as? SGD<Scalar> else { return "the optimizer \(plan.optimizer.name)" }
        guard !sgd.nesterov, sgd.dampening == 0, sgd.l1Penalty == 0, !sgd.maximize else {
            return "SGD with Nesterov momentum, dampening, L1 or maximize"
        }
        guard sgd.groups.allSatisfy({ $0.learningRateScale == 1 }) else { return "per-group learning rates" }
        guard weightDecay(of: sgd) != nil else { return "weight decay on the intercept, or shrink-after-step decay" }
        return nil
    }

    /// λ on the weights when the intercept takes none (or when there is no decay at all); nil otherwise.
    func weightDecay(of sgd: SGD<Scalar>) -> Double? {
        let model = objective.model
        func decay(at index: Int) -> Double {
            sgd.groups.first { $0.range.contains(index) }.flatMap(\.weightDecay) ?? sgd.weightDecay
        }
        let weights = Set(model.weightRange.map(decay(at:)))
        guard weights.count <= 1 else { return nil }
        let lambda = weights.first ?? 0
        if let bias = model.biasRange, bias.contains(where: { decay(at: $0) != 0 }) { return nil }
        guard lambda == 0 || sgd.weightDecayMode == .coupledL2 else { return nil }
        return lambda
    }

    /// Trains with `SparseLinearSGD` (`perSampleObstacle` must be nil), calling `afterEpoch` after
    /// each epoch (`SparseLinearSGD.run`).
    public func trainPerSample(afterEpoch: (EpochRecord) -> Void = { _ in }) throws -> TrainingResult<Scalar> {
        guard perSampleObstacle == nil, let sgd = try makeOptimizer() as? SGD<Scalar>, let lambda = weightDecay(of: sgd) else {
            throw TrainingError("the per-sample kernel does not cover \(perSampleObstacle ?? "this run")")
        }
        let kernel: SparseLinearSGD<Scalar>
        do {
            kernel = try SparseLinearSGD<Scalar>(features: objective.model.inputCount, loss: setup.loss, learningRate: .constant(learningRate),
                                                 weightDecay: lambda, momentum: sgd.momentum ?? 0, fitIntercept: objective.model.hasIntercept)
        } catch let e as SparseLinearSGDError { throw TrainingError(e.description) }
        return try kernel.run(objective, configuration: configuration, validation: validation, afterEpoch: afterEpoch)
    }
}
