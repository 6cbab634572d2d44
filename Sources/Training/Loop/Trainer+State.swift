import LinearAlgebra
import Optimizers

extension Trainer {
    /// The complete loop state (a snapshot; allocates).
    public var state: TrainerState<Scalar> {
        TrainerState(epoch: epoch, step: step, samplesSeen: samplesSeen, batchInEpoch: batchInEpoch,
                     epochLossSum: epochLossSum, epochSamples: epochSamples, lastLearningRate: lastLearningRate,
                     sampler: sampler.state, optimizer: optimizer.saveState(), parameters: Array(parameters),
                     earlyStopping: tracker, bestParameters: hasBest ? Array(best) : nil,
                     metricHistory: metricHistory, history: history, finished: finished,
                     dataParallel: parallel?.settings.record, toleranceStop: toleranceTracker)
    }

    /// Checks, before any buffer is built, that a saved state (read from a file, so possibly corrupt
    /// or from another model) can seed a trainer for `objective`: what `init(…, resumingFrom:)` would
    /// otherwise stop on with a precondition. The rest is checked by `restore`.
    static func checkResumable(_ s: TrainerState<Scalar>, objective: Obj) throws {
        guard s.parameters.count == objective.parameterCount else {
            throw TrainingError("the saved state has \(s.parameters.count) parameters, the model has \(objective.parameterCount)")
        }
    }

    func restore(_ s: TrainerState<Scalar>) throws {
        let p = parameters.count
        // Counters only grow by one update at a time; beyond 2⁵³ a file is corrupt (and near Int.max
        // the next update would overflow).
        for (name, v) in [("epoch", s.epoch), ("step", s.step), ("samplesSeen", s.samplesSeen),
                          ("epochSamples", s.epochSamples)] where v < 0 || v > 1 << 53 {
            throw TrainingError("the saved state has an invalid \(name) (\(v))")
        }
        guard s.sampler.order.count == sampler.sampleCount else {
            throw TrainingError("the saved state is for \(s.sampler.order.count) samples, the objective has \(sampler.sampleCount)")
        }
        guard s.batchInEpoch >= 0 && s.batchInEpoch <= batchesPerEpoch else {
            throw TrainingError("the saved state is at batch \(s.batchInEpoch) of an epoch with \(batchesPerEpoch) batches")
        }
        for (name, v) in [("best parameters", s.bestParameters)] {
            if let v, v.count != p { throw TrainingError("the saved \(name) have \(v.count) elements, expected \(p)") }
        }
        guard (s.earlyStopping == nil) == (configuration.earlyStopping == nil) else {
            throw TrainingError("the saved state and the configuration disagree on early stopping")
        }
        guard (s.toleranceStop == nil) == (configuration.toleranceStop == nil) else {
            throw TrainingError("the saved state and the configuration disagree on the tol stop")
        }
        var restoredSampler = sampler
        if let parallel, parallel.settings.sharding == .sharded {
            try checkShardedResume(s, restoredSampler: &restoredSampler, parallel: parallel)
        } else {
            try checkParallelRecord(s.dataParallel)
            try restoredSampler.restore(s.sampler)
        }
        try optimizer.restore(s.optimizer)
        sampler = restoredSampler
        epoch = s.epoch; step = s.step; samplesSeen = s.samplesSeen; batchInEpoch = s.batchInEpoch
        epochLossSum = s.epochLossSum; epochSamples = s.epochSamples; lastLearningRate = s.lastLearningRate
        tracker = s.earlyStopping
        toleranceTracker = s.toleranceStop
        hasBest = s.bestParameters != nil
        if let b = s.bestParameters { _ = best.update(fromContentsOf: b) }
        metricHistory = s.metricHistory
        history = s.history
        // Reserved up to a bound, never from the user's count alone (a huge --epochs must not allocate up front).
        metricHistory.reserveCapacity(Swift.max(Swift.min(configuration.epochs, Self.reservedEpochs), s.metricHistory.count))
        history.reserveCapacity(Swift.max(Swift.min(configuration.epochs, Self.reservedEpochs), s.history.count))
        finished = s.finished
        parallel?.markSynchronized(parameters: parameters.readOnly, optimizer: &optimizer)
    }

    /// The data-parallel settings of a resumed run must match the saved ones, except the number of
    /// processes in `.exact` mode: every process holds the whole state there, so a run continues
    /// correctly on another count (not bit-identically: the gradient's summation order changes).
    func checkParallelRecord(_ saved: DataParallel.Record?) throws {
        let was = saved ?? .singleProcess, now = parallel?.settings.record ?? .singleProcess
        guard was.sharding == now.sharding else {
            throw TrainingError("the saved state is from \(was.sharding.rawValue) sharding, this run uses \(now.sharding.rawValue)")
        }
        guard was.synchronization == now.synchronization else {
            throw TrainingError("the saved state synchronised \(was.synchronization), this run \(now.synchronization)")
        }
        if was.sharding == .sharded && was.processes != now.processes {
            throw TrainingError("the saved state is from a sharded run on \(was.processes) processes; it resumes only on \(was.processes) "
                                + "(each process's shard and shuffle depend on the count), this run has \(now.processes)")
        }
    }

    /// `.sharded` mode: the saved sampler is process 0's; every process rebuilds its own by replaying
    /// its seeded shuffles up to the saved epoch, and process 0 checks the replay against the file
    /// (agreed by all, so that a mismatch stops every process).
    func checkShardedResume(_ s: TrainerState<Scalar>, restoredSampler: inout BatchSampler,
                            parallel: DataParallelRuntime<Scalar>) throws {
        try checkParallelRecord(s.dataParallel)
        guard s.sampler.epoch >= 0 && s.sampler.epoch <= 1 << 40 else {
            throw TrainingError("the saved sampler is at epoch \(s.sampler.epoch)")
        }
        for _ in 0..<s.sampler.epoch { restoredSampler.startEpoch() }
        let mismatch = parallel.rank == 0 && restoredSampler.state != s.sampler
        guard try !parallel.communicator.any(mismatch) else {
            throw TrainingError("the saved sampler is not the one this sharded run replays from its seed (another seed, batch size or data)")
        }
    }

    /// The current raw parameters (a copy).
    public var currentParameters: [Scalar] { Array(parameters) }

    /// The parameters `run()` would return if training stopped now (a copy): the optimizer's
    /// evaluation point (an averaging optimizer's average) (falling back to the raw parameters
    /// when that is not finite); the best epoch's point once a run with `restoreBest` has finished.
    /// This is what a checkpoint's model should hold.
    public var currentResultPoint: [Scalar] {
        result(finished ?? .cancelled(epoch: epoch, step: step)).parameters
    }
}
