import LinearAlgebra
import Optimizers
import Schedules

/// A validation evaluator: the `Evaluation` (loss and the loss kind's metrics) of the given
/// parameters on held-out data. The loop calls it at the end of every epoch with the point it would
/// return (see `TrainingResult.parameters`).
public typealias ValidationEvaluator<Scalar: BLASScalar> = (UnsafeBufferPointer<Scalar>) throws -> Evaluation

/// The training loop: full-batch GD (`.full`), per-sample SGD (`.size(1)`) and mini-batch SGD
/// (`.size(b)`) through one API, over any `Objective` and `Optimizer`.
///
/// One update (step t): pick the learning rate (the schedule's value at its unit's counter, or the
/// constant rate) and the momentum if the schedule cycles it; evaluate the batch loss and gradient at
/// the current parameters; check both are finite; keep a copy of the parameters; let the optimizer
/// update them; check the result is finite (else restore the copy). Iterate averaging is the
/// optimizer's (`PolynomialAveraging`), so the point evaluated and returned is always the optimizer's
/// evaluation point. Any non-finite value stops training at that update with
/// `.diverged(step:reason:)` and the last finite parameters. At an epoch end: the training loss (the
/// batch losses' size-weighted mean), the validation evaluation, the schedule's metric history,
/// early stopping, the history record, then the `afterEpoch` hook.
///
/// All buffers are allocated by `init`; an update allocates nothing. `state` is a complete Codable
/// snapshot (also valid inside the hooks); `init(…, resumingFrom:)` continues bit-identically.
public final class Trainer<Obj: Objective, Opt: Optimizer> where Obj.Scalar == Opt.Scalar {
    /// Epoch records reserved at construction: the history grows past this as it goes.
    static var reservedEpochs: Int { 4096 }
    /// The element type of the parameters.
    public typealias Scalar = Obj.Scalar

    /// The objective the trainer evaluates.
    public internal(set) var objective: Obj
    /// The optimizer, with its current state.
    public internal(set) var optimizer: Opt
    /// The run's settings.
    public let configuration: TrainingConfiguration
    let validation: ValidationEvaluator<Scalar>?

    /// Called after every update; returning `.stop` ends `run()` with `.cancelled`.
    public var onStep: ((TrainingProgress) -> HookDecision)?
    /// Called after every epoch with its record and the trainer (read `trainer.state` to write a
    /// checkpoint); returning `.stop` ends `run()` with `.cancelled` (unless training is over anyway).
    public var afterEpoch: ((EpochRecord, Trainer) -> HookDecision)?

    /// The batch size this process's sampler uses.
    public let batchSize: Int
    /// Updates per epoch.
    public let batchesPerEpoch: Int
    /// How many updates ahead `objective.prefetch` is called (8 samples' worth, at least one batch).
    let prefetchBatches: Int
    var sampler: BatchSampler

    var epoch = 0, step = 0, samplesSeen = 0, batchInEpoch = 0
    var epochLossSum = 0.0, epochSamples = 0
    var lastLearningRate = 0.0
    /// The schedule's rate when it is a plain constant (read once, not at every update).
    var constantRate: Double?
    var tracker: EarlyStopping.Tracker?
    var toleranceTracker: ToleranceStop.Tracker?
    var hasBest = false
    var metricHistory: [Double] = []
    /// The records of the finished epochs.
    public internal(set) var history: [EpochRecord] = []
    var finished: StopReason?

    let parameters: UnsafeMutableBufferPointer<Scalar>
    let gradient: UnsafeMutableBufferPointer<Scalar>
    /// The parameters before the current update (divergence guard).
    let lastFinite: UnsafeMutableBufferPointer<Scalar>
    /// Scratch for the evaluation point.
    let point: UnsafeMutableBufferPointer<Scalar>
    let best: UnsafeMutableBufferPointer<Scalar>
    /// Stays zero: the other side of the finiteness check's dot product.
    let zeros: UnsafeMutableBufferPointer<Scalar>
    /// Data-parallel training's state, nil for a plain run.
    let parallel: DataParallelRuntime<Scalar>?

