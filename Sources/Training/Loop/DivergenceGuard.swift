import LinearAlgebra

/// What went non-finite when training diverged.
public enum DivergenceReason: String, Codable, Equatable, Sendable, CustomStringConvertible {
    case nonFiniteLoss, nonFiniteGradient, nonFiniteParameters

    public var description: String {
        switch self {
        case .nonFiniteLoss: "the batch loss is not finite"
        case .nonFiniteGradient: "the gradient has a non-finite element"
        case .nonFiniteParameters: "the update made a parameter non-finite"
        }
    }
}

/// Whether every element is finite: `Σ xᵢ·0` is 0 exactly when no element is ±∞ or NaN
/// (∞·0 = NaN). One branch-free pass, no allocation; it does not rely on a BLAS kernel's NaN handling.
@inlinable
public func allFinite<Scalar: BLASScalar>(_ x: UnsafeBufferPointer<Scalar>) -> Bool {
    var acc: Scalar = 0
    for v in x { acc += v * 0 }
    return acc == 0
}
