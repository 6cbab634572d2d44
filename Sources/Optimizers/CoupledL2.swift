import LinearAlgebra

/// Coupled L2 weight decay, the decay folded into the gradient before the update rule sees it:
///
/// ```
/// g ← g + λx        (λ ≥ 0; nothing at all when off, so g keeps its bits, −0 included)
/// ```
/// so that λx also enters momentum buffers, sums of squared gradients, dual averages, … as the
/// reference implementations do. One product and one sum per element (`BLAS.axpy`, no fused
/// multiply-add), the same rounding in every optimizer.
///
/// When it is off: SGD and AdaDelta skip the decay when λ rounded to the training precision is 0
/// (`init(rounded:)`), the learning-rate-free methods when λ itself is 0 (`init(_:)`). The two
/// differ only for Float and 0 < λ < 2⁻¹⁵⁰ and are kept apart so that no optimizer's numbers change.
@usableFromInline
struct CoupledL2<Scalar: BLASScalar> {
    /// λ in the training precision.
    @usableFromInline let decay: Scalar
    @usableFromInline let isOn: Bool

    /// On when λ ≠ 0.
    @inlinable
    init(_ λ: Double) {
        decay = Scalar(λ)
        isOn = λ != 0
    }

    /// On when λ, rounded to `Scalar`, is ≠ 0.
    @inlinable
    init(rounded λ: Double) {
        decay = Scalar(λ)
        isOn = decay != 0
    }

    /// Off.
    @inlinable
    static var off: CoupledL2 { CoupledL2(0) }

    /// g ← g + λx over one slice (`gradient` and `parameters` of the same length).
    @inlinable
    func apply(to gradient: UnsafeMutableBufferPointer<Scalar>, at parameters: UnsafeMutableBufferPointer<Scalar>) {
        if isOn { BLAS.axpy(decay, parameters.readOnly, gradient) }
    }
}
