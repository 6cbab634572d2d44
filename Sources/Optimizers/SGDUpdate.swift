import LinearAlgebra

extension SGD {
    /// The hyper-parameters of one update of one parameter group, already resolved (group
    /// learning-rate scale and weight-decay override applied).
    @usableFromInline
    struct UpdateRule {
        @usableFromInline var learningRate: Scalar
        @usableFromInline var momentum: Scalar
        /// `1 − τ`, computed in Double by the caller (as PyTorch computes `1 - dampening` in Python).
        @usableFromInline var oneMinusDampening: Scalar
        @usableFromInline var nesterov: Bool
        @usableFromInline var weightDecay: Scalar
        @usableFromInline var weightDecayMode: WeightDecayMode
        @usableFromInline var maximize: Bool
        /// `1 − γλ`, the shrink factor of `.shrinkAfterStep` (computed in Double by the caller).
        @usableFromInline var shrink: Scalar
    }

    /// One PyTorch 2.x SGD update of a slice, in place, by BLAS level-1 calls only:
    ///
    /// ```
    /// g ← maximize ? −g : g                                  scal(−1, g)
    /// g ← g + λθ                       (coupled L2, λ ≠ 0)   axpy(λ, θ, g)
    /// if μ ≠ 0:  b ← g                 (first step: copy, no dampening)
    ///            b ← μb + (1 − τ)g     (later steps)         scal(μ, b); axpy(1 − τ, g, b)
    ///            d ← nesterov ? g + μb : b                   axpy(μ, b, g)
    /// else:      d ← g
    /// θ ← θ − γd                                             axpy(−γ, d, θ)
    /// θ ← (1 − γλ)θ                    (shrinkAfterStep)     scal(1 − γλ, θ)
    /// ```
    /// `gradient` is used as scratch (it holds the decayed, possibly negated gradient afterwards).
    /// `buffer` is nil exactly when momentum is off for this optimizer.
    @inlinable
    static func update(parameters θ: UnsafeMutableBufferPointer<Scalar>,
                       gradient g: UnsafeMutableBufferPointer<Scalar>,
                       buffer b: UnsafeMutableBufferPointer<Scalar>?,
                       firstStep: Bool,
                       rule r: UpdateRule) {
        if r.maximize { BLAS.scal(-1, g) }
        if r.weightDecayMode == .coupledL2 && r.weightDecay != 0 { BLAS.axpy(r.weightDecay, θ.readOnly, g) }
        if let b, r.momentum != 0 {
            if firstStep {
                BLAS.copy(g.readOnly, b)
            } else {
                BLAS.scal(r.momentum, b)
                BLAS.axpy(r.oneMinusDampening, g.readOnly, b)
            }
            if r.nesterov {
                BLAS.axpy(r.momentum, b.readOnly, g)
                BLAS.axpy(-r.learningRate, g.readOnly, θ)
            } else {
                BLAS.axpy(-r.learningRate, b.readOnly, θ)
            }
        } else {
            BLAS.axpy(-r.learningRate, g.readOnly, θ)
        }
        if r.weightDecayMode == .shrinkAfterStep && r.weightDecay != 0 { BLAS.scal(r.shrink, θ) }
    }
}
