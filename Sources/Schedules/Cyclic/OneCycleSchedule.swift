/// The 1cycle policy (Smith & Topin 2018) — PyTorch's `OneCycleLR`.
///
/// η_init = η_max / div, η_final = η_init / finalDiv, T = `totalSteps`, p = `pctStart`.
/// Phases (end steps as in PyTorch, fractional when p·T is not an integer):
///
///     two phases:   [0, pT−1]        η_init → η_max    m_max → m_base
///                   [pT−1, T−1]      η_max → η_final   m_base → m_max
///     three phases: [0, pT−1]        η_init → η_max    m_max → m_base
///                   [pT−1, 2pT−2]    η_max → η_init    m_base → m_max
///                   [2pT−2, T−1]     η_init → η_final  m_max (constant)
///
/// Within a phase [a, b], with q = (t − a)/(b − a), `cos` annealing gives
/// end + (start − end)(1 + cos πq)/2 and `linear` gives start + (end − start)·q.
/// PyTorch defaults: p = 0.3, cos, div = 25, finalDiv = 1e4, momentum 0.85…0.95 (cycled by
/// default there; opt-in here through `cycleMomentum`, see `MomentumCycle`).
///
/// Steps 0 … T−1 are the T updates; **step T or later throws** (PyTorch raises only past T,
/// because its scheduler also computes the never-used rate after the last update).
/// Text form: `onecycle:max=0.1,steps=1000,pct=0.3,anneal=cos,div=25,final=10000,phases=2,momentum=0.85/0.95,unit=batch`.
/// The parser also takes torch's `epochs=E,steps-per-epoch=S` in place of `steps` (`OneCycleLR`:
/// total_steps = epochs · steps_per_epoch when total_steps is None); the description writes `steps=E·S`.
public struct OneCycleSchedule: LearningRateSchedule, Equatable, CustomStringConvertible {
    /// How the rate moves from one point of the cycle to the next.
    public enum Annealing: String, Sendable, Equatable, CaseIterable {
        /// Cosine annealing.
        case cos
        /// Linear annealing.
        case linear
    }

    /// The peak rate.
    public let maxLearningRate: Double
    /// The run's length in steps; a step outside it throws.
    public let totalSteps: Int
    /// The fraction of the steps spent rising to the peak.
    public let pctStart: Double
    /// How the rate moves between its points.
    public let annealing: Annealing
    /// The start is max/divFactor.
    public let divFactor: Double
    /// The end is the start/finalDivFactor.
    public let finalDivFactor: Double
    /// Whether the rate goes back to the start before annealing to the end (PyTorch's `three_phase`).
    public let threePhase: Bool
    /// The momentum range cycled opposite to the rate; nil: momentum is not cycled.
    public let cycleMomentum: MomentumCycle?
    /// What one step counts (fixed at construction).
    public let unit: ScheduleUnit

    /// A one-cycle schedule with these settings (PyTorch's defaults); throws a `ScheduleError` naming the field
    /// when a value is out of its range.
    public init(maxLearningRate: Double, totalSteps: Int, pctStart: Double = 0.3, annealing: Annealing = .cos,
                divFactor: Double = 25, finalDivFactor: Double = 1e4, threePhase: Bool = false,
                cycleMomentum: MomentumCycle? = nil, unit: ScheduleUnit = .batch) throws {
        try Check.nonNegative(maxLearningRate, "max")
        try Check.positive(totalSteps, "steps")
        try Check.within(pctStart, "pct", lower: 0, lowerOpen: false, upper: 1, upperOpen: false)
        try Check.positive(divFactor, "div")
        try Check.positive(finalDivFactor, "final")
        self.maxLearningRate = maxLearningRate
        self.totalSteps = totalSteps
        self.pctStart = pctStart
        self.annealing = annealing
        self.divFactor = divFactor
        self.finalDivFactor = finalDivFactor
        self.threePhase = threePhase
        self.cycleMomentum = cycleMomentum
        self.unit = unit
    }

    /// The rate at step 0: max/divFactor.
    public var initialLearningRate: Double { maxLearningRate / divFactor }
    /// The rate at the last step: initial/finalDivFactor.
    public var finalLearningRate: Double { initialLearningRate / finalDivFactor }

    /// One phase: [start, end] in steps, learning-rate endpoints, and momentum endpoints as
    /// flags (true = m_max, false = m_base).
    private typealias Phase = (start: Double, end: Double, lr: (Double, Double), highMomentum: (Bool, Bool))

    private func anneal(_ start: Double, _ end: Double, _ q: Double) -> Double {
        switch annealing {
        case .cos: return cosineInterpolation(from: start, to: end, fraction: q)
        case .linear: return (end - start) * q + start
        }
    }

    /// The phase containing `step` and the fraction q through it (PyTorch's phase search: the
    /// first phase whose end is ≥ t, else the last). No allocation.
    private func locate(_ step: Int) throws -> (Phase, Double) {
        try Check.step(step)
        if step >= totalSteps {
            throw ScheduleError(field: "step", "one-cycle schedule has \(totalSteps) steps (0…\(totalSteps - 1)); step \(step) is past the end")
        }
        let t = Double(totalSteps), p = pctStart, s = Double(step)
        let (lo, hi, fin) = (initialLearningRate, maxLearningRate, finalLearningRate)
        let end1 = p * t - 1
        let phase: Phase
        if threePhase {
            let end2 = 2 * p * t - 2
            if s <= end1 { phase = (0, end1, (lo, hi), (true, false)) }
            else if s <= end2 { phase = (end1, end2, (hi, lo), (false, true)) }
            else { phase = (end2, t - 1, (lo, fin), (true, true)) }
        } else {
            if s <= end1 { phase = (0, end1, (lo, hi), (true, false)) }
            else { phase = (end1, t - 1, (hi, fin), (false, true)) }
        }
        return (phase, (s - phase.start) / (phase.end - phase.start))
    }

    public func learningRate(at step: Int, metrics: [Double]) throws -> Double {
        let (phase, q) = try locate(step)
        return anneal(phase.lr.0, phase.lr.1, q)
    }

    public func momentum(at step: Int, metrics: [Double]) throws -> Double? {
        let (phase, q) = try locate(step)
        guard let m = cycleMomentum else { return nil }
        return anneal(phase.highMomentum.0 ? m.max : m.base, phase.highMomentum.1 ? m.max : m.base, q)
    }

    public var description: String {
        var s = "onecycle:max=\(formatNumber(maxLearningRate)),steps=\(totalSteps),pct=\(formatNumber(pctStart)),anneal=\(annealing.rawValue),div=\(formatNumber(divFactor)),final=\(formatNumber(finalDivFactor)),phases=\(threePhase ? 3 : 2)"
        if let m = cycleMomentum { s += ",momentum=\(m.text)" }
        return s + ",unit=\(unit.rawValue)"
    }
}
