import LinearAlgebra

/// How the range test smooths the recorded loss before the divergence stop and the suggestions.
public enum LossSmoothing: Sendable, Equatable, Codable {
    /// Debiased exponential moving average (Gugger 2018; fastai `AvgSmoothLoss`), default β = 0.98:
    ///
    ///     a_0 = 0,   a_k = β·a_{k−1} + (1−β)·ℓ_k,   s_k = a_k / (1 − β^k)      (k = 1, 2, …)
    ///
    /// The debiasing makes `s_1 = ℓ_1` and removes the pull towards the zero start.
    case debiasedEMA(beta: Double)
    /// torch-lr-finder's undebiased form (`range_test(smooth_f: 0.05)`), with `weight` on the new value:
    ///
    ///     s_1 = ℓ_1,   s_k = weight·ℓ_k + (1 − weight)·s_{k−1}
    ///
    /// (`weight = 1 − β`; weight 0.05 matches β = 0.98 up to the start-up.)
    case undebiasedEMA(weight: Double)
    /// No smoothing: s_k = ℓ_k.
    case none

    /// Gugger's and fastai's default.
    public static let standard = LossSmoothing.debiasedEMA(beta: 0.98)

    /// Throws when β is outside [0, 1) or the weight outside (0, 1].
    public func validate() throws {
        switch self {
        case .debiasedEMA(let beta):
            guard beta >= 0, beta < 1 else { throw LRFinderError("smoothing beta must be in [0, 1), got \(beta)") }
        case .undebiasedEMA(let weight):
            guard weight > 0, weight <= 1 else { throw LRFinderError("smoothing weight must be in (0, 1], got \(weight)") }
        case .none: break
        }
    }

    /// The smoothed sequence of `losses` (a pure function, for tests and re-smoothing a table).
    public func smooth(_ losses: [Double]) -> [Double] {
        var s = LossSmoother(self)
        return losses.map { s.add($0) }
    }
}

/// The running state of a `LossSmoothing`: feed losses one at a time.
public struct LossSmoother: Sendable {
    /// The smoothing rule.
    public let smoothing: LossSmoothing
    var average = 0.0
    var betaPower = 1.0
    /// The losses added so far.
    public private(set) var count = 0

    /// A smoother with nothing added.
    public init(_ smoothing: LossSmoothing) { self.smoothing = smoothing }

    /// Adds loss ℓ_k and returns s_k. A non-finite loss makes this and every later value non-finite.
    public mutating func add(_ loss: Double) -> Double {
        count += 1
        switch smoothing {
        case .debiasedEMA(let beta):
            average = beta * average + (1 - beta) * loss
            betaPower *= beta
            return average / (1 - betaPower)
        case .undebiasedEMA(let weight):
            average = count == 1 ? loss : weight * loss + (1 - weight) * average
            return average
        case .none:
            return loss
        }
    }
}
