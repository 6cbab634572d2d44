import Validation

/// An optimizer's complete state as one `Codable` value (`SGDState`, `DoGState`, …), the payload
/// of `OptimizerState`. Vectors are `[Double]` (exact for `Float` too), counters `Int`, flags `Bool`.
public protocol OptimizerStatePayload: Codable, Equatable, Sendable {
    /// The payload format this build writes and reads; a change of the fields is a new version.
    static var version: Int { get }
}

/// An optimizer whose state is a typed `State`: `saveState()` wraps it in the envelope, and
/// `validatedState(from:)` runs the one restore check every optimizer shares (kind, version,
/// decoding, then `validate` with `StateCheck`'s rules), so that `restore` only installs a state
/// that passed, and a failed restore leaves the optimizer unchanged:
///
/// ```
/// public mutating func restore(_ saved: OptimizerState) throws { install(try validatedState(from: saved)) }
/// ```
public protocol OptimizerWithTypedState: Optimizer {
    /// The optimizer's typed state (counters, buffers), which `saveState` encodes into the payload.
    associatedtype State: OptimizerStatePayload

    /// A snapshot of the state (allocates).
    var state: State { get }

    /// Checks a decoded state against this optimizer: vector lengths, counters, values the math
    /// needs finite, a layout that must match. Use `check`'s rules, which word every message alike.
    func validate(_ state: State, _ check: StateCheck) throws
}

extension OptimizerWithTypedState {
    public func saveState() -> OptimizerState {
        OptimizerState(kind: name, version: State.version, encoding: state)
    }

    /// The state `saved` holds, after checking its kind, its version, its shape (decoding) and
    /// `validate`; throws `OptimizerError` otherwise.
    public func validatedState(from saved: OptimizerState) throws -> State {
        try saved.expect(kind: name)
        try saved.expect(version: State.version)
        let state = try saved.decodePayload(State.self)
        try validate(state, StateCheck(kind: name, parameterCount: parameterCount))
        return state
    }
}

/// The rules a restored state is checked with, shared by every optimizer; each failure is an
/// `OptimizerError` "<kind> state …" naming the field. Decoding has already made counters whole
/// numbers and flags booleans; these add ranges, lengths and agreement with the optimizer.
public struct StateCheck: Sendable {
    /// The optimizer's kind, for messages.
    public let kind: String
    /// The parameter count of the optimizer restoring the state.
    public let parameterCount: Int

    /// Checks for a state of optimizer `kind` restored into `parameterCount` parameters.
    public init(kind: String, parameterCount: Int) {
        self.kind = kind; self.parameterCount = parameterCount
    }

    /// "<kind> state <message>"
    public func error(_ message: String) -> OptimizerError { OptimizerError("\(kind) state \(message)") }

    /// A counter (a step count, an index): `minimum ≤ value < 2⁵³`. Counters grow by one per step,
    /// so a larger one comes from a corrupt file (and near `Int.max` the next step would overflow).
    public func counter(_ value: Int, _ field: String, atLeast minimum: Int = 0) throws {
        guard value >= minimum && value < 1 << 53 else {
            throw error("has an invalid \(field): expected a whole number >= \(minimum) (below 2^53), found \(value)")
        }
    }

    /// A value the math needs in a range (a momentum coefficient, a divisor).
    public func require(_ value: Double, _ field: String, _ requirement: ValueRequirement) throws {
        if let message = requirement.violation(value) { throw error("has an invalid \(field): \(message)") }
    }

    /// A vector with one element per parameter.
    public func perParameter(_ vector: [Double], _ field: String) throws {
        try length(vector, field, parameterCount, per: "parameter")
    }

    /// A vector with `expected` elements, one per `unit` ("parameter group", "block").
    public func length(_ vector: [Double], _ field: String, _ expected: Int, per unit: String) throws {
        guard vector.count == expected else {
            throw error("vector '\(field)' has \(vector.count) elements, expected \(expected) (one per \(unit))")
        }
    }

    /// A saved setting that must equal this optimizer's (a γ, a block layout).
    public func matches<T: Equatable>(_ saved: T, _ expected: T, _ field: String,
                                      describe: (T) -> String = { "\($0)" }) throws {
        guard saved == expected else {
            throw error("was saved with \(field) \(describe(saved)), this optimizer has \(describe(expected))")
        }
    }
}
