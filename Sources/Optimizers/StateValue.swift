/// A JSON-shaped value: the form an optimizer's typed state takes inside `OptimizerState`, so that
/// one envelope type can carry every optimizer's state and still be `Codable` and `Equatable`
/// (a checkpoint nests it as a JSON object).
///
/// Numbers are `Double`s, which hold every `Float` and every integer below 2⁵³ exactly; arrays
/// of numbers (momentum buffers, x₀, …) are kept unboxed as `.numbers`. A typed state becomes a
/// `StateValue` with `init(encoding:)` and comes back with `decode(_:)`, both in memory (no text),
/// so they round-trip bit for bit, −0 and non-finite numbers included. Through JSON, non-finite
/// numbers need a non-conforming float strategy on both sides (as the checkpoint files use), and a
/// JSON string equal to one of the decoder's non-finite spellings is read back as that number.
public enum StateValue: Sendable {
    /// JSON's null.
    case null
    /// A boolean.
    case bool(Bool)
    /// A number.
    case number(Double)
    /// A string.
    case string(String)
    /// An array whose elements are all numbers (the empty array included).
    case numbers([Double])
    /// Any other array.
    case array([StateValue])
    /// An object: keys and values.
    case object([String: StateValue])

    /// An array value: `.numbers` when every element is a number, else `.array`.
    public static func list(_ elements: [StateValue]) -> StateValue {
        var numbers: [Double] = []
        numbers.reserveCapacity(elements.count)
        for element in elements {
            guard case .number(let x) = element else { return .array(elements) }
            numbers.append(x)
        }
        return .numbers(numbers)
    }

    /// The elements of an array value, numbers boxed one by one.
    public var elements: [StateValue]? {
        switch self {
        case .numbers(let v): return v.map(StateValue.number)
        case .array(let v): return v
        default: return nil
        }
    }

    /// The number, nil for another kind of value.
    public var number: Double? { if case .number(let x) = self { x } else { nil } }
    /// The numbers of a `.numbers` array, nil for another kind of value.
    public var numbers: [Double]? { if case .numbers(let v) = self { v } else { nil } }
    /// The boolean, nil for another kind of value.
    public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    /// The string, nil for another kind of value.
    public var string: String? { if case .string(let s) = self { s } else { nil } }
    /// The object's members, nil for another kind of value.
    public var object: [String: StateValue]? { if case .object(let o) = self { o } else { nil } }

    /// An object's member (nil for a missing key or a value that is not an object). Setting a
    /// member of a value that is not an object is a programming error.
    public subscript(key: String) -> StateValue? {
        get { object?[key] }
        set {
            guard case .object(var members) = self else { preconditionFailure("StateValue: \(valueDescription) has no member '\(key)'") }
            self = .null
            members[key] = newValue
            self = .object(members)
        }
    }

    /// "a number (2.5)", "an object", … for error messages.
    var valueDescription: String {
        switch self {
        case .null: "null"
        case .bool(let b): "a boolean (\(b))"
        case .number(let x): "a number (\(x))"
        case .string(let s): "a string (\"\(s)\")"
        case .numbers, .array: "an array"
        case .object: "an object"
        }
    }
}

extension StateValue: Equatable {
    /// Structural equality, numbers compared as `Double`s (so NaN is unequal to itself, and −0
    /// equal to 0); an `.array` of numbers equals the `.numbers` with the same elements.
    public static func == (a: StateValue, b: StateValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.numbers(x), .numbers(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case (.numbers, .array), (.array, .numbers): return a.elements == b.elements
        case let (.object(x), .object(y)): return x == y
        default: return false
        }
    }
}

extension StateValue: Codable {
    /// As plain JSON: null, a boolean, a number, a string, an array or an object.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let x): try c.encode(x)
        case .string(let s): try c.encode(s)
        case .numbers(let v): try c.encode(v)
        case .array(let v): try c.encode(v)
        case .object(let o): try c.encode(o)
        }
    }

    /// Any JSON value. A number is tried before a string, so that the decoder's non-finite float
    /// strategy (a string such as "NaN" for a number) applies.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let x = try? c.decode(Double.self) { self = .number(x) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let v = try? c.decode([Double].self) { self = .numbers(v) }
        else if let v = try? c.decode([StateValue].self) { self = .list(v) }
        else if let o = try? c.decode([String: StateValue].self) { self = .object(o) }
        else { throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a JSON value")) }
    }
}

extension StateValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
                      ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
                      ExpressibleByDictionaryLiteral {
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: StateValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, StateValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
