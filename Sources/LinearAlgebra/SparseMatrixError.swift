/// Why arrays do not describe a valid compressed sparse matrix (`SparseMatrix`'s validating
/// initialisers). `description` is one line naming the expected shape and the first bad entry.
public struct SparseMatrixError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String
    /// An error with this one-line description.
    public init(_ description: String) { self.description = description }
}
