import LinearAlgebra
import Optimizers

/// The loop's complete state, for checkpoints: restoring it into a new `Trainer` (built with the
/// same objective, configuration and a fresh optimizer of the same kind) continues bit-identically.
/// Vectors are stored in the training precision; Swift's JSON coders round-trip them exactly.
///
/// The state may hold numbers that are not finite, which plain JSON cannot carry: early stopping's best
/// value is ±∞ until an epoch has improved on it (e.g. a checkpoint inside the first epoch), and after
/// the epoch before a divergence the validation loss (history, schedule metrics) may be ∞ and, after the
/// divergence, an optimizer buffer too. A JSON writer must therefore set a non-conforming float strategy
/// on both sides (`JSONEncoder.nonConformingFloatEncodingStrategy = .convertToString(…)` and the
/// matching `JSONDecoder` strategy), as the CLI's checkpoint files do; the default `JSONEncoder` throws.
public struct TrainerState<Scalar: BLASScalar>: Codable, Equatable, Sendable {
    /// Completed epochs.
    public var epoch: Int
    /// Updates done.
    public var step: Int
    /// Samples consumed by all updates.
    public var samplesSeen: Int
    /// Batches done in the current (unfinished) epoch; 0 at an epoch boundary.
    public var batchInEpoch: Int
    /// Σ loss·batch size and Σ batch size over the current epoch's done batches.
    public var epochLossSum: Double
    /// Σ batch size over the current epoch's done batches.
    public var epochSamples: Int
    /// The rate of the last update.
    public var lastLearningRate: Double
    /// The sampler's position.
    public var sampler: BatchSampler.State
    /// The optimizer's typed state.
    public var optimizer: OptimizerState
    /// The current parameters.
    public var parameters: [Scalar]
    /// Early stopping's bookkeeping, nil without early stopping.
    public var earlyStopping: EarlyStopping.Tracker?
    /// The best epoch's point, when early stopping keeps it.
    public var bestParameters: [Scalar]?
    /// The per-epoch values fed to metric-driven schedules.
    public var metricHistory: [Double]
    /// The records of the finished epochs.
    public var history: [EpochRecord]
    /// Set once training is over (completed, stopped early or diverged); `run()` then returns at once.
    /// Clear it (and raise `epochs` in the configuration) to continue a completed run.
    public var finished: StopReason?
    /// The processes and mode of a data-parallel run (nil for a plain run). The rest of the state is
    /// process 0's, which in data-parallel training every process shares, except the local shuffle
    /// of `.sharded` mode, which each process rebuilds from its seed and the epoch count.
    public var dataParallel: DataParallel.Record? = nil
    /// The `tol` stop's bookkeeping (nil without one).
    public var toleranceStop: ToleranceStop.Tracker? = nil
}
