/// Early stopping on a per-epoch quantity, after Keras's `EarlyStopping` callback.
///
/// With `mode = .min` an epoch improves when `value < best − minDelta` (`.max`: `value > best + minDelta`);
/// the first finite value always improves (best starts at ±∞); a NaN never does. Each epoch that does
/// not improve adds one to `wait`; training stops when `wait ≥ patience` (so `patience = 0` stops at
/// the first epoch that does not improve). With `restoreBest`, the result is the point of the best
/// epoch whenever training ends normally (completed or stopped early). Keras restores only when it
/// stops early; restoring at completion too gives what the user asked for (the best epoch) either way.
/// Defaults follow Keras (`min_delta = 0`, `mode = min`); Keras's default patience 0 is kept as well.
public struct EarlyStopping: Codable, Equatable, Sendable {
    /// Whether lower or higher values of the watched quantity are better.
    public enum Mode: String, Codable, Sendable {
        /// Lower values are better.
        case min
        /// Higher values are better.
        case max
    }

    /// Epochs without improvement before stopping (0: stop at the first).
    public var patience: Int
    /// The smallest change that counts as an improvement.
    public var minDelta: Double
    /// Whether lower or higher values are better.
    public var mode: Mode
    /// The watched quantity; nil = validation loss when an evaluator is given, else training loss.
    public var monitor: MonitoredQuantity?
    /// Whether the result is the best epoch's point (when training completes or stops early).
    public var restoreBest: Bool

    /// Early stopping with these settings (Keras's defaults).
    public init(patience: Int = 0, minDelta: Double = 0, mode: Mode = .min,
                monitor: MonitoredQuantity? = nil, restoreBest: Bool = true) {
        self.patience = patience; self.minDelta = minDelta; self.mode = mode
        self.monitor = monitor; self.restoreBest = restoreBest
    }

    func validate() throws {
        if let m = monitor, m.mode != mode {
            throw TrainingError("early stopping on \(m.rawValue) needs mode \(m.mode.rawValue) (\(m.higherIsBetter ? "higher" : "lower") is better), got \(mode.rawValue)")
        }
        guard patience >= 0 else { throw TrainingError("early-stopping patience must be at least 0, got \(patience)") }
        guard minDelta.isFinite && minDelta >= 0 else {
            throw TrainingError("early-stopping min delta must be a finite number ≥ 0, got \(minDelta)")
        }
    }

    /// Whether `value` improves on `best` by more than `minDelta` in this mode.
    public func improves(_ value: Double, on best: Double) -> Bool {
        switch mode {
        case .min: value < best - minDelta
        case .max: value > best + minDelta
        }
    }

    /// The watched quantity after the default is applied.
    public func resolvedMonitor(hasValidation: Bool) -> MonitoredQuantity {
        monitor ?? (hasValidation ? .validationLoss : .trainingLoss)
    }

    /// Bookkeeping across epochs (saved in checkpoints).
    public struct Tracker: Codable, Equatable, Sendable {
        /// The best value so far (±∞ before the first).
        public var best: Double
        /// Index of the best epoch (0-based), or nil before the first improvement.
        public var bestEpoch: Int?
        /// Epochs since the last improvement.
        public var wait: Int

        /// A tracker for `mode`, before the first epoch.
        public init(mode: Mode) {
            best = mode == .min ? .infinity : -.infinity; bestEpoch = nil; wait = 0
        }
    }

    /// Folds one epoch's value into `tracker`; returns whether it improved and whether to stop.
    public func update(_ tracker: inout Tracker, value: Double, epoch: Int) -> (improved: Bool, stop: Bool) {
        if improves(value, on: tracker.best) {
            tracker.best = value; tracker.bestEpoch = epoch; tracker.wait = 0
            return (true, false)
        }
        tracker.wait += 1
        return (false, tracker.wait >= patience)
    }
}
