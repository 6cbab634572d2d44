import LinearAlgebra

/// Per-sample weights wᵢ ≥ 0 of a training set: every sample's loss and gradient are multiplied
/// by its weight, and a mini-batch of B samples has the objective
///
///     L_w = (1/B)·Σᵢ wᵢ·ℓᵢ              (divided by B, not by Σᵢ wᵢ)
///
/// This is scikit-learn's rule: `SGDRegressor`/`SGDClassifier` (`sklearn/linear_model/_sgd_fast.pyx.tp`,
/// `_plain_sgd`) take per-sample steps `update = −η·dloss·class_weight·sample_weight`, the
/// intercept likewise, i.e. the B = 1 case of L_w. Dividing by B keeps a weight's meaning
/// independent of which other samples share its batch (a batch of light samples takes a small
/// step, as the same samples one at a time do), and makes a mini-batch step the mean of the
/// per-sample steps. It is what a PyTorch user gets from `loss_fn(reduction='none')` followed by
/// `(w * l).mean()`; it is *not* `CrossEntropyLoss(weight=…)` with `reduction='mean'`, which
/// divides by Σ w_{yᵢ} instead. Weights that are all 1 are the unweighted objective; the
/// objective then takes its unweighted code path (bit for bit the same result).
public struct SampleWeights<Scalar: BLASScalar>: Sendable, Equatable {
    /// One weight per sample, in sample order.
    public let values: [Scalar]

    /// Checks that every weight is finite and ≥ 0 and that not all are 0 (`TrainingDataError`
    /// naming the first bad sample, 0-based).
    public init(_ values: [Scalar]) throws {
        for (i, w) in values.enumerated() where !(w.isFinite && w >= 0) {
            throw TrainingDataError("sample weight \(i) (0-based) is \(w); weights must be finite and ≥ 0")
        }
        guard values.contains(where: { $0 > 0 }) else {
            throw TrainingDataError("every sample weight is 0: nothing would be trained on")
        }
        self.values = values
    }

    init(validated values: [Scalar]) { self.values = values }

    /// The number of weights (one per sample).
    public var count: Int { values.count }

    /// Whether every weight is exactly 1 (the unweighted objective).
    public var isUnit: Bool { values.allSatisfy { $0 == 1 } }

    /// The weights of samples `indices`, in that order.
    public func subset<Indices: Collection<Int>>(_ indices: Indices) -> SampleWeights {
        SampleWeights(validated: indices.map { values[$0] })
    }

    /// wᵢ·mᵢ for every sample (e.g. class weights, see `ClassWeights`); throws as `init` does when
    /// the product leaves no positive weight.
    public func multiplied(by multipliers: [Scalar]) throws -> SampleWeights {
        precondition(multipliers.count == values.count, "\(multipliers.count) multipliers for \(values.count) sample weights")
        return try SampleWeights(zip(values, multipliers).map { $0 * $1 })
    }

    /// Σᵢ wᵢ, in Double.
    public var sum: Double { values.reduce(0.0) { $0 + Double($1) } }
}
