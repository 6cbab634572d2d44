import LinearAlgebra

/// One line of the per-epoch history.
public struct EpochRecord: Codable, Equatable, Sendable {
    /// 0-based epoch index.
    public var epoch: Int
    /// Mean of the epoch's batch losses, each at the parameters before its update, weighted by batch size.
    public var trainingLoss: Double
    /// The validation loss at the epoch's end, nil without validation.
    public var validationLoss: Double?
    /// The validation evaluation's `primaryMetric` (accuracy, or R²).
    public var validationMetric: Double?
    /// The validation evaluation's scalar metrics for the loss kind (nil for the other kind and
    /// without validation): regression RMSE, R², MAE, explained variance; classification accuracy,
    /// log-loss and (two classes) ROC-AUC. Definitions in `RegressionMetrics`/`ClassificationMetrics`.
    public var validationRMSE: Double? = nil
    /// Validation R².
    public var validationR2: Double? = nil
    /// Validation mean absolute error.
    public var validationMAE: Double? = nil
    /// Validation explained variance.
    public var validationExplainedVariance: Double? = nil
    /// Validation accuracy.
    public var validationAccuracy: Double? = nil
    /// Validation log-loss.
    public var validationLogLoss: Double? = nil
    /// Validation ROC-AUC (two classes).
    public var validationROCAUC: Double? = nil
    /// The rate of the epoch's last update.
    public var learningRate: Double
    /// Updates done so far (all epochs).
    public var steps: Int
    /// Samples the epoch's updates consumed.
    public var samples: Int
    /// Wall time of the epoch's updates and evaluation (monotonic clock).
    public var seconds: Double
    /// `samples` / `seconds`.
    public var samplesPerSecond: Double

    /// A record with these values (the detailed validation metrics nil).
    public init(epoch: Int, trainingLoss: Double, validationLoss: Double?, validationMetric: Double?, learningRate: Double, steps: Int,
                samples: Int, seconds: Double, samplesPerSecond: Double) {
        self.epoch = epoch; self.trainingLoss = trainingLoss; self.validationLoss = validationLoss
        self.validationMetric = validationMetric; self.learningRate = learningRate; self.steps = steps; self.samples = samples
        self.seconds = seconds; self.samplesPerSecond = samplesPerSecond
    }

    /// The record's scalar validation fields from `e` (the loss, the primary metric and the rest).
    public mutating func setValidation(_ e: Evaluation) {
        validationLoss = e.loss; validationMetric = e.primaryMetric
        validationRMSE = e.rmse; validationR2 = e.r2; validationMAE = e.mae
        validationExplainedVariance = e.explainedVariance
        validationAccuracy = e.accuracy; validationLogLoss = e.logLoss; validationROCAUC = e.rocAUC
    }

    /// The value of `q` in this record (nil when the record does not have it).
    public func value(of q: MonitoredQuantity) -> Double? {
        switch q {
        case .trainingLoss: trainingLoss
        case .validationLoss: validationLoss
        case .validationMetric: validationMetric
        case .validationRMSE: validationRMSE
        case .validationR2: validationR2
        case .validationMAE: validationMAE
        case .validationExplainedVariance: validationExplainedVariance
        case .validationAccuracy: validationAccuracy
        case .validationLogLoss: validationLogLoss
        case .validationROCAUC: validationROCAUC
        }
    }

    /// The record without its timings (which differ between otherwise identical runs).
    public var withoutTimings: EpochRecord {
        var r = self; r.seconds = 0; r.samplesPerSecond = 0; return r
    }
}

/// What the per-step hook sees: enough for a progress bar.
public struct TrainingProgress: Sendable, Equatable {
    /// 0-based epoch index.
    public var epoch: Int
    /// 0-based batch index within the epoch (the batch just used).
    public var batch: Int
    /// Updates per epoch.
    public var batchesPerEpoch: Int
    /// Updates done so far, including this one.
    public var step: Int
    /// The rate of this update.
    public var learningRate: Double
    /// This batch's loss at the pre-update parameters.
    public var batchLoss: Double
    /// The epoch's training loss so far (batch-size-weighted mean).
    public var runningLoss: Double
}

/// A hook's answer.
public enum HookDecision: Sendable, Equatable {
    /// Go on training.
    case `continue`
    /// End `run()` with `.cancelled`.
    case stop
}

/// Why `run()` returned.
public enum StopReason: Codable, Equatable, Sendable, CustomStringConvertible {
    /// All epochs ran.
    case completed
    /// The monitored quantity did not improve for `patience` epochs; `bestEpoch` is 0-based.
    case earlyStopped(epoch: Int, bestEpoch: Int?)
    /// Update `step` (0-based) met a non-finite value; the parameters are those before it.
    case diverged(step: Int, reason: DivergenceReason)
    /// A hook asked to stop after `step` updates, with `epoch` epochs complete. `run()` again (or a
    /// trainer resumed from `state`) continues from there.
    case cancelled(epoch: Int, step: Int)

    public var description: String {
        switch self {
        case .completed: "completed"
        case .earlyStopped(let e, let b): "stopped early after epoch \(e + 1)" + (b.map { " (best epoch \($0 + 1))" } ?? "")
        case .diverged(let s, let r): "diverged at update \(s): \(r)"
        case .cancelled(let e, let s): "cancelled after \(e) epochs, \(s) updates"
        }
    }

    var isEarlyStop: Bool {
        if case .earlyStopped = self { return true }
        return false
    }

    /// Whether training is over (a cancelled run can continue).
    public var isFinal: Bool {
        if case .cancelled = self { return false }
        return true
    }
}

/// What `run()` returns.
public struct TrainingResult<Scalar: BLASScalar>: Sendable {
    /// Why training ended.
    public var stopReason: StopReason
    /// The parameters to use: the best epoch's point (early stopping with `restoreBest`, when training
    /// completed or stopped early), else the optimizer's evaluation point (an averaging optimizer's
    /// average, see `PolynomialAveraging`). After a divergence: from the last finite iterate, never NaN.
    public var parameters: [Scalar]
    /// The records of the finished epochs.
    public var history: [EpochRecord]
    /// Updates done.
    public var steps: Int
}
