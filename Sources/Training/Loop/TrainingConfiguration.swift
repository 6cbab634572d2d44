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
/// The raw values are what checkpoints' recipes store.
public enum MonitoredQuantity: String, Codable, Equatable, Sendable, CaseIterable {
    /// The epoch's training loss (mean of its batch losses at pre-update parameters).
    case trainingLoss
    /// The evaluator's loss at the end of the epoch.
    case validationLoss
    /// The evaluator's primary metric at the end of the epoch (`Evaluation.primaryMetric`: accuracy
    /// for classification losses, R² for regression losses).
    case validationMetric
    /// Regression metrics of the validation evaluation (see `RegressionMetrics`).
    case validationRMSE, validationR2, validationMAE, validationExplainedVariance
    /// Classification metrics of the validation evaluation (see `ClassificationMetrics`); ROC-AUC
    /// only for two classes.
    case validationAccuracy, validationLogLoss, validationROCAUC

    /// Whether a larger value is better (scikit-learn's scorers: `greater_is_better` is true for
    /// R², explained variance, accuracy and ROC-AUC, false for the errors and losses).
    public var higherIsBetter: Bool {
        switch self {
        case .trainingLoss, .validationLoss, .validationRMSE, .validationMAE, .validationLogLoss: false
        case .validationMetric, .validationR2, .validationExplainedVariance, .validationAccuracy, .validationROCAUC: true
        }
    }

    /// The early-stopping / plateau mode this quantity needs.
    public var mode: EarlyStopping.Mode { higherIsBetter ? .max : .min }

    /// Which loss kind the quantity needs: nil = any, else whether it needs a classification loss.
    public var needsClassification: Bool? {
        switch self {
        case .trainingLoss, .validationLoss, .validationMetric: nil
        case .validationRMSE, .validationR2, .validationMAE, .validationExplainedVariance: false
        case .validationAccuracy, .validationLogLoss, .validationROCAUC: true
        }
    }

    /// A short name for reports and plots ("validation MAE").
    public var displayName: String {
        switch self {
        case .trainingLoss: "training loss"
        case .validationLoss: "validation loss"
        case .validationMetric: "validation metric"
        case .validationRMSE: "validation RMSE"
        case .validationR2: "validation R²"
        case .validationMAE: "validation MAE"
        case .validationExplainedVariance: "validation explained variance"
        case .validationAccuracy: "validation accuracy"
        case .validationLogLoss: "validation log-loss"
        case .validationROCAUC: "validation ROC-AUC"
        }
    }

    /// Whether the quantity is read from the validation evaluation.
    public var needsValidation: Bool { self != .trainingLoss }
}

/// Everything that decides a training run apart from the objective, the optimizer and the start point.
///
/// **The learning rate has one source: the schedule.** Every update's rate is
/// `schedule.learningRate(at:metrics:)` at the schedule's step, which counts its declared unit:
/// updates done (`.batch`), completed epochs (`.epoch`) or samples consumed (`.sample`), always
/// before the update being scheduled (step 0 = the first update). A constant rate is a
/// `ConstantSchedule` (the `learningRate:` initialiser builds one). The rate an optimizer was built
/// with is not used by the trainer (it is the rate of the optimizer's own `step(parameters:gradient:)`
/// for code that steps it directly).
public struct TrainingConfiguration: Sendable {
    /// Passes over the training set.
    public var epochs: Int
    /// Samples per update; `.size(32)` unless given, as on the command line.
    public var batchSize: BatchSize
    /// Sample order per epoch. Ignored for a full batch, which is always the whole set as one row range.
    public var shuffle: ShuffleMode
    /// Skip a final short batch each epoch.
    public var dropLast: Bool
    /// Seeds the sampler's generator (same seed ⇒ same batches).
    public var seed: UInt64
    /// The rate of every update.
    public var schedule: any LearningRateSchedule
    /// What a metric-driven schedule reads, one value per completed epoch. Nil = the validation
    /// loss when an evaluator is given, else the training loss.
    public var scheduleMetric: MonitoredQuantity?
    /// Early stopping, nil for none.
    public var earlyStopping: EarlyStopping?
    /// Clips every update's gradient before the optimizer's step (after the allreduce in a
    /// data-parallel run); nil for none.
    public var gradientClipping: GradientClipping? = nil
    /// scikit-learn's `tol` stop on the epoch training loss (keeps the last point); nil for none.
    public var toleranceStop: ToleranceStop? = nil
    /// A given sample order per epoch (replaces `shuffle` and `seed`'s shuffling, also for a full
    /// batch); it must hold at least `epochs` epochs of the training set's rows. Nil for none.
    public var batchOrder: BatchOrder? = nil

