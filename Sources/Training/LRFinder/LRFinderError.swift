/// A bad setting for the learning-rate range test (from a user: the CLI or a configuration),
/// with a message that names the field.
public struct LRFinderError: Error, CustomStringConvertible, Equatable, Sendable {
    public var description: String
    /// An error with this message.
    public init(_ description: String) { self.description = description }
}
