/// What a hyper-parameter must be, and the one wording of the message when it is not. Shared by
/// the schedules (`ScheduleError`, which names the field separately) and the optimizers
/// (`OptimizerError`, "<optimizer>: <field> <message>"), so both say "must be a finite number >= 0,
/// got -1.0" alike. A `violation` is the message without the field's name, or nil when the value
/// satisfies the requirement. NaN never satisfies one.
public enum ValueRequirement: Sendable, Equatable {
    /// Any finite number.
    case finite
    /// A finite number > 0.
    case positive
    /// A finite number ≥ 0.
    case nonNegative
    /// A number ≥ `bound`; +∞ is allowed (e.g. an unbounded growth rate).
    case atLeast(Double)
    /// A number between `lower` and `upper`, each bound included unless it is open.
    case interval(lower: Double, lowerOpen: Bool, upper: Double, upperOpen: Bool)

    /// [lower, upper]
    public static func closed(_ lower: Double, _ upper: Double) -> Self {
        .interval(lower: lower, lowerOpen: false, upper: upper, upperOpen: false)
    }

    /// (lower, upper)
    public static func open(_ lower: Double, _ upper: Double) -> Self {
        .interval(lower: lower, lowerOpen: true, upper: upper, upperOpen: true)
    }

    /// [lower, upper)
    public static func closedOpen(_ lower: Double, _ upper: Double) -> Self {
        .interval(lower: lower, lowerOpen: false, upper: upper, upperOpen: true)
    }

    /// (lower, upper]
    public static func openClosed(_ lower: Double, _ upper: Double) -> Self {
        .interval(lower: lower, lowerOpen: true, upper: upper, upperOpen: false)
    }

    /// The message for `value` ("must be …, got …"), or nil when `value` satisfies the requirement.
    public func violation(_ value: Double) -> String? {
        switch self {
        case .finite:
            return value.isFinite ? nil : "must be a finite number, got \(value)"
        case .positive:
            return value > 0 && value.isFinite ? nil : "must be a finite number > 0, got \(value)"
        case .nonNegative:
            return value >= 0 && value.isFinite ? nil : "must be a finite number >= 0, got \(value)"
        case .atLeast(let bound):
            return value >= bound ? nil : "must be >= \(bound), got \(value)"
        case let .interval(lower, lowerOpen, upper, upperOpen):
            let okLower = lowerOpen ? value > lower : value >= lower
            let okUpper = upperOpen ? value < upper : value <= upper
            if okLower && okUpper { return nil }
            return "must be in \(lowerOpen ? "(" : "[")\(lower), \(upper)\(upperOpen ? ")" : "]"), got \(value)"
        }
    }
}

/// What an integer hyper-parameter (a step count, a period) must be; as `ValueRequirement`.
public enum IntegerRequirement: Sendable, Equatable {
    /// An integer > 0.
    case positive
    /// An integer ≥ 0.
    case nonNegative

    /// The message for `value` ("must be an integer …, got …"), or nil when it is acceptable.
    public func violation(_ value: Int) -> String? {
        switch self {
        case .positive: return value > 0 ? nil : "must be an integer > 0, got \(value)"
        case .nonNegative: return value >= 0 ? nil : "must be an integer >= 0, got \(value)"
        }
    }
}