    /// A run whose rates come from `schedule`.
    public init(epochs: Int, batchSize: BatchSize = .size(32), shuffle: ShuffleMode = .reshuffle,
                dropLast: Bool = false, seed: UInt64 = 0, schedule: any LearningRateSchedule,
                scheduleMetric: MonitoredQuantity? = nil, earlyStopping: EarlyStopping? = nil) {
        self.epochs = epochs; self.batchSize = batchSize; self.shuffle = shuffle; self.dropLast = dropLast
        self.seed = seed; self.schedule = schedule
        self.scheduleMetric = scheduleMetric; self.earlyStopping = earlyStopping
    }

    /// A run at the constant rate `learningRate` (a `ConstantSchedule`). Throws unless the rate is
    /// positive and finite.
    public init(epochs: Int, batchSize: BatchSize = .size(32), shuffle: ShuffleMode = .reshuffle,
                dropLast: Bool = false, seed: UInt64 = 0, learningRate: Double,
                scheduleMetric: MonitoredQuantity? = nil, earlyStopping: EarlyStopping? = nil) throws {
        self.init(epochs: epochs, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast, seed: seed,
                  schedule: try Self.constant(learningRate), scheduleMetric: scheduleMetric,
                  earlyStopping: earlyStopping)
    }

    /// The constant-rate schedule of the `learningRate:` initialiser; throws unless the rate is
    /// positive and finite.
    public static func constant(_ learningRate: Double) throws -> any LearningRateSchedule {
        guard learningRate.isFinite && learningRate > 0 else {
            throw TrainingError("learning rate must be a positive finite number, got \(learningRate)")
        }
        return try ConstantSchedule(baseLearningRate: learningRate, unit: .batch)
    }

    /// The rate when the schedule is a plain constant (factor 1), else nil: the trainer reads it
    /// once instead of asking the schedule at every update.
    var constantRate: Double? {
        guard let c = schedule as? ConstantSchedule, c.factor == 1 || c.iterations == 0 else { return nil }
        return c.baseLearningRate
    }

    /// Updates per epoch on a training set of `sampleCount` samples (a final short batch counts
    /// unless `dropLast`).
    public func updatesPerEpoch(sampleCount: Int) -> Int {
        BatchSampler.batchesPerEpoch(sampleCount: sampleCount, batchSize: batchSize.resolved(sampleCount: sampleCount), dropLast: dropLast)
    }

    /// Updates in the whole run, `epochs × updatesPerEpoch`: the total a schedule that needs one
    /// (one-cycle's `steps`, cosine's `T` in updates) takes before the trainer exists, e.g.
    /// `parseSchedule("onecycle:steps=\(c.totalUpdates(sampleCount: n))", baseLearningRate: 0.1)`.
    public func totalUpdates(sampleCount: Int) -> Int { epochs * updatesPerEpoch(sampleCount: sampleCount) }

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
        if !hasValidation {
            if let m = scheduleMetric, m.needsValidation {
                throw TrainingError("schedule metric \(m.rawValue) needs a validation evaluator")
            }
            if let e = earlyStopping, e.monitor?.needsValidation == true {
                throw TrainingError("early stopping monitors \(e.monitor!.rawValue), which needs a validation evaluator")
            }
        }
        if let e = earlyStopping { try e.validate() }
        if let o = batchOrder {
            guard o.sampleCount == sampleCount else {
                throw TrainingError("the batch order has \(o.sampleCount) indices per epoch, the training set \(sampleCount) rows")
            }
            guard o.epochs >= epochs else {
                throw TrainingError("the batch order holds \(o.epochs) epochs, fewer than the \(epochs) to train")
            }
        }
    }
}
