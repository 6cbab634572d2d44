import LinearAlgebra

/// What went non-finite when training diverged.
public enum DivergenceReason: String, Codable, Equatable, Sendable, CustomStringConvertible {
    /// The loss was NaN or ±∞.
    case nonFiniteLoss
    /// The gradient held NaN or ±∞.
    case nonFiniteGradient
    /// The parameters held NaN or ±∞ after a step.
    case nonFiniteParameters
    /// Local SGD: another process of a data-parallel run diverged (each process steps on its own
    /// gradient between averagings, so one may diverge alone; every process then stops together).
    case anotherProcess

    public var description: String {
        switch self {
        case .nonFiniteLoss: "the batch loss is not finite"
        case .nonFiniteGradient: "the gradient has a non-finite element"
        case .nonFiniteParameters: "the update made a parameter non-finite"
        case .anotherProcess: "another process of the data-parallel run diverged"
        }
    }
}

/// The divergence guard's check.
public enum DivergenceGuard {
    /// Whether every element of `x` is finite, given `zeros`, a buffer of zeros of the same length:
    /// `xᵀ0 = Σ xᵢ·0` is exactly 0 when every xᵢ is finite and NaN as soon as one is ±∞ or NaN
    /// (∞·0 = NaN, and NaN propagates through the sum). One vectorised dot product (`RowKernels.dot`,
    /// no BLAS call overhead: the guard runs twice per update), no allocation; unlike `nrm2`/`asum` it
    /// cannot overflow on large finite values, and it needs no NaN-aware kernel.
    @inlinable
    public static func allFinite<Scalar: BLASScalar>(_ x: UnsafeBufferPointer<Scalar>,
                                                     zeros: UnsafeBufferPointer<Scalar>) -> Bool {
        precondition(x.count == zeros.count, "allFinite: \(x.count) values, \(zeros.count) zeros")
        guard let xb = x.baseAddress, let zb = zeros.baseAddress else { return true }
        return RowKernels.dot(xb, zb, x.count) == 0
    }
}
