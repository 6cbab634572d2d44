import LinearAlgebra

/// A chosen optimizer and its hyper-parameters: the value behind the text form
/// `"sgd:momentum=0.9,nesterov"` (a name, then `field=value` pairs and bare flags, separated by
/// commas), checked against the optimizer's `OptimizerSpec`.
///
/// Only values that differ from the spec's defaults are kept, so two settings that build the same
/// optimizer are equal, and `description` (name, then the kept fields in the spec's order) parses
/// back to an equal value. Codable as that text.
public struct OptimizerSettings: Sendable, Equatable, Hashable, CustomStringConvertible, Codable {
    /// The spec's canonical name.
    public let name: String
    /// The values that differ from the defaults, by canonical field name.
    public private(set) var values: [String: OptimizerValue]

    /// The defaults of optimizer `name` (a name or alias).
    public init(_ name: String) throws {
        self.name = try OptimizerRegistry.spec(named: name).name
        values = [:]
    }

    /// Parses the text form. Errors name the optimizer and the field (`sgd.momentum must be ≥ 0…`),
    /// list the known optimizers for an unknown name, and the fields for an unknown field.
    public init(parsing text: String) throws {
        let trimmed = Self.trim(text)
        let (head, rest) = trimmed.firstIndex(of: ":").map { (String(trimmed[..<$0]), String(trimmed[trimmed.index(after: $0)...])) }
            ?? (trimmed, "")
        try self.init(head.trimmedForSettings)
        var seen = Set<String>()
        for part in rest.split(separator: ",", omittingEmptySubsequences: true) {
            let p = part.trimmedForSettings
            guard !p.isEmpty else { continue }
            let (key, value) = p.firstIndex(of: "=").map {
                (String(p[..<$0]).trimmedForSettings, Optional(String(p[p.index(after: $0)...]).trimmedForSettings))
            } ?? (p, nil)
            guard let field = spec.field(named: key) else {
                throw OptimizerError("\(name) has no field \"\(key)\"; its fields: \(spec.fieldList)")
            }
            guard seen.insert(field.name).inserted else { throw OptimizerError("\(name).\(field.name) is given twice") }
            try set(field.name, field.parse(value, optimizer: name))
        }
    }

    static func trim(_ s: String) -> String { s.trimmedForSettings }

    /// The registry's spec of this optimizer.
    public var spec: any OptimizerSpec {
        // The name was checked at construction.
        try! OptimizerRegistry.spec(named: name)
    }

    /// Sets a field (by name or alias) after checking the value; throws for a field the optimizer
    /// does not have.
    public mutating func set(_ fieldName: String, _ value: OptimizerValue) throws {
        guard let field = spec.field(named: fieldName) else {
            throw OptimizerError("\(name) has no field \"\(fieldName)\"; its fields: \(spec.fieldList)")
        }
        let checked = try field.check(value, optimizer: name)
        values[field.name] = checked == field.defaultValue ? nil : checked
    }

    /// The value of a field (set, or its default; nil for an unset field without default).
    public func value(_ fieldName: String) -> OptimizerValue? {
        guard let field = spec.field(named: fieldName) else {
            preconditionFailure("\(name) has no field \(fieldName)")   // a spec asking for a field it did not declare
        }
        return values[field.name] ?? field.defaultValue
    }

    /// The field's number (set, or its default); nil when it is not a number or unset.
    public func number(_ field: String) -> Double? {
        if case .number(let v) = value(field) { return v }
        return nil
    }

    /// The field's flag (set, or its default); false when it is not a flag.
    public func flag(_ field: String) -> Bool {
        if case .flag(let b) = value(field) { return b }
        return false
    }

    /// The field's word (set, or its default); nil when it is not a word.
    public func word(_ field: String) -> String? {
        if case .word(let w) = value(field) { return w }
        return nil
    }

    /// The learning rate to use when none is given.
    public var defaultLearningRate: Double { spec.defaultLearningRate }

    /// Builds the optimizer for `groups`, wrapped in the library's iterate averaging
    /// (`PolynomialAveraging`) when it averages: from update `averageFrom` on when given, with the
    /// settings' `average_gamma` as γ (DoG and L-DoG: 8 unless set, and then from update 0 even
    /// without `averageFrom`) or γ = 0, the uniform mean.
    public func make<Scalar: BLASScalar>(_: Scalar.Type, groups: [ParameterGroup], learningRate: Double,
                                         averageFrom: Int? = nil) throws -> any Optimizer<Scalar> {
        let bare = try spec.make(self, groups: groups, learningRate: learningRate, as: Scalar.self)
        let gamma = spec.field(named: "average_gamma") == nil ? 0 : number("average_gamma") ?? 0
        guard let start = averageFrom ?? (gamma > 0 ? 0 : nil) else { return bare }
        func averaged<O: Optimizer>(_ o: O) throws -> any Optimizer<Scalar> where O.Scalar == Scalar {
            try PolynomialAveraging(o, gamma: gamma, start: start)
        }
        return try averaged(bare)
    }

    public var description: String {
        let parts: [String] = spec.fields.compactMap { f in
            guard let v = values[f.name] else { return nil }
            if case .flag(true) = v { return f.name }
            return "\(f.name)=\(v)"
        }
        return parts.isEmpty ? name : name + ":" + parts.joined(separator: ",")
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try OptimizerSettings(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "optimizer \"\(text)\": \(error)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmedForSettings: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
