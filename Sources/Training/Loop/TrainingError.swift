/// Why training could not start or continue: a bad setting, bad user data, or a saved state that
/// does not fit. User-facing, so the message names the field.
public struct TrainingError: Error, CustomStringConvertible, Equatable, Sendable {
    public var description: String
    /// An error with this message.
    public init(_ description: String) { self.description = description }
}
