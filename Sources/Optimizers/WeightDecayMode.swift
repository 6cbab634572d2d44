/// Where weight decay λ enters an SGD step.
///
/// ```
/// coupledL2:        g ← g + λθ                    before momentum (PyTorch `weight_decay`)
/// shrinkAfterStep:  θ ← (1 − γλ)·θ                after the update, γ = this step's learning rate
///                                                  (microsoftml `weight_decay`)
/// ```
/// Sources: `torch/optim/sgd.py` (torch 2.x); microsoftml `sgd_optimizer` / R `sgd(weightDecay=)`:
/// "after each weight update, the weights … are scaled by (1 − learningRate·weightDecay)".
/// With plain SGD (no momentum) the two differ only in the order of the shrink and the gradient step;
/// with momentum, coupled decay also flows through the buffer while the shrink never does.
public enum WeightDecayMode: String, Sendable, Codable, Equatable, CaseIterable {
    /// PyTorch's coupled L2: λθ is added to the gradient (the default).
    case coupledL2
    /// microsoftml's multiplicative shrink by (1 − γλ) after the update.
    case shrinkAfterStep
}
