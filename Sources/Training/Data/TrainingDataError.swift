/// A problem with user-supplied data or options for supervised training (mismatched shapes,
/// non-finite values, labels the loss cannot take, a bad split fraction, an invalid model file).
/// The message names the offending field.
public struct TrainingDataError: Error, CustomStringConvertible, Equatable, Sendable {
    public var description: String
    /// An error with this message.
    public init(_ description: String) { self.description = description }
}
