/// One hyper-parameter of an optimizer as its text form and the command line know it: the name,
/// other accepted spellings, the kind of value, the default and the allowed range, declared once
/// in the optimizer's `OptimizerSpec`.
public struct OptimizerField: Sendable, Equatable {
    /// What values the field takes.
    public enum Kind: Sendable, Equatable {
        /// A real number in `range` (a whole number when `integer`).
        case number(range: ValueRange, integer: Bool)
        /// On or off; written as the bare name in the text form (`nesterov`) or `name=true|false`.
        case flag
        /// One of these words.
        case choice([String])
    }

    /// The canonical name, as the text form writes it.
    public let name: String
    /// Other accepted spellings.
    public let aliases: [String]
    /// What values the field takes.
    public let kind: Kind
    /// The value when the text does not set it; nil for a field that is off unless given
    /// (e.g. DoG's `init_eta`).
    public let defaultValue: OptimizerValue?
    /// One line for help texts.
    public let help: String

    /// A field with these properties.
    public init(_ name: String, aliases: [String] = [], _ kind: Kind, default defaultValue: OptimizerValue?, help: String) {
        self.name = name; self.aliases = aliases; self.kind = kind; self.defaultValue = defaultValue; self.help = help
    }

    /// A real-valued field.
    public static func number(_ name: String, aliases: [String] = [], default value: Double?, in range: ValueRange,
                              help: String) -> OptimizerField {
        OptimizerField(name, aliases: aliases, .number(range: range, integer: false), default: value.map { .number($0) }, help: help)
    }

    /// A whole-number field.
    public static func count(_ name: String, aliases: [String] = [], default value: Int, in range: ValueRange,
                             help: String) -> OptimizerField {
        OptimizerField(name, aliases: aliases, .number(range: range, integer: true), default: .number(Double(value)), help: help)
    }

    /// An on/off field, off by default.
    public static func flag(_ name: String, aliases: [String] = [], help: String) -> OptimizerField {
        OptimizerField(name, aliases: aliases, .flag, default: .flag(false), help: help)
    }

    /// Whether `spelling` names this field.
    public func isNamed(_ spelling: String) -> Bool {
        let s = String(spelling.lowercased().map { $0 == "-" ? "_" : $0 })
        return s == name || aliases.contains(s)
    }

    /// Parses `text` (nil for a bare name) into a checked value; errors name `kind.field`.
    public func parse(_ text: String?, optimizer: String) throws -> OptimizerValue {
        let label = "\(optimizer).\(name)"
        switch kind {
        case .flag:
            switch text?.lowercased() {
            case nil, "true", "1", "yes", "on": return .flag(true)
            case "false", "0", "no", "off": return .flag(false)
            default: throw OptimizerError("\(label): expected true or false, got \"\(text!)\"")
            }
        case .choice(let words):
            guard let t = text?.lowercased(), words.contains(t) else {
                throw OptimizerError("\(label): expected one of \(words.joined(separator: ", ")), got \(text.map { "\"\($0)\"" } ?? "nothing")")
            }
            return .word(t)
        case .number:
            guard let t = text else { throw OptimizerError("\(label) needs a value (\(label.split(separator: ".")[1])=…)") }
            let v: Double? = switch t.lowercased() { case "inf", "infinity", "+inf": .infinity; default: Double(t) }
            guard let v else { throw OptimizerError("\(label): \"\(t)\" is not a number") }
            return try check(.number(v), optimizer: optimizer)
        }
    }

    /// Checks a value against the field's kind and range.
    public func check(_ value: OptimizerValue, optimizer: String) throws -> OptimizerValue {
        let label = "\(optimizer).\(name)"
        switch (kind, value) {
        case (.flag, .flag), (.choice, .word): return value
        case (.number(let range, let integer), .number(let v)):
            guard !v.isNaN, range.contains(v) else { throw OptimizerError("\(label) must be \(range), got \(v)") }
            if integer { guard v == v.rounded(), abs(v) < 0x1p53 else { throw OptimizerError("\(label) must be a whole number, got \(v)") } }
            return value
        default:
            throw OptimizerError("\(label): a value of the wrong kind (\(value))")
        }
    }
}

/// A field's value.
public enum OptimizerValue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A number.
    case number(Double)
    /// A flag's value.
    case flag(Bool)
    /// One of a choice field's words.
    case word(String)

    public var description: String {
        switch self {
        case .number(let v): v.isInfinite ? (v > 0 ? "inf" : "-inf") : (v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)")
        case .flag(let b): "\(b)"
        case .word(let w): w
        }
    }
}

/// An interval of allowed values, with open or closed ends; its description is the rule in words.
public struct ValueRange: Sendable, Equatable, CustomStringConvertible {
    /// The interval's ends.
    public var lower: Double, upper: Double
    /// Whether each end is excluded.
    public var lowerOpen: Bool, upperOpen: Bool

    /// The interval from `lower` to `upper`, closed unless an end is open.
    public init(_ lower: Double, _ upper: Double, lowerOpen: Bool = false, upperOpen: Bool = false) {
        self.lower = lower; self.upper = upper; self.lowerOpen = lowerOpen; self.upperOpen = upperOpen
    }

    /// x ≥ 0, finite.
    public static let nonNegative = ValueRange(0, .infinity, upperOpen: true)
    /// x > 0, finite.
    public static let positive = ValueRange(0, .infinity, lowerOpen: true, upperOpen: true)
    /// x > 0, +∞ allowed.
    public static let positiveOrInfinite = ValueRange(0, .infinity, lowerOpen: true)
    /// 0 ≤ x < 1.
    public static let unitLeftClosed = ValueRange(0, 1, upperOpen: true)
    /// 0 ≤ x ≤ 1.
    public static let unit = ValueRange(0, 1)
    /// 0 < x < 1.
    public static let unitOpen = ValueRange(0, 1, lowerOpen: true, upperOpen: true)

    /// Whether `x` lies in the interval.
    public func contains(_ x: Double) -> Bool {
        (lowerOpen ? x > lower : x >= lower) && (upperOpen ? x < upper : x <= upper)
    }

    public var description: String {
        switch (lower, upper, lowerOpen, upperOpen) {
        case (0, .infinity, false, true): "≥ 0 and finite"
        case (0, .infinity, true, true): "> 0 and finite"
        case (0, .infinity, true, false): "> 0 (inf allowed)"
        default: "in \(lowerOpen ? "(" : "[")\(lower), \(upper)\(upperOpen ? ")" : "]")"
        }
    }
}
