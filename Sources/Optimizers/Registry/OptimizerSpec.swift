import LinearAlgebra

/// An optimizer as the library's registry, text form, command line and checkpoints know it: its
/// name and other spellings, its hyper-parameter fields with their defaults and ranges (each
/// declared once, here), its default learning rate, and how to build it.
///
/// One conformer per optimizer, in the same file as its update rule and state (`SGD.swift`, …).
/// `OptimizerRegistry` finds it by itself: a build plugin (`Plugins/OptimizerRegistryPlugin`) lists
/// every type of this module declared on one line as `[public] struct Name: …, OptimizerSpec, … {`,
/// and builds it with `init()`.
public protocol OptimizerSpec: Sendable {
    /// The registry builds every spec with this.
    init()
    /// The canonical name: the text form's, and the `kind` of the optimizer's saved state.
    var name: String { get }
    /// Other accepted spellings of the name (microsoftml's, the papers' packages').
    var aliases: [String] { get }
    /// One line for help texts.
    var summary: String { get }
    /// The hyper-parameter fields of the text form, each with its default and range.
    var fields: [OptimizerField] { get }
    /// The learning rate when none is given: SGD's γ, or 1 for the methods that find their own step
    /// (their rate is a multiplier).
    var defaultLearningRate: Double { get }
    /// Where help texts and the README list it: lower first, then by name (default 100).
    var listOrder: Int { get }
    /// Builds the optimizer for `groups` (which tile the parameter buffer) from checked settings.
    func make<Scalar: BLASScalar>(_ settings: OptimizerSettings, groups: [ParameterGroup], learningRate: Double,
                                  as _: Scalar.Type) throws -> any Optimizer<Scalar>
}

extension OptimizerSpec {
    public var aliases: [String] { [] }
    public var listOrder: Int { 100 }

    /// The field with this name or alias.
    public func field(named spelling: String) -> OptimizerField? { fields.first { $0.isNamed(spelling) } }

    /// "momentum, dampening, nesterov, …", for messages.
    public var fieldList: String { fields.isEmpty ? "no fields" : fields.map(\.name).joined(separator: ", ") }
}

/// Every optimizer of the library, in the order help texts list them (`listOrder`, then name). The
/// list is not kept by hand: `discovered` is generated from the module's `OptimizerSpec` conformers.
public enum OptimizerRegistry {
    /// Every registered optimizer, sorted by `listOrder`, then by name.
    public static let all: [any OptimizerSpec] = discovered.sorted { ($0.listOrder, $0.name) < ($1.listOrder, $1.name) }

    /// The spec whose name or alias is `spelling` (case-insensitive); throws listing the known names.
    public static func spec(named spelling: String) throws -> any OptimizerSpec {
        let s = spelling.lowercased()
        guard let spec = all.first(where: { $0.name == s || $0.aliases.contains(s) }) else {
            throw OptimizerError("unknown optimizer \"\(spelling)\"; known: \(names)")
        }
        return spec
    }

    /// "sgd, mml-sgd, adadelta, …".
    public static var names: String { all.map(\.name).joined(separator: ", ") }
}

extension OptimizerRegistry {
    /// The README's table of optimizers (a test checks that the README holds exactly this): name,
    /// other spellings, fields with their defaults, and the default learning rate.
    public static var markdownTable: String {
        var lines = ["| optimizer | also accepted | fields (default) | default lr | what |", "|---|---|---|---|---|"]
        for spec in all {
            let fields = spec.fields.map { f -> String in
                switch f.defaultValue {
                case .some(.flag(false)): "`\(f.name)`"
                case .some(let v): "`\(f.name)=\(v)`"
                case nil: "`\(f.name)` (unset)"
                }
            }.joined(separator: ", ")
            let aliases = spec.aliases.map { "`\($0)`" }.joined(separator: ", ")
            lines.append("| `\(spec.name)` | \(aliases.isEmpty ? "–" : aliases) | \(fields) | \(OptimizerValue.number(spec.defaultLearningRate)) | \(spec.summary) |")
        }
        return lines.joined(separator: "\n")
    }
}
