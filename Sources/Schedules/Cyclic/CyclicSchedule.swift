import Foundation

/// Cyclical learning rates (Smith 2017, arXiv 1506.01186) — PyTorch's `CyclicLR`.
///
/// With up = `stepSizeUp`, down = `stepSizeDown` (default up), L = up + down, r = up/L:
///
///     cycle = ⌊1 + t/L⌋,   x = 1 + t/L − cycle
///     s = x/r             if x ≤ r      (rising)
///     s = (x − 1)/(r − 1) otherwise     (falling)
///     η(t) = η_base + (η_max − η_base) · s · f
///     m(t) = m_max − (m_max − m_base) · s · f          (only with `cycleMomentum`)
///
/// f = f_mode(a): 1 (`triangular`), 1/2^(a−1) (`triangular2`), γ^a (`exp_range`), where the
/// argument a is the cycle number (`scaleMode` `.cycle`) or the step t (`.iterations`). Without
/// `scaleMode`, each mode takes PyTorch's: cycle for triangular and triangular2, iterations for
/// exp_range — exactly PyTorch's named modes, whose `scale_mode` argument is ignored
/// (`CyclicLR._init_scale_fn`). With `scaleMode` given, the schedule is PyTorch's
/// `CyclicLR(scale_fn=f_mode, scale_mode=…)`: the scale functions a text form can name, with either
/// argument (e.g. γ^cycle: a per-cycle exponential decay). PyTorch defaults: up = 2000, γ = 1,
/// momentum 0.8…0.9 (cycled by default there; opt-in here). Usually `.batch`.
/// Text form: `cyclic:max=0.1,up=2000,down=2000,mode=triangular,gamma=1,scale-mode=cycle,momentum=0.8/0.9,unit=batch`
/// (the base rate comes from `--lr`, or `base=`; `scale-mode` only when it is not the mode's own).
public struct CyclicSchedule: LearningRateSchedule, Equatable, CustomStringConvertible {
    /// The scale function's name, as PyTorch's `mode`.
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        /// A triangle between the bounds, the same every cycle.
        case triangular
        /// A triangle whose height halves every cycle.
        case triangular2
        /// A triangle scaled by γ^a, a being the argument of the scale function (text `exp_range`).
        case expRange = "exp_range"

        /// PyTorch's `scale_mode` for the named mode.
        public var defaultScaleMode: ScaleMode { self == .expRange ? .iterations : .cycle }
    }

    /// What the scale function f is applied to: the cycle number (1, 2, …) or the step t.
    public enum ScaleMode: String, Sendable, Equatable, CaseIterable {
        /// The cycle number (1, 2, …).
        case cycle
        /// The step t.
        case iterations
    }

    /// The lower bound of the cycle.
    public let baseLearningRate: Double
    /// The upper bound of the cycle (before scaling).
    public let maxLearningRate: Double
    /// Steps from the lower to the upper bound.
    public let stepSizeUp: Int
    /// Steps from the upper back to the lower bound.
    public let stepSizeDown: Int
    /// The scale function.
    public let mode: Mode
    /// γ of the `exp_range` mode.
    public let gamma: Double
    /// The argument of the scale function (`mode.defaultScaleMode` unless given).
    public let scaleMode: ScaleMode
    /// The momentum range cycled opposite to the rate; nil: momentum is not cycled.
    public let cycleMomentum: MomentumCycle?
    /// What one step counts (fixed at construction).
    public let unit: ScheduleUnit

    /// A cyclical schedule with these settings (`stepSizeDown` equal to `stepSizeUp` when nil, `scaleMode` the
    /// mode's own when nil); throws a `ScheduleError` naming the field when a value is out of its range.
    public init(baseLearningRate: Double, maxLearningRate: Double, stepSizeUp: Int = 2000, stepSizeDown: Int? = nil,
                mode: Mode = .triangular, gamma: Double = 1, scaleMode: ScaleMode? = nil,
                cycleMomentum: MomentumCycle? = nil, unit: ScheduleUnit = .batch) throws {
        try Check.nonNegative(baseLearningRate, "base")
        try Check.nonNegative(maxLearningRate, "max")
        try Check.positive(stepSizeUp, "up")
        try Check.positive(stepSizeDown ?? stepSizeUp, "down")
        try Check.positive(gamma, "gamma")
        self.baseLearningRate = baseLearningRate
        self.maxLearningRate = maxLearningRate
        self.stepSizeUp = stepSizeUp
        self.stepSizeDown = stepSizeDown ?? stepSizeUp
        self.mode = mode
        self.gamma = gamma
        self.scaleMode = scaleMode ?? mode.defaultScaleMode
        self.cycleMomentum = cycleMomentum
        self.unit = unit
    }

    /// s · f, the fraction of the way from the base value to the peak.
    func height(at step: Int) -> Double {
        let total = Double(stepSizeUp + stepSizeDown)
        let ratio = Double(stepSizeUp) / total
        let position = Double(step) / total
        let cycle = (1 + position).rounded(.down)
        let x = 1 + position - cycle
        let scale = x <= ratio ? x / ratio : (x - 1) / (ratio - 1)
        let a = scaleMode == .cycle ? cycle : Double(step)
        switch mode {
        case .triangular: return scale
        case .triangular2: return scale * (1 / pow(2, a - 1))
        case .expRange: return scale * pow(gamma, a)
        }
    }

    public func learningRate(at step: Int, metrics: [Double]) throws -> Double {
        try Check.step(step)
        return baseLearningRate + (maxLearningRate - baseLearningRate) * height(at: step)
    }

    public func momentum(at step: Int, metrics: [Double]) throws -> Double? {
        try Check.step(step)
        guard let m = cycleMomentum else { return nil }
        return m.max - (m.max - m.base) * height(at: step)
    }

    public var description: String {
        var s = "cyclic:base=\(formatNumber(baseLearningRate)),max=\(formatNumber(maxLearningRate)),up=\(stepSizeUp),down=\(stepSizeDown),mode=\(mode.rawValue)"
        if mode == .expRange { s += ",gamma=\(formatNumber(gamma))" }
        if scaleMode != mode.defaultScaleMode { s += ",scale-mode=\(scaleMode.rawValue)" }
        if let m = cycleMomentum { s += ",momentum=\(m.text)" }
        return s + ",unit=\(unit.rawValue)"
    }
}
