import LinearAlgebra

/// The L1 penalty λ₁‖θ‖₁ applied as Tsuruoka, Tsujii & Ananiadou's cumulative penalty ("Stochastic
/// gradient descent training for L1-regularized log-linear models with cumulative penalty", ACL 2009),
/// the rule of scikit-learn's `SGDRegressor`/`SGDClassifier` for `penalty='l1'` and the L1 part of
/// `'elasticnet'` (`sklearn/linear_model/_sgd_fast.pyx.tp`, `l1penalty`). After each update, with γ
/// this step's learning rate:
///
/// ```
/// u ← u + γλ₁                                  (the total penalty every weight could have received)
/// for each weight θⱼ, with qⱼ the penalty it has received so far (signed):
///   θⱼ > 0:  θⱼ ← max(0, θⱼ − (u + qⱼ))
///   θⱼ < 0:  θⱼ ← min(0, θⱼ + (u − qⱼ))
///   θⱼ = 0:  unchanged
///   qⱼ ← qⱼ + (θⱼ after − θⱼ before)
/// ```
/// so a weight is pulled toward zero by what it is still owed and stops exactly at 0 instead of
/// crossing it (which is why L1 leaves weights that are exactly zero). scikit-learn applies the clip
/// to every feature of a dense sample; it stores the weights as `wscale · w`, which changes only the
/// rounding. u is kept in Double (as scikit-learn's), q in the training precision (as its `q`).
///
/// This type holds λ₁ and the clip of one slice; `SGD` owns u and q (its state) and calls it after
/// its update, per parameter group, with u scaled by the group's learning-rate scale.
@usableFromInline
struct CumulativeL1<Scalar: BLASScalar> {
    /// λ₁ ≥ 0; 0 turns the penalty off.
    @usableFromInline let strength: Double

    @inlinable
    init(_ strength: Double) { self.strength = strength }

    @inlinable
    var isOn: Bool { strength != 0 }

    /// Clips `θ` toward zero by the penalty still owed, `u` the running total, recording what it
    /// applied in `q` (same length as `θ`). Allocates nothing.
    @inlinable
    static func clip(_ θ: UnsafeMutableBufferPointer<Scalar>, applied q: UnsafeMutableBufferPointer<Scalar>, total u: Double) {
        let n = θ.count
        guard n > 0, let t = θ.baseAddress, let qp = q.baseAddress else { return }
        let total = Scalar(u)
        for j in 0..<n {
            let before = t[j]
            if before > 0 {
                t[j] = Swift.max(0, before - (total + qp[j]))
            } else if before < 0 {
                t[j] = Swift.min(0, before + (total - qp[j]))
            }
            qp[j] += t[j] - before
        }
    }
}
