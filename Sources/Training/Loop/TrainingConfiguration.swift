import Schedules

/// How many samples each update sees.
public enum BatchSize: Codable, Equatable, Sendable {
    /// The whole training set every update: full-batch gradient descent (one update per epoch).
    case full
    /// `b` samples per update (`.size(1)` is per-sample SGD). Clamped to the sample count.
    case size(Int)

    /// The batch size for a training set of `sampleCount` samples.
    public func resolved(sampleCount: Int) -> Int {
        switch self {
        case .full: Swift.max(sampleCount, 1)
        case .size(let b): Swift.min(b, Swift.max(sampleCount, 1))
        }
    }
}

/// A per-epoch quantity the loop can hand to a metric-driven schedule or watch for early stopping.
public enum MonitoredQuantity: String, Codable, Equatable, Sendable {
    /// The epoch's training loss (mean of its batch losses at pre-update parameters).
    case trainingLoss
    /// The evaluator's loss at the end of the epoch.
    case validationLoss
    /// The evaluator's metric at the end of the epoch.
    case validationMetric
}

/// Everything that decides a training run apart from the objective, the optimizer and the start point.
///
/// Learning rate: without a schedule every update uses `learningRate`. A schedule carries its own
/// base rate (the CLI builds it from `--lr`), so with a schedule the rate of each update is the
/// schedule's value and `learningRate` is ignored. The schedule's step counts its declared unit:
/// updates done (`.batch`), completed epochs (`.epoch`) or samples consumed (`.sample`), always
/// before the update being scheduled (step 0 = the first update).
public struct TrainingConfiguration: Sendable {
    /// Passes over the training set.
    public var epochs: Int
    public var batchSize: BatchSize
    /// Sample order per epoch. Ignored for a full batch, which is always the whole set as one row range.
    public var shuffle: ShuffleMode
    /// Skip a final short batch each epoch.
    public var dropLast: Bool
    /// Seeds the sampler's generator (same seed ⇒ same batches).
    public var seed: UInt64
    /// The rate of every update when `schedule` is nil.
    public var learningRate: Double
    public var schedule: (any LearningRateSchedule)?
    /// What a metric-driven schedule reads, one value per completed epoch. Nil = the validation
    /// loss when an evaluator is given, else the training loss.
    public var scheduleMetric: MonitoredQuantity?
    public var earlyStopping: EarlyStopping?
    public var averaging: IterateAveraging?

    public init(epochs: Int, batchSize: BatchSize = .full, shuffle: ShuffleMode = .reshuffle,
                dropLast: Bool = false, seed: UInt64 = 0, learningRate: Double,
                schedule: (any LearningRateSchedule)? = nil, scheduleMetric: MonitoredQuantity? = nil,
                earlyStopping: EarlyStopping? = nil, averaging: IterateAveraging? = nil) {
        self.epochs = epochs; self.batchSize = batchSize; self.shuffle = shuffle; self.dropLast = dropLast
        self.seed = seed; self.learningRate = learningRate; self.schedule = schedule
        self.scheduleMetric = scheduleMetric; self.earlyStopping = earlyStopping; self.averaging = averaging
    }

    /// The quantity fed to metric-driven schedules, after the default is applied.
    public func resolvedScheduleMetric(hasValidation: Bool) -> MonitoredQuantity {
        scheduleMetric ?? (hasValidation ? .validationLoss : .trainingLoss)
    }

    /// Checks the user-facing settings; throws naming the field.
    public func validate(sampleCount: Int, hasValidation: Bool) throws {
        guard epochs >= 0 else { throw TrainingError("epochs must be at least 0, got \(epochs)") }
        guard sampleCount >= 1 else { throw TrainingError("the training set is empty (0 samples)") }
        if case .size(let b) = batchSize, b < 1 {
            throw TrainingError("batch size must be at least 1, got \(b)")
        }
        if schedule == nil {
            guard learningRate.isFinite && learningRate > 0 else {
                throw TrainingError("learning rate must be a positive finite number, got \(learningRate)")
            }
        }
        if !hasValidation {
            if let m = scheduleMetric, m != .trainingLoss {
                throw TrainingError("schedule metric \(m.rawValue) needs a validation evaluator")
            }
            if let e = earlyStopping, e.monitor != nil && e.monitor != .trainingLoss {
                throw TrainingError("early stopping monitors \(e.monitor!.rawValue), which needs a validation evaluator")
            }
        }
        if let e = earlyStopping { try e.validate() }
        if let a = averaging { try a.validate() }
    }
}
