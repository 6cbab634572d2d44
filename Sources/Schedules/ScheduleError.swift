import Validation

/// A bad hyper-parameter, step or text form given to a schedule. `field` names the offending
/// field (for text forms, `kind.field`, e.g. `cosine.T`), so the CLI can point at it.
public struct ScheduleError: Error, Equatable, CustomStringConvertible {
    /// The offending field, `kind.field` for text forms.
    public let field: String
    /// What is wrong with it.
    public let message: String

    /// An error about `field`.
    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// Small validation helpers shared by the schedule initialisers (bookkeeping, no math). The rules
/// and their wording are `ValueRequirement`'s and `IntegerRequirement`'s (module Validation), which
/// the optimizers use too; `ScheduleError` carries the field separately.
enum Check {
    static func step(_ step: Int) throws {
        if step < 0 { throw ScheduleError(field: "step", "must be >= 0 (step 0 is the first update), got \(step)") }
    }

    static func require(_ value: Double, _ field: String, _ requirement: ValueRequirement) throws {
        if let message = requirement.violation(value) { throw ScheduleError(field: field, message) }
    }

    static func require(_ value: Int, _ field: String, _ requirement: IntegerRequirement) throws {
        if let message = requirement.violation(value) { throw ScheduleError(field: field, message) }
    }

    static func positive(_ value: Double, _ field: String) throws { try require(value, field, .positive) }

    static func nonNegative(_ value: Double, _ field: String) throws { try require(value, field, .nonNegative) }

    static func positive(_ value: Int, _ field: String) throws { try require(value, field, .positive) }

    static func nonNegative(_ value: Int, _ field: String) throws { try require(value, field, .nonNegative) }

    /// `value` in `range`, with the bounds' openness spelled in the message.
    static func within(_ value: Double, _ field: String, lower: Double, lowerOpen: Bool, upper: Double, upperOpen: Bool) throws {
        try require(value, field, .interval(lower: lower, lowerOpen: lowerOpen, upper: upper, upperOpen: upperOpen))
    }
}

/// Shortest round-trip text for a Double in the text forms.
func formatNumber(_ x: Double) -> String {
    if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
    return "\(x)"
}
