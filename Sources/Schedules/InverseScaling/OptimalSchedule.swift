import Foundation

// scikit-learn's SGDRegressor/SGDClassifier learning-rate rules
// (`sklearn/linear_model/_sgd_fast.pyx.tp`). sklearn counts t per training sample, starting at 1
// and continuing across epochs. Here this schedule has `unit == .sample`: `step` is the number
// of samples consumed before the update, so t = step + 1 (a mini-batch update uses the t of its
// first sample).

/// scikit-learn `learning_rate='optimal'` (Bottou's SGD heuristic):
///
///     η(t) = 1 / (α (t₀ + t − 1)),   t = step + 1
///     t₀ = 1 / (α η_init),  η_init = w / max(1, ℓ'(y = 1, p = −w)),  w = √(1/√α)
///
/// so the first sample uses η_init. ℓ' is the loss derivative with respect to the prediction,
/// evaluated as sklearn does at label 1 and prediction −w: squared error (p − y), hinge and log
/// loss all give a negative value there, so η_init = w for them. `.derivative(d)` supplies ℓ'
/// for another loss. α must be > 0 (sklearn #5329). No base learning rate is used.
/// Text form: `optimal:alpha=1e-4,loss=squared` (loss: squared | hinge | log).
public struct OptimalSchedule: LearningRateSchedule, Equatable, CustomStringConvertible {
    /// The loss whose derivative sets the first rate.
    public enum Loss: Sendable, Equatable {
        /// The squared error.
        case squaredError
        /// The hinge loss.
        case hinge
        /// The log loss.
        case log
        /// ℓ'(y = 1, p = −w) for a loss not listed.
        case derivative(Double)

        /// ℓ'(y = 1, p = −w), the derivative the heuristic divides by.
        func derivative(at w: Double) -> Double {
            switch self {
            case .squaredError: return -w - 1                      // p − y
            case .hinge: return -w <= 1 ? -1 : 0                   // −y when p·y ≤ 1
            case .log:                                             // −y / (exp(p·y) + 1)
                let z = -w
                if z > 18 { return -exp(-z) }
                if z < -18 { return -1 }
                return -1 / (exp(z) + 1)
            case .derivative(let d): return d
            }
        }

        var text: String {
            switch self {
            case .squaredError: return "squared"
            case .hinge: return "hinge"
            case .log: return "log"
            case .derivative(let d): return "dloss:\(formatNumber(d))"
            }
        }
    }

    /// α, the regularisation strength (> 0).
    public let alpha: Double
    /// The loss whose derivative sets the first rate.
    public let loss: Loss
    /// Always `.sample`: t counts training samples.
    public var unit: ScheduleUnit { .sample }

    /// scikit-learn's `optimal` rate for α and `loss`; throws a `ScheduleError` naming the field when a value
    /// is out of its range.
    public init(alpha: Double = 1e-4, loss: Loss = .squaredError) throws {
        try Check.positive(alpha, "alpha")
        self.alpha = alpha
        self.loss = loss
    }

    /// η_init, the rate of the first sample.
    public var initialLearningRate: Double {
        let w = (1 / alpha.squareRoot()).squareRoot()
        return w / Swift.max(1, loss.derivative(at: w))
    }

    /// Bottou's t₀ = 1/(α η_init).
    public var offset: Double { 1 / (initialLearningRate * alpha) }

    public func learningRate(at step: Int, metrics: [Double]) throws -> Double {
        try Check.step(step)
        return 1 / (alpha * (offset + Double(step + 1) - 1))
    }

    public var description: String { "optimal:alpha=\(formatNumber(alpha)),loss=\(loss.text)" }
}
