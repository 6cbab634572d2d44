import LinearAlgebra

/// r̄, the largest distance from the starting point seen so far, shared by the distance-over-
/// gradients methods (DoG, L-DoG, LFM) for one block of the flat buffer:
///
/// ```
/// first step:  x₀ ← x;  r̄ = r_ε = reps_rel·(1 + ‖x₀‖)
/// later:       u ← x − x₀;  r̄ = max(r̄, ‖u‖)
/// ```
/// The displacement is formed explicitly in `scratch` (copy + axpy), never as
/// ‖x‖² − 2⟨x,x₀⟩ + ‖x₀‖², which cancels catastrophically while x is still near x₀; norms are
/// accumulated in Double.
@inlinable
func updatedMaxDistance<Scalar: BLASScalar>(
    _ current: Double, parameters x: UnsafeMutableBufferPointer<Scalar>, start x0: UnsafeMutableBufferPointer<Scalar>,
    scratch u: UnsafeMutableBufferPointer<Scalar>, firstStep: Bool, relativeInitialDistance: Double
) -> Double {
    if firstStep {
        BLAS.copy(x, x0)
        return relativeInitialDistance * (1 + BLAS.dotDouble(x.readOnly, x.readOnly).squareRoot())
    }
    BLAS.copy(x, u)
    BLAS.axpy(-1, x0, u)
    return Swift.max(current, BLAS.dotDouble(u.readOnly, u.readOnly).squareRoot())
}
