import LinearAlgebra

extension SGD {
    /// The hyper-parameters of one update of one parameter group, already resolved (group
    /// learning-rate scale and weight-decay override applied).
    @usableFromInline
    struct UpdateRule {
        @usableFromInline var learningRate: Scalar
        @usableFromInline var momentum: Scalar
        /// `1 − τ`, computed in Double (as PyTorch computes `1 - dampening` in Python).
        @usableFromInline var oneMinusDampening: Scalar
        @usableFromInline var nesterov: Bool
        /// g ← g + λθ (`.coupledL2`; off otherwise and for λ = 0).
        @usableFromInline var coupledL2: CoupledL2<Scalar>
        @usableFromInline var maximize: Bool
        /// `1 − γλ`, the factor of `.shrinkAfterStep` (computed in Double); nil when there is no shrink.
        @usableFromInline var shrink: Scalar?

        /// The rule for `group` at the scheduled rate `learningRate` (γ = rate × the group's scale).
        @inlinable
        init(group: GroupStep, learningRate: Double, momentum: Double, dampening: Double, nesterov: Bool,
             weightDecayMode: WeightDecayMode, maximize: Bool) {
            let lr = learningRate * group.learningRateScale
            let wd = group.weightDecay
            self.learningRate = Scalar(lr)
            self.momentum = Scalar(momentum)
            self.oneMinusDampening = Scalar(1 - dampening)
            self.nesterov = nesterov
            self.coupledL2 = weightDecayMode == .coupledL2 ? CoupledL2(rounded: wd) : .off
            self.maximize = maximize
            self.shrink = weightDecayMode == .shrinkAfterStep && Scalar(wd) != 0 ? Scalar(1 - lr * wd) : nil
        }
    }

    /// One PyTorch 2.x SGD update of a slice, in place, in one pass over the elements:
    ///
    /// ```
    /// g ← maximize ? −g : g
    /// g ← g + λθ                       (coupled L2, λ ≠ 0)
    /// if μ ≠ 0:  b ← g                 (first step: copy, no dampening)
    ///            b ← μb + (1 − τ)g     (later steps)
    ///            d ← nesterov ? g + μb : b
    /// else:      d ← g
    /// θ ← θ − γd
    /// θ ← (1 − γλ)θ                    (shrinkAfterStep)
    /// ```
    /// Each element goes through exactly the operations (and roundings) of the BLAS level-1
    /// sequence scal/axpy/copy that PyTorch's `_single_tensor_sgd` performs tensor by tensor; doing
    /// them element by element reads θ, g and b once instead of three to five times, and makes no
    /// call per operation (an update of a small model is a few hundred nanoseconds).
    /// `gradient` is used as scratch (it holds the decayed, possibly negated gradient afterwards,
    /// with Nesterov g + μb). `buffer` is nil exactly when momentum is off for this optimizer.
    @inlinable
    static func update(parameters θ: UnsafeMutableBufferPointer<Scalar>,
                       gradient g: UnsafeMutableBufferPointer<Scalar>,
                       buffer b: UnsafeMutableBufferPointer<Scalar>?,
                       firstStep: Bool,
                       rule r: UpdateRule) {
        let n = θ.count
        guard n > 0, let t = θ.baseAddress, let gp = g.baseAddress else { return }
        // One loop per case, each without branches inside, so that every one vectorises.
        if r.maximize { for j in 0..<n { gp[j] = -gp[j] } }
        r.coupledL2.apply(to: g, at: θ)
        let (step, mu, damp) = (-r.learningRate, r.momentum, r.oneMinusDampening)
        if let bp = b?.baseAddress, r.momentum != 0 {
            switch (firstStep, r.nesterov) {
            case (true, false):
                for j in 0..<n { let bj = gp[j]; bp[j] = bj; t[j] += step * bj }
            case (false, false):
                for j in 0..<n { let bj = mu * bp[j] + damp * gp[j]; bp[j] = bj; t[j] += step * bj }
            case (true, true):
                for j in 0..<n { let bj = gp[j]; bp[j] = bj; let d = gp[j] + mu * bj; gp[j] = d; t[j] += step * d }
            case (false, true):
                for j in 0..<n {
                    let bj = mu * bp[j] + damp * gp[j]; bp[j] = bj
                    let d = gp[j] + mu * bj; gp[j] = d; t[j] += step * d
                }
            }
        } else {
            for j in 0..<n { t[j] += step * gp[j] }
        }
        if let shrink = r.shrink {
            for j in 0..<n { t[j] *= shrink }
        }
    }
}
