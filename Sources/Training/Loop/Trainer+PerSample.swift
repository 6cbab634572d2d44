import Schedules
import LinearAlgebra
import Optimizers

/// The per-sample fast path: per-sample SGD (`.size(1)`) of a `LinearModel` with one output on a
/// `SupervisedObjective` without sample weights, with no `onStep` hook and no gradient clipping (an averaging
/// optimizer is not `SGD`, so it takes the general path; a weighted objective does too).
///
/// It makes exactly the calls of the general update, in the same order and on the same buffers,
/// so the result is bit-identical (the tests compare the two):
///
///     lr  ← the schedule's rate (and momentum, if it cycles it) at the step
///     ℓ, g ← FusedLinearGradient on row i (ŷ = w·xᵢ + b, δ = ∂ℓ/∂ŷ, g = δ·[xᵢ, 1]; row i+8 prefetched)
///     guard ℓ finite, g finite;  θ′ ← θ;  SGD step;  guard θ finite (else θ ← θ′)
///
/// What it leaves out is the per-update overhead around them: the trip through the objective and
/// the sampler, the optimizer behind a class property (each access a dynamic exclusivity check),
/// and the counters written back to the trainer, all of which cost as much as the arithmetic of a
/// 100-feature sample. Counters live in locals for the epoch and are stored when it ends, stops
/// or diverges.
extension Trainer {
    /// Runs the rest of the current epoch's updates on the fast path and returns `.some(nil)` when
    /// they are done, `.some(reason)` when an update diverged; nil (nothing done) when the path does
    /// not apply.
    func runPerSampleFastPath() throws -> DivergenceReason?? {
        // `case .none`, not `== nil`: comparing a set closure with nil passes it to a generic `==`,
        // which wraps it in a reabstraction thunk (an allocation).
        guard batchSize == 1, parallel == nil, case .none = onStep, configuration.gradientClipping == nil, Opt.self == SGD<Scalar>.self,
              let supervised = objective as? SupervisedObjective<Scalar>, supervised.sampleWeights == nil,   // weighted: general path
              let layout = supervised.fusedLayout, layout.outputs == 1 else { return nil }
        return try withUnsafeMutablePointer(to: &optimizer) { pointer in
            try pointer.withMemoryRebound(to: SGD<Scalar>.self, capacity: 1) { sgd in
                try supervised.x.withUnsafeBufferPointer { x in
                    try supervised.y.withUnsafeBufferPointer { y in
                        try sampler.order.withUnsafeBufferPointer { order in
                            try perSampleUpdates(sgd: &sgd.pointee, x: x.baseAddress!, y: y.baseAddress!,
                                                 inputs: layout.inputs, hasBias: layout.hasBias, loss: supervised.loss,
                                                 scratch: supervised.parallel.scratch(0),
                                                 order: sampler.mode == .none ? nil : order.baseAddress!)
                        }
                    }
                }
            }
        }
    }

    @_specialize(where Obj == SupervisedObjective<Float>, Opt == SGD<Float>)
    @_specialize(where Obj == SupervisedObjective<Double>, Opt == SGD<Double>)
    func perSampleUpdates(sgd: inout SGD<Scalar>, x: UnsafePointer<Scalar>, y: UnsafePointer<Scalar>, inputs d: Int,
                          hasBias: Bool, loss: Loss, scratch: UnsafeMutablePointer<Scalar>,
                          order: UnsafePointer<Int>?) throws -> DivergenceReason? {
        let schedule: (any LearningRateSchedule)? = constantRate == nil ? configuration.schedule : nil
        let constantRate = self.constantRate ?? 0
        let metrics = metricHistory
        let (theta, g, saved, zeros) = (parameters, gradient, lastFinite, zeros.readOnly)
        let rowBytes = d * MemoryLayout<Scalar>.stride
        let ahead = FusedLinearGradient.prefetchDistance
        var (stepCount, seen, lossSum, samples, position) = (step, samplesSeen, epochLossSum, epochSamples, batchInEpoch)
        var rate = lastLearningRate, batchLoss = lastBatchLoss
        defer {
            step = stepCount; samplesSeen = seen; epochLossSum = lossSum; epochSamples = samples
            batchInEpoch = position; lastLearningRate = rate; lastBatchLoss = batchLoss
        }
        let count = batchesPerEpoch
        while position < count {
            let lr = try schedule.map { schedule in
                try Self.scheduledRate(schedule, at: Self.scheduleStep(schedule.unit, step: stepCount, epoch: epoch, samples: seen),
                                       metrics: metrics) { try sgd.setMomentum($0) }
            } ?? constantRate
            let i = order.map { $0[position] } ?? position
            if position + ahead < count {
                let next = order.map { $0[position + ahead] } ?? position + ahead
                BLAS.prefetch(UnsafeRawPointer(x + next * d), bytes: rowBytes)
                BLAS.prefetch(UnsafeRawPointer(y + next), bytes: 1)
            }
            let value = FusedLinearGradient.lossAndGradient(
                x: x, inputs: d, y: y, outputs: 1, rows: RowSelection(indices: nil, first: i, count: 1),
                parameters: theta.baseAddress!, hasBias: hasBias, loss: loss, scale: 1,
                gradient: g.baseAddress!, scratch: scratch) / 1
            guard value.isFinite else { return .nonFiniteLoss }
            guard DivergenceGuard.allFinite(g.readOnly, zeros: zeros) else { return .nonFiniteGradient }
            BLAS.copy(theta.readOnly, saved)
            sgd.step(parameters: theta, gradient: g, learningRate: lr)
            guard DivergenceGuard.allFinite(theta.readOnly, zeros: zeros) else {
                BLAS.copy(saved.readOnly, theta)
                return .nonFiniteParameters
            }
            stepCount += 1; seen += 1; lossSum += value; samples += 1
            rate = lr; batchLoss = value
            position += 1
        }
        return nil
    }
}
