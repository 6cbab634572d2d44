/// Whether a BLAS operand is used as stored or transposed.
public enum Transpose: Sendable, Equatable {
    /// The operand as stored.
    case none
    /// The operand transposed.
    case transpose

    /// The operand's shape after the transpose is applied to a `rows × cols` matrix.
    @inlinable
    public func applied(rows: Int, cols: Int) -> (rows: Int, cols: Int) {
        self == .none ? (rows, cols) : (cols, rows)
    }
}
