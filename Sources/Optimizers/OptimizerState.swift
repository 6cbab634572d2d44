/// Everything an optimizer needs to continue exactly where it stopped, in one envelope: which
/// optimizer wrote it (`kind`), the format of its state (`version`) and the state itself
/// (`payload`: the optimizer's typed state, e.g. `SGDState`, as a `StateValue`). In JSON the
/// payload is a nested object:
///
/// ```
/// {"kind": "sgd", "version": 1,
///  "payload": {"bufferInitialized": true, "momentum": 0.9, "momentumBuffer": [0.25, -1.5], "stepCount": 3}}
/// ```
/// Vectors are stored as `Double`, which holds every `Float` exactly, so a save/restore round trip
/// is bit-identical for both precisions (and through JSON, whose Swift encoder prints the shortest
/// round-tripping digits). Optimizers with a typed state get `saveState()` and the checks of
/// `restore` from `OptimizerWithTypedState`.
///
/// States written before version 1 (`{kind, scalars, vectors}`, string-keyed dictionaries) are not
/// read: decoding one throws a `DecodingError` that says so (`formatBeforeVersion1`).
public struct OptimizerState: Codable, Equatable, Sendable {
    /// Which optimizer wrote the state (restoring into another kind is an error).
    public var kind: String
    /// The format version of `payload` (the state type's `version`).
    public var version: Int
    /// The optimizer's state.
    public var payload: StateValue

    /// A state of optimizer `kind` in format `version`.
    public init(kind: String, version: Int, payload: StateValue) {
        self.kind = kind; self.version = version; self.payload = payload
    }

    /// An envelope around a typed state. The in-memory encoding cannot fail by itself; a payload
    /// whose own `encode(to:)` throws is a programming error.
    public init<Payload: Encodable>(kind: String, version: Int, encoding payload: Payload) {
        let value: StateValue
        do { value = try StateValue(encoding: payload) } catch {
            preconditionFailure("\(kind) state: the payload's encode(to:) threw \(error)")
        }
        self.init(kind: kind, version: version, payload: value)
    }

    /// The state of an optimizer with nothing to save (version 1, an empty payload).
    public init(kind: String) { self.init(kind: kind, version: 1, payload: .object([:])) }

    /// Why decoding an envelope of the format before version 1 fails.
    public static let formatBeforeVersion1 =
        "this optimizer state is in the format before version 1 (string-keyed scalars/vectors), as checkpoints "
        + "written before typed optimizer states hold it; it cannot be resumed by this build (start the run again)"

    private enum CodingKeys: String, CodingKey { case kind, version, payload }
    private enum FormatBeforeVersion1Keys: String, CodingKey { case scalars, vectors }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if !c.contains(.version) && !c.contains(.payload) {
            let old = try decoder.container(keyedBy: FormatBeforeVersion1Keys.self)
            if old.contains(.scalars) || old.contains(.vectors) {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: Self.formatBeforeVersion1))
            }
        }
        kind = try c.decode(String.self, forKey: .kind)
        version = try c.decode(Int.self, forKey: .version)
        payload = try c.decode(StateValue.self, forKey: .payload)
    }
}

/// Why an optimizer could not be built or restored: bad hyper-parameters or a state of another
/// kind or shape. User-facing, so it carries a readable message.
public struct OptimizerError: Error, CustomStringConvertible, Equatable {
    public var description: String
    /// An error with this message.
    public init(_ description: String) { self.description = description }
}

extension OptimizerState {
    /// Checks the kind before a restore.
    public func expect(kind expected: String) throws {
        guard kind == expected else { throw OptimizerError("cannot restore \(kind) state into a \(expected) optimizer") }
    }

    /// Checks the payload's format version before a restore.
    public func expect(version expected: Int) throws {
        guard version == expected else {
            let relation = version > expected ? "newer than" : "older than"
            throw OptimizerError("\(kind) state has format version \(version), \(relation) the version this build reads (\(expected))")
        }
    }

    /// The payload as a `P`, or an `OptimizerError` naming the member that is missing or has the
    /// wrong type ("sgd state has an invalid stepCount: expected a whole number, found 2.5").
    public func decodePayload<P: Decodable>(_ type: P.Type) throws -> P {
        do { return try payload.decode(P.self) } catch let error as DecodingError {
            throw OptimizerError("\(kind) state \(Self.describe(error))")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let p = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return p.isEmpty ? "payload" : String(p.drop { $0 == "." })
        }
        switch error {
        case .keyNotFound(let key, let c): return "has no '\(path(c.codingPath + [key]))'"
        case .valueNotFound(_, let c): return "has no value for '\(path(c.codingPath))'"
        case .typeMismatch(_, let c), .dataCorrupted(let c): return "has an invalid \(path(c.codingPath)): \(c.debugDescription)"
        @unknown default: return "cannot be read: \(error)"
        }
    }
}
