import LinearAlgebra

/// The pieces of a D-Adaptation SGD step (see `DAdaptSGD`), each a small function of the
/// buffers and the scalar state.
extension DAdaptSGD {
    /// ‖g₀‖ = √(Σ ‖g‖² over the groups with a positive learning-rate scale), before weight decay.
    static func gradientNorm(_ gradient: UnsafeMutableBufferPointer<Scalar>, groups: [ParameterGroup]) -> Double {
        var squares = 0.0
        groups.forEachStep(weightDecay: 0) { group in
            guard group.learningRateScale > 0 else { return }
            let g = group.slice(gradient).readOnly
            squares += BLAS.dotDouble(g, g)
        }
        return squares.squareRoot()
    }

    /// One group's share of the dual average, in place, with λ_k = `stepSize` (nil for a group
    /// that does not move: scale 0 or c = 0) and λ the group's weight decay:
    ///
    /// ```
    /// g ← g + λx
    /// num ← num + λ_k·⟨g, s⟩;   s ← s + λ_k·g           (moving groups only)
    /// ```
    /// Returns ‖s‖² of the group (after the update).
    static func accumulate(parameters x: UnsafeMutableBufferPointer<Scalar>, gradient g: UnsafeMutableBufferPointer<Scalar>,
                           sum s: UnsafeMutableBufferPointer<Scalar>, stepSize: Double?, weightDecay: CoupledL2<Scalar>,
                           numerator num: inout Double) -> Double {
        weightDecay.apply(to: g, at: x)
        if let dlr = stepSize {
            num += dlr * BLAS.dotDouble(g.readOnly, s.readOnly)
            BLAS.axpy(Scalar(dlr), g, s)
        }
        return BLAS.dotDouble(s.readOnly, s.readOnly)
    }

    /// The distance estimate for the next step:
    ///
    /// ```
    /// d̂ = 2·num/‖s‖;   d ← max(d, min(d̂, d·growthRate))
    /// ```
    static func nextDistance(_ d: Double, numerator num: Double, sumNorm: Double, growthRate: Double) -> Double {
        let dHat = 2 * num / sumNorm
        return Swift.max(d, Swift.min(dHat, d * growthRate))
    }

    /// Momentum as primal averaging towards z = x₀ − s, over the whole buffer, in place:
    ///
    /// ```
    /// x ← μ·x;   x ← x + (1 − μ)·x₀;   x ← x − (1 − μ)·s
    /// ```
    static func averagePrimal(parameters x: UnsafeMutableBufferPointer<Scalar>, start x0: UnsafeMutableBufferPointer<Scalar>,
                              sum s: UnsafeMutableBufferPointer<Scalar>, momentum μ: Double) {
        let ck = 1 - μ
        BLAS.scal(Scalar(μ), x)
        BLAS.axpy(Scalar(ck), x0, x)
        BLAS.axpy(Scalar(-ck), s, x)
    }
}