    /// A trainer starting from `initialParameters` (random initialisation, or a previous result's
    /// parameters for a warm start: a new run, with counters, schedule and early stopping from zero;
    /// pass an optimizer restored from a saved state to keep its accumulators too).
    ///
    /// `dataParallel` makes this trainer one process of a data-parallel run (see `DataParallel`):
    /// every process builds its trainer with the same configuration, and process 0's initial
    /// parameters are broadcast to the others (a collective: every process must build its trainer).
    /// The configuration's batch size is then the global batch. The validation evaluator is called
    /// on every process at every epoch end and must return the same value on each (e.g. by
    /// combining each process's sums, as `SupervisedObjective.evaluate(parameters:x:y:over:)` does).
    public init(objective: Obj, optimizer: Opt, configuration: TrainingConfiguration,
                validation: ValidationEvaluator<Scalar>? = nil, initialParameters: [Scalar],
                dataParallel: DataParallel? = nil) throws {
        let p = objective.parameterCount
        precondition(optimizer.parameterCount == p,
                     "the objective has \(p) parameters but the optimizer was built for \(optimizer.parameterCount)")
        precondition(initialParameters.count == p,
                     "the objective has \(p) parameters but \(initialParameters.count) initial values were given")
        try configuration.validate(sampleCount: objective.sampleCount, hasValidation: validation != nil)
        let local = try Self.localBatching(configuration, sampleCount: objective.sampleCount, dataParallel: dataParallel)
        let b = local.batchSize
        // The most samples the objective evaluates at once: its share of a global batch in `.exact` mode.
        let evaluated = dataParallel.map { $0.sharding == .exact ? (b + $0.size - 1) / $0.size : b } ?? b
        guard evaluated <= objective.maximumBatchSize else {
            throw TrainingError("batch size \(evaluated) exceeds the objective's maximum batch size \(objective.maximumBatchSize)")
        }
        guard initialParameters.allSatisfy({ $0.isFinite }) else {
            throw TrainingError("the initial parameters contain a non-finite value")
        }
        if let d = dataParallel, case .averageEvery = d.synchronization {
            guard optimizer.averagedStateCount != nil else {
                throw TrainingError("local SGD (averaging every few updates) averages the parameters and momentum buffers, "
                                    + "but \(optimizer.name) keeps state that cannot be averaged; use sgd, or synchronise every step")
            }
        }
        self.objective = objective
        self.optimizer = optimizer
        self.configuration = configuration
        self.validation = validation
        // A full batch is the same set in any order: pass it as one zero-copy row range (no gather, and
        // the same summation order every epoch) whatever the shuffle mode.
        let mode: ShuffleMode = b >= objective.sampleCount ? .none : configuration.shuffle
        if let order = configuration.batchOrder {
            // A given order is replayed as given (even a full batch: it fixes the summation order).
            guard dataParallel == nil || dataParallel?.sharding == .exact else {
                throw TrainingError("a given batch order cannot be replayed in sharded training (each process orders its own shard)")
            }
            self.sampler = BatchSampler(batchSize: b, replay: order, dropLast: configuration.dropLast)
        } else {
            self.sampler = BatchSampler(sampleCount: objective.sampleCount, batchSize: b, mode: mode,
                                        dropLast: configuration.dropLast, seed: local.seed)
        }
        self.batchSize = sampler.batchSize
        self.batchesPerEpoch = sampler.batchesPerEpoch
        self.prefetchBatches = Swift.max(1, 8 / self.batchSize)
        func buffer() -> UnsafeMutableBufferPointer<Scalar> {
            let u = UnsafeMutableBufferPointer<Scalar>.allocate(capacity: p)
            u.initialize(repeating: 0)
            return u
        }
        parameters = buffer(); gradient = buffer(); lastFinite = buffer(); point = buffer()
        best = buffer(); zeros = buffer()
        _ = parameters.update(fromContentsOf: initialParameters)
        parallel = dataParallel.map { DataParallelRuntime($0, parameterCount: p, stateCount: optimizer.averagedStateCount ?? 0) }
        if let parallel {
            try parallel.timed { try parallel.communicator.broadcast(UnsafeMutableRawBufferPointer(parameters), root: 0) }
            parallel.markSynchronized(parameters: parameters.readOnly, optimizer: &self.optimizer)
        }
        constantRate = configuration.constantRate
        lastLearningRate = constantRate ?? 0
        if let e = configuration.earlyStopping { tracker = EarlyStopping.Tracker(mode: e.mode) }
        if configuration.toleranceStop != nil { toleranceTracker = ToleranceStop.Tracker() }
        // Reserved up to a bound, never from the user's count alone (a huge --epochs must not allocate up front).
        metricHistory.reserveCapacity(Swift.min(Swift.max(configuration.epochs, 0), Self.reservedEpochs))
        history.reserveCapacity(Swift.min(Swift.max(configuration.epochs, 0), Self.reservedEpochs))
    }

