import LinearAlgebra

/// How the rates of a range test are spaced between `start` and `end`.
public enum LRSpacing: String, Sendable, Codable, CaseIterable {
    /// Geometric: equal ratios between neighbours (Gugger, fastai, torch-lr-finder's default).
    case exponential
    /// Arithmetic: equal differences (Smith 2015, torch-lr-finder's "linear").
    case linear
}

/// The rates tried by a learning-rate range test.
///
/// With `n = iterations` and `r = i/(n−1)` for the update `i = 0…n−1`:
///
///     exponential:  lr_i = start · (end/start)^r
///     linear:       lr_i = start + (end − start) · r
///
/// so the first update uses `start` and the last uses `end` exactly (torch-lr-finder's placement,
/// `davidtvs/pytorch-lr-finder:torch_lr_finder/lr_finder.py`; fastai's `i/num_it` stops one ratio short
/// of `end`). Defaults: 1e-7 to 10 over 100 updates (fastai's range and count).
public struct LRSweep: Sendable, Equatable, Codable {
    /// The first rate.
    public var start: Double
    /// The last rate.
    public var end: Double
    /// The number of updates (≥ 2).
    public var iterations: Int
    /// How the rates are spaced.
    public var spacing: LRSpacing

    /// Throws when `start` is not positive and finite, `end ≤ start`, or `iterations < 2`.
    public init(start: Double = 1e-7, end: Double = 10, iterations: Int = 100, spacing: LRSpacing = .exponential) throws {
        guard start.isFinite, start > 0 else { throw LRFinderError("start learning rate must be positive and finite, got \(start)") }
        guard end.isFinite, end > start else {
            throw LRFinderError("end learning rate must be finite and above the start rate \(start), got \(end)")
        }
        guard iterations >= 2 else { throw LRFinderError("iterations must be at least 2, got \(iterations)") }
        self.start = start; self.end = end; self.iterations = iterations; self.spacing = spacing
    }

    /// The rate of update `i` (0-based).
    public func rate(at i: Int) -> Double {
        precondition(i >= 0 && i < iterations, "sweep step \(i) outside 0..<\(iterations)")
        if i == iterations - 1 { return end }
        let r = Double(i) / Double(iterations - 1)
        switch spacing {
        case .exponential: return start * Double.pow(end / start, r)
        case .linear: return start + (end - start) * r
        }
    }

    /// All `iterations` rates, in order.
    public var rates: [Double] { (0..<iterations).map(rate(at:)) }
}
