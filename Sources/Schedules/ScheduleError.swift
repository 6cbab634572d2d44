/// A bad hyper-parameter, step or text form given to a schedule. `field` names the offending
/// field (for text forms, `kind.field`, e.g. `cosine.T`), so the CLI can point at it.
public struct ScheduleError: Error, Equatable, CustomStringConvertible {
    public let field: String
    public let message: String

    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// Small validation helpers shared by the schedule initialisers (bookkeeping, no math).
enum Check {
    static func step(_ step: Int) throws {
        if step < 0 { throw ScheduleError(field: "step", "must be >= 0 (step 0 is the first update), got \(step)") }
    }

    static func positive(_ value: Double, _ field: String) throws {
        if !(value > 0) || !value.isFinite { throw ScheduleError(field: field, "must be a finite number > 0, got \(value)") }
    }

    static func nonNegative(_ value: Double, _ field: String) throws {
        if !(value >= 0) || !value.isFinite { throw ScheduleError(field: field, "must be a finite number >= 0, got \(value)") }
    }

    static func positive(_ value: Int, _ field: String) throws {
        if value <= 0 { throw ScheduleError(field: field, "must be an integer > 0, got \(value)") }
    }

    static func nonNegative(_ value: Int, _ field: String) throws {
        if value < 0 { throw ScheduleError(field: field, "must be an integer >= 0, got \(value)") }
    }

    /// `value` in `range`, with the bounds' openness spelled in the message.
    static func within(_ value: Double, _ field: String, lower: Double, lowerOpen: Bool, upper: Double, upperOpen: Bool) throws {
        let okLower = lowerOpen ? value > lower : value >= lower
        let okUpper = upperOpen ? value < upper : value <= upper
        if !(okLower && okUpper) {
            let l = lowerOpen ? "(" : "["
            let u = upperOpen ? ")" : "]"
            throw ScheduleError(field: field, "must be in \(l)\(lower), \(upper)\(u), got \(value)")
        }
    }
}

/// Shortest round-trip text for a Double in the text forms.
func formatNumber(_ x: Double) -> String {
    if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
    return "\(x)"
}
