/// scikit-learn's `penalty=`, `alpha=` and `l1_ratio=` of `SGDRegressor`/`SGDClassifier`
/// (`sklearn/linear_model/_stochastic_gradient.py`, `_sgd_fast.pyx.tp`) as SGD settings. With α
/// the regularisation strength and ρ the L1 ratio:
///
/// ```
/// none:        nothing
/// l2:          weight_decay = α,         decay_mode = coupled
/// l1:          l1 = α
/// elasticnet:  weight_decay = (1 − ρ)α,  decay_mode = coupled,  l1 = ρα
/// ```
/// and the biases are never penalised (scikit-learn's intercept is not). These are the only
/// settings it writes: `SGD`'s `weight_decay`, `decay_mode` and `l1` stay the one source of truth.
/// Defaults are scikit-learn's: α = 1e-4, ρ = 0.15.
public enum ScikitLearnPenalty: String, Sendable, CaseIterable {
    /// No penalty.
    case none
    /// `weight_decay = α`, coupled.
    case l2
    /// `l1 = α`.
    case l1
    /// `weight_decay = (1 − ρ)α`, coupled, and `l1 = ρα`.
    case elasticnet

    /// The SGD fields this penalty sets, by field name; throws for α or ρ out of range
    /// (α finite ≥ 0, ρ in [0, 1], as scikit-learn's parameter constraints).
    public func sgdFields(alpha: Double = 1e-4, l1Ratio: Double = 0.15) throws -> [(field: String, value: Double)] {
        let check = HyperParameterCheck("penalty")
        try check(alpha, "alpha", .nonNegative)
        try check(l1Ratio, "l1_ratio", .closed(0, 1))
        switch self {
        case .none: return []
        case .l2: return [("weight_decay", alpha)]
        case .l1: return [("l1", alpha)]
        case .elasticnet: return [("weight_decay", (1 - l1Ratio) * alpha), ("l1", l1Ratio * alpha)]
        }
    }
}