    /// A trainer continuing from a saved `state`. Build it with the same objective and configuration
    /// and a freshly constructed optimizer of the same kind and shape; its state is restored from `state`.
    public convenience init(objective: Obj, optimizer: Opt, configuration: TrainingConfiguration,
                            validation: ValidationEvaluator<Scalar>? = nil,
                            resumingFrom state: TrainerState<Scalar>, dataParallel: DataParallel? = nil) throws {
        try Self.checkResumable(state, objective: objective)
        try self.init(objective: objective, optimizer: optimizer, configuration: configuration,
                      validation: validation, initialParameters: state.parameters, dataParallel: dataParallel)
        try restore(state)
    }

    deinit {
        for b in [parameters, gradient, lastFinite, point, best, zeros] { b.deallocate() }
    }

    /// Seconds spent in collectives so far (0 for a plain run): the gradient and loss allreduce of
    /// every update, or local SGD's averagings, and the initial broadcast.
    public var communicationSeconds: Double { parallel?.communicationSeconds ?? 0 }

    /// The batch size and seed of this process's sampler: the configuration's for a plain run or
    /// `.exact` sharding; in `.sharded` mode the global batch over N processes is B/N local samples
    /// (B a multiple of N) and the seed is the rank's. Throws, on every process alike, when the
    /// processes hold different sample counts (a collective in `.sharded` mode).
    static func localBatching(_ configuration: TrainingConfiguration, sampleCount n: Int,
                              dataParallel: DataParallel?) throws -> (batchSize: Int, seed: UInt64) {
        guard let d = dataParallel, d.sharding == .sharded else {
            return (configuration.batchSize.resolved(sampleCount: n), configuration.seed)
        }
        var counts = [Double(n), Double(n) * Double(n)]
        try d.communicator.allreduceSum(&counts)
        guard counts[1] * Double(d.size) == counts[0] * counts[0] else {
            throw TrainingError("sharded training needs the same number of samples on every process; these hold \(Int(counts[0])) in all, "
                                + "\(n) here (give each process an equal share)")
        }
        let global = configuration.batchSize.resolved(sampleCount: n * d.size)
        guard global % d.size == 0 else {
            throw TrainingError("sharded training splits the global batch equally: batch size \(global) is not a multiple of \(d.size) processes")
        }
        return (d.localBatchSize(configuration.batchSize, sampleCount: n), DataParallel.shardSeed(configuration.seed, rank: d.rank))
    }

    // MARK: Running

