/// Level-1 conveniences on plain arrays, which serve as Descent's vectors (flat parameter and
/// gradient buffers are `[Scalar]`). Each forwards to one BLAS call through `BLAS`.
extension Array where Element: BLASScalar {
    /// `self ← α·x + self`
    @inlinable
    public mutating func axpy(_ alpha: Element, _ x: [Element]) {
        x.withUnsafeBufferPointer { xb in withUnsafeMutableBufferPointer { BLAS.axpy(alpha, xb, $0) } }
    }
    /// `self ← α·self`
    @inlinable
    public mutating func scale(by alpha: Element) {
        withUnsafeMutableBufferPointer { BLAS.scal(alpha, $0) }
    }
    /// `selfᵀx`
    @inlinable
    public func dot(_ x: [Element]) -> Element {
        withUnsafeBufferPointer { a in x.withUnsafeBufferPointer { BLAS.dot(a, $0) } }
    }
    /// `‖self‖₂`
    @inlinable
    public var norm: Element { withUnsafeBufferPointer { BLAS.nrm2($0) } }
}
