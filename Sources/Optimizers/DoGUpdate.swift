import LinearAlgebra

/// One DoG step of one block (a DoG group, an L-DoG layer), in place, with c the block's
/// multiplier (learning rate × the group's scale) and λ its weight decay:
///
/// ```
/// k = 0:  x₀ ← x,  r̄ = reps_rel·(1 + ‖x₀‖)         k ≥ 1:  r̄ = max(r̄, ‖x − x₀‖)
/// g ← g + λx                                        (coupled L2: λx enters G, as in dog.py)
/// k = 0:  G = ‖g‖² + ε                              k ≥ 1:  G ← G + ‖g‖²
/// η = c·r̄/√G        (k = 0 with initialStepSize: η = initialStepSize; G ≤ 0: η = 0, x unchanged)
/// x ← x − η·g
/// ```
/// r̄, G and η are the block's state (`Double`); r̄ is `updatedMaxDistance`.
struct DoGUpdate<Scalar: BLASScalar> {
    /// reps_rel (0 when `initialStepSize` is set: r̄ then starts at 0).
    let relativeInitialDistance: Double
    let epsilon: Double
    let initialStepSize: Double?
    /// k = 0.
    let firstStep: Bool

    func apply(parameters x: UnsafeMutableBufferPointer<Scalar>, gradient g: UnsafeMutableBufferPointer<Scalar>,
               start x0: UnsafeMutableBufferPointer<Scalar>, scratch u: UnsafeMutableBufferPointer<Scalar>,
               maxDistance r̄: inout Double, gradientSquares G: inout Double, stepSize η: inout Double,
               multiplier c: Double, weightDecay: CoupledL2<Scalar>) {
        r̄ = updatedMaxDistance(r̄, parameters: x, start: x0, scratch: u, firstStep: firstStep,
                               relativeInitialDistance: relativeInitialDistance)
        weightDecay.apply(to: g, at: x)
        let gg = BLAS.dotDouble(g.readOnly, g.readOnly)
        G = firstStep ? gg + epsilon : G + gg
        guard G > 0 else { η = 0; return }
        var eta = c * r̄ / G.squareRoot()
        if firstStep, let e = initialStepSize { eta = e }
        η = eta
        BLAS.axpy(Scalar(-eta), g, x)
    }
}