    /// Trains until the configured epochs are done, early stopping or divergence ends training, or
    /// a hook stops it (then `run()` may be called again to continue). Throws a `TrainingError` for a
    /// schedule or momentum setting that cannot be used, before the first update.
    public func run() throws -> TrainingResult<Scalar> {
        if let f = finished { return result(f) }
        try preflight()
        let clock = ContinuousClock()
        while epoch < configuration.epochs {
            let start = clock.now
            if batchInEpoch == 0 {
                sampler.startEpoch()
                epochLossSum = 0; epochSamples = 0
            }
            if let outcome = try runPerSampleFastPath(), let reason = outcome {
                finished = .diverged(step: step, reason: reason)
                return result(finished!)
            }
            while batchInEpoch < batchesPerEpoch {
                if let reason = try update() {
                    finished = .diverged(step: step, reason: reason)
                    return result(finished!)
                }
                batchInEpoch += 1
                if let hook = onStep {
                    let progress = TrainingProgress(
                        epoch: epoch, batch: batchInEpoch - 1, batchesPerEpoch: batchesPerEpoch, step: step,
                        learningRate: lastLearningRate, batchLoss: lastBatchLoss,
                        runningLoss: epochLossSum / Double(Swift.max(epochSamples, 1)))
                    if hook(progress) == .stop { return result(.cancelled(epoch: epoch, step: step)) }
                }
            }
            let trainSeconds = Self.seconds(start.duration(to: clock.now))
            if let stop = try endEpoch(start: start, clock: clock, trainSeconds: trainSeconds) { return result(stop) }
        }
        finished = .completed
        return result(.completed)
    }

    var lastBatchLoss = 0.0

    /// One update; returns why it diverged, or nil.
    ///
    /// Pre-specialised for the library's own objective with SGD (the hot path of per-sample and
    /// small-batch training, where generic dispatch cost as much as the arithmetic); other
    /// combinations run the same code unspecialised.
    @_specialize(where Obj == SupervisedObjective<Float>, Opt == SGD<Float>)
    @_specialize(where Obj == SupervisedObjective<Double>, Opt == SGD<Double>)
    func update() throws -> DivergenceReason? {
        let lr = try learningRateForNextUpdate()
        // Let the objective start loading a batch that comes `prefetchBatches` updates from now
        // (about 8 samples ahead: for per-sample SGD the fetch of a random row then overlaps
        // with the updates in between).
        let ahead = batchInEpoch + prefetchBatches
        let (loss, local, count) = try withBatches(batchInEpoch, ahead < batchesPerEpoch ? ahead : nil) { batch, next in
            if let parallel {
                if let next { objective.prefetch(parallel.ownPart(of: next)) }
                return try parallel.lossAndGradient(&objective, parameters: parameters.readOnly, gradient: gradient, batch: batch)
            }
            if let next { objective.prefetch(next) }
            return (try objective.lossAndGradient(parameters: parameters.readOnly, gradient: gradient, batch: batch),
                    batch.count, batch.count)
        }
        guard loss.isFinite else { return try diverged(.nonFiniteLoss) }
        guard DivergenceGuard.allFinite(gradient.readOnly, zeros: zeros.readOnly) else { return try diverged(.nonFiniteGradient) }
        // The whole (in a data-parallel run, the summed global) gradient, the same on every process.
        configuration.gradientClipping?.apply(to: gradient)
        BLAS.copy(parameters.readOnly, lastFinite)
        optimizer.step(parameters: parameters, gradient: gradient, learningRate: lr)
        guard DivergenceGuard.allFinite(parameters.readOnly, zeros: zeros.readOnly) else {
            BLAS.copy(lastFinite.readOnly, parameters)
            return try diverged(.nonFiniteParameters)
        }
        step += 1
        samplesSeen += count
        lastLearningRate = lr
        lastBatchLoss = loss
        if let parallel, let h = parallel.interval {
            // Local SGD: the losses are this process's until the next averaging sums them.
            parallel.pendingLossSum += loss * Double(local)
            parallel.pendingSamples += local
            if step % h == 0 || batchInEpoch + 1 == batchesPerEpoch {
                if try parallel.average(parameters: parameters, optimizer: &optimizer, diverged: false,
                                        epochLossSum: &epochLossSum, epochSamples: &epochSamples) {
                    return .anotherProcess
                }
            }
        } else {
            epochLossSum += loss * Double(count)
            epochSamples += count
        }
        return nil
    }

