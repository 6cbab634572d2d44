import LinearAlgebra
import Optimizers
import Schedules

extension LazySparseTraining {
    /// Why `run` cannot follow `configuration`, or nil when it can: lazy updates cover the epochs,
    /// batches, shuffling (or a replayed batch order), every schedule that does not cycle momentum,
    /// and validation; early stopping, the `tol` stop and gradient clipping need the whole
    /// parameter vector at every update, so they run through `Trainer`.
    public static func unsupported(_ configuration: TrainingConfiguration) -> String? {
        if configuration.earlyStopping != nil { return "early stopping" }
        if configuration.toleranceStop != nil { return "the tol stop" }
        if configuration.gradientClipping != nil { return "gradient clipping" }
        if configuration.constantRate == nil, (try? configuration.schedule.momentum(at: 0, metrics: [])) != nil {
            return "a schedule that cycles momentum"
        }
        return nil
    }

    /// The batches `configuration` asks for over `sampleCount` samples in batches of `batch`: a
    /// replayed order, or the sampler of its shuffle mode and seed (as `Trainer` draws them).
    public static func sampler(_ configuration: TrainingConfiguration, sampleCount: Int, batch: Int) -> BatchSampler {
        configuration.batchOrder.map { BatchSampler(batchSize: batch, replay: $0, dropLast: configuration.dropLast) }
            ?? BatchSampler(sampleCount: sampleCount, batchSize: batch, mode: configuration.shuffle, dropLast: configuration.dropLast,
                            seed: configuration.seed)
    }

    /// Trains for `configuration`'s epochs with lazy updates, the epochs' records as `Trainer`
    /// makes them (training loss, the validation evaluation of the synchronised parameters, the last
    /// rate, updates, samples, seconds; the schedule's metric history for plateau rules), calling
    /// `afterEpoch` after each. A non-finite batch loss, or parameters that are not finite at an
    /// epoch's end, stop the run as diverged, with the last epoch's finite parameters. Throws when
    /// `unsupported(configuration)` is not nil, or for a schedule error.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func run(_ configuration: TrainingConfiguration, validation: ValidationEvaluator<Scalar>? = nil,
                             afterEpoch: (EpochRecord) -> Void = { _ in }) throws -> TrainingResult<Scalar> {
        if let what = Self.unsupported(configuration) { throw TrainingError("lazy sparse training does not do \(what)") }
        let n = objective.sampleCount
        let batch = configuration.batchSize.resolved(sampleCount: n)
        try configuration.validate(sampleCount: n, hasValidation: validation != nil)
        var sampler = Self.sampler(configuration, sampleCount: n, batch: batch)
        let schedule = configuration.schedule, constant = configuration.constantRate
        let metric = configuration.resolvedScheduleMetric(hasValidation: validation != nil)
        var history: [EpochRecord] = [], metrics: [Double] = []
        var (updates, samples) = (0, 0)
        var lastFinite = parameters
        let clock = ContinuousClock()
        for epoch in 0..<configuration.epochs {
            let start = clock.now
            sampler.startEpoch()
            var (lossSum, count, rate) = (0.0, 0, constant ?? 0)
            for j in 0..<sampler.batchesPerEpoch {
                if constant == nil {
                    let s = Trainer<SparseLinearObjective<Scalar>, SGD<Scalar>>.scheduleStep(schedule.unit, step: updates, epoch: epoch, samples: samples)
                    rate = try Trainer<SparseLinearObjective<Scalar>, SGD<Scalar>>.scheduledRate(schedule, at: s, metrics: metrics) { _ in }
                }
                let r = rate
                let (loss, b) = sampler.withBatch(j) { (step(batch: $0, learningRate: r), $0.count) }
                guard loss.isFinite else {
                    return TrainingResult(stopReason: .diverged(step: updates, reason: .nonFiniteLoss), parameters: lastFinite,
                                          history: history, steps: updates)
                }
                lossSum += loss * Double(b); count += b; updates += 1; samples += b
            }
            synchronize()
            guard parameters.allSatisfy({ $0.isFinite }) else {
                return TrainingResult(stopReason: .diverged(step: updates - 1, reason: .nonFiniteParameters), parameters: lastFinite,
                                      history: history, steps: updates)
            }
            lastFinite = parameters
            let trainSeconds = Trainer<SparseLinearObjective<Scalar>, SGD<Scalar>>.seconds(start.duration(to: clock.now))
            var record = EpochRecord(epoch: epoch, trainingLoss: lossSum / Double(Swift.max(count, 1)), validationLoss: nil,
                                     validationMetric: nil, learningRate: rate, steps: updates, samples: count, seconds: 0, samplesPerSecond: 0)
            if let validation { try parameters.withUnsafeBufferPointer { record.setValidation(try validation($0)) } }
            if constant == nil {
                metrics.append(metric == .validationLoss ? record.validationLoss ?? .nan : record.value(of: metric) ?? .nan)
            }
            record.seconds = Trainer<SparseLinearObjective<Scalar>, SGD<Scalar>>.seconds(start.duration(to: clock.now))
            record.samplesPerSecond = trainSeconds > 0 ? Double(count) / trainSeconds : 0
            history.append(record)
            afterEpoch(record)
        }
        return TrainingResult(stopReason: .completed, parameters: parameters, history: history, steps: updates)
    }
}
