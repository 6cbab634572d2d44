import LinearAlgebra

/// One LFM step of one parameter group, in place, with c the group's multiplier (learning rate ×
/// its scale) and λ its weight decay:
///
/// ```
/// k = 0:  x₀ ← x,  r̄ = reps_rel·(1 + ‖x₀‖)         k ≥ 1:  r̄ = max(r̄, ‖x − x₀‖)
/// g ← g + λx                                        (coupled L2, so inside m)
/// m ← β·m;  m ← m + (1 − β)·g
/// M ← M + ‖m‖²
/// η = c·r̄/√(ε + M)                                  (η = 0 when √(ε + M) = 0)
/// x ← x − η·m
/// ```
/// r̄, M = Σ‖m_i‖² and η are the group's state (`Double`); r̄ is `updatedMaxDistance`.
struct LFMUpdate<Scalar: BLASScalar> {
    let relativeInitialDistance: Double
    let epsilon: Double
    let beta: Double
    /// k = 0.
    let firstStep: Bool

    func apply(parameters x: UnsafeMutableBufferPointer<Scalar>, gradient g: UnsafeMutableBufferPointer<Scalar>,
               start x0: UnsafeMutableBufferPointer<Scalar>, momentum m: UnsafeMutableBufferPointer<Scalar>,
               scratch u: UnsafeMutableBufferPointer<Scalar>,
               maxDistance r̄: inout Double, momentumSquares M: inout Double, stepSize η: inout Double,
               multiplier c: Double, weightDecay: CoupledL2<Scalar>) {
        r̄ = updatedMaxDistance(r̄, parameters: x, start: x0, scratch: u, firstStep: firstStep,
                               relativeInitialDistance: relativeInitialDistance)
        weightDecay.apply(to: g, at: x)
        BLAS.scal(Scalar(beta), m)
        BLAS.axpy(Scalar(1 - beta), g, m)
        M += BLAS.dotDouble(m.readOnly, m.readOnly)
        let denominator = (epsilon + M).squareRoot()
        η = denominator > 0 ? c * r̄ / denominator : 0
        BLAS.axpy(Scalar(-η), m, x)
    }
}