    /// Ends an update that diverged. In local SGD this process alone may have diverged: it joins
    /// the others' next averaging at once, so that every process stops together at the last
    /// averaged point.
    func diverged(_ reason: DivergenceReason) throws -> DivergenceReason {
        if let parallel, parallel.interval != nil {
            _ = try parallel.average(parameters: parameters, optimizer: &optimizer, diverged: true,
                                     epochLossSum: &epochLossSum, epochSamples: &epochSamples)
        }
        return reason
    }

    /// Batch `j` of the epoch and, when `next` is given, that batch too, read in place from the
    /// sampler (a method call on the stored sampler would copy it, and its order array, on every
    /// update).
    @inline(__always)
    func withBatches<R>(_ j: Int, _ next: Int?, _ body: (Batch, Batch?) throws -> R) rethrows -> R {
        let (b, n) = (batchSize, sampler.sampleCount)
        func range(_ k: Int) -> Range<Int> { (k * b)..<Swift.min((k + 1) * b, n) }
        if sampler.mode == .none { return try body(.rows(range(j)), next.map { .rows(range($0)) }) }
        return try sampler.order.withUnsafeBufferPointer { order in
            try body(.indices(UnsafeBufferPointer(rebasing: order[range(j)])),
                     next.map { .indices(UnsafeBufferPointer(rebasing: order[range($0)])) })
        }
    }

    /// The schedule's counter for the next update, in its unit.
    func scheduleStep(_ unit: ScheduleUnit) -> Int {
        Self.scheduleStep(unit, step: step, epoch: epoch, samples: samplesSeen)
    }

    static func scheduleStep(_ unit: ScheduleUnit, step: Int, epoch: Int, samples: Int) -> Int {
        switch unit {
        case .batch: step
        case .epoch: epoch
        case .sample: samples
        }
    }

    func learningRateForNextUpdate() throws -> Double {
        if let constantRate { return constantRate }
        let schedule = configuration.schedule
        return try Self.scheduledRate(schedule, at: scheduleStep(schedule.unit), metrics: metricHistory) {
            try optimizer.setMomentum($0)
        }
    }

    /// The schedule's learning rate at step `s` (checked finite and ≥ 0), handing the momentum it
    /// cycles, if any, to `setMomentum`; errors say which step and why.
    static func scheduledRate(_ schedule: any LearningRateSchedule, at s: Int, metrics: [Double],
                              setMomentum: (Double) throws -> Void) throws -> Double {
        let lr: Double
        do { lr = try schedule.learningRate(at: s, metrics: metrics) } catch {
            throw TrainingError("the schedule has no learning rate for step \(s): \(error)")
        }
        guard lr.isFinite && lr >= 0 else {
            throw TrainingError("the schedule gave learning rate \(lr) at step \(s); it must be finite and ≥ 0")
        }
        do {
            if let m = try schedule.momentum(at: s, metrics: metrics) { try setMomentum(m) }
        } catch {
            throw TrainingError("the schedule's momentum at step \(s) cannot be used: \(error)")
        }
        return lr
    }

    /// Checks before training that the schedule covers the run's first and last updates and that
    /// the optimizer accepts the momentum it cycles.
    func preflight() throws {
        guard constantRate == nil else { return }
        let schedule = configuration.schedule
        let updatesPerEpoch = batchesPerEpoch
        let totalUpdates = configuration.epochs * updatesPerEpoch
        guard step < totalUpdates else { return }
        _ = try learningRateForNextUpdate()  // also sets the momentum, which the first update sets again
        let samplesPerEpoch = configuration.dropLast ? batchesPerEpoch * batchSize : sampler.sampleCount
        let lastBatch = sampler.positions(batchesPerEpoch - 1).count
        let last: Int = switch schedule.unit {
        case .batch: totalUpdates - 1
        case .epoch: configuration.epochs - 1
        case .sample: configuration.epochs * samplesPerEpoch - lastBatch
        }
        do {
            _ = try schedule.learningRate(at: last, metrics: metricHistory)
            _ = try schedule.momentum(at: last, metrics: metricHistory)
        } catch {
            throw TrainingError("the schedule does not cover the run's last update (step \(last) in \(schedule.unit.rawValue)s): \(error)")
        }
    }

