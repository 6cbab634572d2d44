/// scikit-learn's `tol` stop for SGD without a validation set (`early_stopping=False`), which keeps
/// the last weights (source: `sklearn/linear_model/_sgd_fast.pyx.tp`, `_plain_sgd`).
///
/// After each epoch, with S the epoch's summed per-sample training loss (each sample's loss at the
/// weights before its update, Descent's `epochLossSum`; sklearn's `sumloss`) over n samples:
///
///     if S > best − tol·n:  count ← count + 1   else: count ← 0
///     if S < best:          best ← S
///     stop when count ≥ nIterNoChange
///
/// with best starting at +∞ (sklearn compares the sums, i.e. the mean loss against best mean − tol).
/// Unlike `EarlyStopping` (Keras's rule) the best is lowered by any decrease, not only by one of more
/// than the tolerance, a decrease smaller than `tol` still counts as no improvement, and the result
/// is the last epoch's point, not the best one's. sklearn's defaults are tol = 10⁻³ and
/// n_iter_no_change = 5.
public struct ToleranceStop: Codable, Equatable, Sendable {
    /// scikit-learn's `tol`: an epoch must beat the best by more than this.
    public var tolerance: Double
    /// scikit-learn's `n_iter_no_change`: epochs without improvement before stopping.
    public var iterationsWithoutChange: Int

    /// Throws unless `tolerance` is finite (sklearn allows any value; a negative one never stops
    /// early) and `iterationsWithoutChange` ≥ 1.
    public init(tolerance: Double = 1e-3, iterationsWithoutChange: Int = 5) throws {
        guard tolerance.isFinite else { throw TrainingError("tol must be a finite number, got \(tolerance)") }
        guard iterationsWithoutChange >= 1 else {
            throw TrainingError("n_iter_no_change must be at least 1, got \(iterationsWithoutChange)")
        }
        self.tolerance = tolerance; self.iterationsWithoutChange = iterationsWithoutChange
    }

    /// Bookkeeping across epochs (saved in checkpoints).
    public struct Tracker: Codable, Equatable, Sendable {
        /// The lowest epoch loss sum so far (+∞ before the first epoch).
        public var best: Double = .infinity
        /// The epoch (0-based) that set `best`.
        public var bestEpoch: Int? = nil
        /// Epochs in a row that did not improve.
        public var noImprovementCount = 0
        /// A tracker before the first epoch.
        public init() {}
    }

    /// Folds one epoch's loss sum over `samples` samples into `tracker`; returns whether to stop.
    public func update(_ tracker: inout Tracker, lossSum: Double, samples: Int, epoch: Int) -> Bool {
        if lossSum > tracker.best - tolerance * Double(samples) {
            tracker.noImprovementCount += 1
        } else {
            tracker.noImprovementCount = 0
        }
        if lossSum < tracker.best { tracker.best = lossSum; tracker.bestEpoch = epoch }
        return tracker.noImprovementCount >= iterationsWithoutChange
    }
}
