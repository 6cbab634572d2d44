/// Where weight decay λ enters an SGD step, named (in text, `name`) by what it computes. With γ
/// this step's learning rate and g the gradient at the current θ:
///
/// ```
/// coupledL2 ("coupled"):                   g ← g + λθ before momentum, then the step
///     without momentum: θ ← θ − γ(g + λθ) = (1 − γλ)θ − γg
/// shrinkAfterStep ("shrink-after-step"):   θ ← (1 − γλ)(θ − γd), the shrink after the update
///     without momentum: θ ← (1 − γλ)θ − (1 − γλ)γg
/// ```
/// Equivalences: PyTorch's `weight_decay` (`torch/optim/sgd.py`) is `coupledL2`. scikit-learn's
/// `penalty='l2'` (`sklearn/linear_model/_sgd_fast.pyx.tp`, `_plain_sgd`: `w.scale(1 − ηα)` and
/// then `w.add(x, −η·dloss)` with the gradient taken before the shrink) is `coupledL2` without
/// momentum, λ = α; it agrees to rounding (1e-15 relative). microsoftml's `weight_decay`
/// (`sgd_optimizer`, R `sgd(weightDecay=)`: "after each weight update, the weights … are scaled by
/// (1 − learningRate·weightDecay)") is `shrinkAfterStep`. `shrinkAfterStep` is *not*
/// scikit-learn's l2: it scales the gradient term by (1 − γλ) as well, so the two part by γ²λg per
/// step. With momentum, coupled decay also flows through the buffer while the shrink never does.
///
/// The text names: "coupled" and "shrink-after-step"; "shrink" is accepted for the latter, the
/// spelling of earlier releases, so old commands and saved settings still work.
public enum WeightDecayMode: String, Sendable, Codable, Equatable, CaseIterable {
    /// PyTorch's coupled L2: λθ is added to the gradient (the default).
    case coupledL2
    /// microsoftml's multiplicative shrink by (1 − γλ) after the update.
    case shrinkAfterStep

    /// The text name: "coupled" or "shrink-after-step".
    public var name: String {
        switch self {
        case .coupledL2: "coupled"
        case .shrinkAfterStep: "shrink-after-step"
        }
    }

    /// The mode a text name (or the older alias "shrink") stands for; nil for another word.
    public init?(name: String) {
        switch name {
        case "coupled": self = .coupledL2
        case "shrink-after-step", "shrink": self = .shrinkAfterStep
        default: return nil
        }
    }

    /// Every accepted text name, the canonical ones first.
    public static let names = ["coupled", "shrink-after-step", "shrink"]
}