    /// Writes the point to evaluate and return: the optimizer's evaluation point (an averaging
    /// optimizer's average, Schedule-Free's x, the parameters for most methods).
    func writeCurrentPoint(into destination: UnsafeMutableBufferPointer<Scalar>) {
        optimizer.evaluationPoint(parameters: parameters.readOnly, into: destination)
    }

    /// The value of `q` in `record`; throws when the evaluation lacks it (a metric of the other loss
    /// kind, ROC-AUC with more than two classes, or an evaluator that gives no metric).
    func value(of q: MonitoredQuantity, in record: EpochRecord) throws -> Double {
        if q == .validationLoss { return record.validationLoss ?? .nan }
        guard let v = record.value(of: q) else {
            throw TrainingError("the validation evaluation has no \(q.rawValue), but it is monitored")
        }
        return v
    }

    func endEpoch(start: ContinuousClock.Instant, clock: ContinuousClock, trainSeconds: Double) throws -> StopReason? {
        let trainingLoss = epochLossSum / Double(Swift.max(epochSamples, 1))
        writeCurrentPoint(into: point)
        var record = EpochRecord(epoch: epoch, trainingLoss: trainingLoss, validationLoss: nil, validationMetric: nil,
                                 learningRate: lastLearningRate, steps: step, samples: epochSamples, seconds: 0,
                                 samplesPerSecond: 0)
        if let v = validation { record.setValidation(try v(point.readOnly)) }
        let hasValidation = validation != nil
        if constantRate == nil {
            metricHistory.append(try value(of: configuration.resolvedScheduleMetric(hasValidation: hasValidation), in: record))
        }
        var stop: StopReason? = nil
        if let e = configuration.earlyStopping, var t = tracker {
            let watched = try value(of: e.resolvedMonitor(hasValidation: hasValidation), in: record)
            let (improved, stopNow) = e.update(&t, value: watched, epoch: epoch)
            tracker = t
            if improved && e.restoreBest { BLAS.copy(point.readOnly, best); hasBest = true }
            if stopNow { stop = .earlyStopped(epoch: epoch, bestEpoch: t.bestEpoch) }
        }
        if let rule = configuration.toleranceStop, var t = toleranceTracker {
            let stopNow = rule.update(&t, lossSum: epochLossSum, samples: epochSamples, epoch: epoch)
            toleranceTracker = t
            if stopNow && stop == nil { stop = .earlyStopped(epoch: epoch, bestEpoch: t.bestEpoch) }
        }
        let seconds = Self.seconds(start.duration(to: clock.now))
        record.seconds = seconds
        record.samplesPerSecond = trainSeconds > 0 ? Double(epochSamples) / trainSeconds : 0
        history.append(record)
        epoch += 1
        batchInEpoch = 0
        if epoch >= configuration.epochs && stop == nil { stop = .completed }
        if let stop { finished = stop }
        let decision = afterEpoch?(record, self) ?? .continue
        if let stop { return stop }
        return decision == .stop ? .cancelled(epoch: epoch, step: step) : nil
    }

    func result(_ reason: StopReason) -> TrainingResult<Scalar> {
        var out = [Scalar](repeating: 0, count: parameters.count)
        out.withUnsafeMutableBufferPointer { o in
            if reason == .completed || reason.isEarlyStop, configuration.earlyStopping?.restoreBest == true, hasBest {
                BLAS.copy(best.readOnly, o)
            } else {
                writeCurrentPoint(into: o)
                // An optimizer whose state went non-finite with the step that diverged may also give a
                // non-finite evaluation point: fall back to the last finite raw parameters.
                if !DivergenceGuard.allFinite(o.readOnly, zeros: zeros.readOnly) { BLAS.copy(parameters.readOnly, o) }
            }
        }
        return TrainingResult(stopReason: reason, parameters: out, history: history, steps: step)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
