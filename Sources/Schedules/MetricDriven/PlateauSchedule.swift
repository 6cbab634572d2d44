/// Reduce the learning rate when a metric stops improving — PyTorch's `ReduceLROnPlateau`,
/// as a pure fold over the per-epoch metric history (so it composes with `SequentialSchedule`
/// and `ChainedSchedule`, PyTorch #68978).
///
/// Starting from best = +∞ (min) / −∞ (max), bad = 0, cooldown = 0, η = η₀, for each metric m:
///
///     better = min·rel: m < best·(1 − θ)    min·abs: m < best − θ
///              max·rel: m > best·(1 + θ)    max·abs: m > best + θ
///     if better { best = m; bad = 0 } else { bad += 1 }
///     if cooldown > 0 { cooldown −= 1; bad = 0 }          // bad epochs are ignored in cooldown
///     if bad > patience {                                 // strictly more than `patience`
///         η' = max(η·factor, η_min); if η − η' > ε { η = η' }
///         cooldown = cooldownEpochs; bad = 0
///     }
///
/// The rate for an update is the result of folding over all metrics recorded so far (the step
/// index is not used; the first metric only sets the baseline, so with patience p the earliest
/// reduction follows metric p + 2). PyTorch defaults: min, factor 0.1, patience 10, θ = 1e-4 rel,
/// cooldown 0, η_min = 0, ε = 1e-8. `factor` must be in (0, 1).
/// Text form: `plateau:mode=min,factor=0.5,patience=5,threshold=1e-4,threshold_mode=rel,cooldown=0,min_lr=0,eps=1e-8`.
public struct PlateauSchedule: LearningRateSchedule, Equatable, CustomStringConvertible {
    /// Whether lower or higher metrics are better.
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        /// Lower metrics are better.
        case min
        /// Higher metrics are better.
        case max
    }
    /// Whether the threshold θ is relative or absolute.
    public enum ThresholdMode: String, Sendable, Equatable, CaseIterable {
        /// θ is relative to the best metric.
        case rel
        /// θ is absolute.
        case abs
    }

    /// η₀, the base learning rate.
    public let baseLearningRate: Double
    /// Whether lower (`min`) or higher (`max`) metrics are better.
    public let mode: Mode
    /// The factor of each reduction.
    public let factor: Double
    /// Epochs without improvement tolerated; one more reduces the rate.
    public let patience: Int
    /// θ, the improvement that counts.
    public let threshold: Double
    /// Whether θ is relative to the best metric or absolute.
    public let thresholdMode: ThresholdMode
    /// Epochs after a reduction during which bad epochs are not counted.
    public let cooldown: Int
    /// The lowest rate.
    public let minimumLearningRate: Double
    /// ε: a reduction smaller than this is not made.
    public let eps: Double

    /// Always `.epoch`: one step and one metric per epoch.
    public var unit: ScheduleUnit { .epoch }
    public var usesMetrics: Bool { true }

    /// PyTorch's `ReduceLROnPlateau` with these settings (its defaults); throws a `ScheduleError` naming the
    /// field when a value is out of its range.
    public init(baseLearningRate: Double, mode: Mode = .min, factor: Double = 0.1, patience: Int = 10,
                threshold: Double = 1e-4, thresholdMode: ThresholdMode = .rel, cooldown: Int = 0,
                minimumLearningRate: Double = 0, eps: Double = 1e-8) throws {
        try Check.nonNegative(baseLearningRate, "lr")
        try Check.within(factor, "factor", lower: 0, lowerOpen: true, upper: 1, upperOpen: true)
        try Check.nonNegative(patience, "patience")
        try Check.nonNegative(threshold, "threshold")
        try Check.nonNegative(cooldown, "cooldown")
        try Check.nonNegative(minimumLearningRate, "min_lr")
        try Check.nonNegative(eps, "eps")
        self.baseLearningRate = baseLearningRate
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        self.minimumLearningRate = minimumLearningRate
        self.eps = eps
    }

    func isBetter(_ m: Double, than best: Double) -> Bool {
        switch (mode, thresholdMode) {
        case (.min, .rel): return m < best * (1 - threshold)
        case (.min, .abs): return m < best - threshold
        case (.max, .rel): return m > best * (1 + threshold)
        case (.max, .abs): return m > best + threshold
        }
    }

    public func learningRate(at step: Int, metrics: [Double]) throws -> Double {
        try Check.step(step)
        var lr = baseLearningRate
        var best = mode == .min ? Double.infinity : -Double.infinity
        var bad = 0, cooling = 0
        for m in metrics {
            if isBetter(m, than: best) { best = m; bad = 0 } else { bad += 1 }
            if cooling > 0 { cooling -= 1; bad = 0 }
            if bad > patience {
                let reduced = Swift.max(lr * factor, minimumLearningRate)
                if lr - reduced > eps { lr = reduced }
                cooling = cooldown
                bad = 0
            }
        }
        return lr
    }

    public var description: String {
        "plateau:mode=\(mode.rawValue),factor=\(formatNumber(factor)),patience=\(patience),threshold=\(formatNumber(threshold)),threshold_mode=\(thresholdMode.rawValue),cooldown=\(cooldown),min_lr=\(formatNumber(minimumLearningRate)),eps=\(formatNumber(eps))"
    }
}
