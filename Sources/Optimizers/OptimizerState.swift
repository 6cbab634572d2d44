/// Everything an optimizer needs to continue exactly where it stopped: counters and scalar
/// accumulators, and state vectors (momentum buffers, x₀, sums…). Vectors are stored as `Double`,
/// which holds every `Float` exactly, so a save/restore round trip is bit-identical for both
/// precisions (and through JSON, whose Swift encoder prints the shortest round-tripping digits).
public struct OptimizerState: Codable, Equatable, Sendable {
    /// Which optimizer wrote the state (restoring into another kind is an error).
    public var kind: String
    public var scalars: [String: Double]
    public var vectors: [String: [Double]]

    public init(kind: String, scalars: [String: Double] = [:], vectors: [String: [Double]] = [:]) {
        self.kind = kind; self.scalars = scalars; self.vectors = vectors
    }
}

/// Why an optimizer could not be built or restored: bad hyper-parameters or a state of another
/// kind or shape. User-facing, so it carries a readable message.
public struct OptimizerError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension OptimizerState {
    /// Reads a required scalar, or throws naming it.
    public func scalar(_ key: String) throws -> Double {
        guard let v = scalars[key] else { throw OptimizerError("\(kind) state has no scalar '\(key)'") }
        return v
    }

    /// Reads a required counter (a step count, an index): a whole number in `minimum..<2⁵³`, or
    /// throws naming it. A corrupt snapshot may hold NaN, ±∞, a fraction or a negative number
    /// here, which `Int(_:)` would trap on.
    public func count(_ key: String, atLeast minimum: Int = 0) throws -> Int {
        let v = try scalar(key)
        guard v.isFinite, v == v.rounded(), v >= Double(minimum), v < 0x1p53 else {
            throw OptimizerError("\(kind) state has an invalid \(key) \(v) (expected a whole number ≥ \(minimum))")
        }
        return Int(v)
    }

    /// Copies a saved vector into `destination`, checking its length.
    public func restoreVector<T: BinaryFloatingPoint>(_ key: String, into destination: inout [T]) throws {
        guard let v = vectors[key] else { throw OptimizerError("\(kind) state has no vector '\(key)'") }
        guard v.count == destination.count else {
            throw OptimizerError("\(kind) state vector '\(key)' has \(v.count) elements, expected \(destination.count)")
        }
        for i in v.indices { destination[i] = T(v[i]) }
    }

    /// Checks the kind before a restore.
    public func expect(kind expected: String) throws {
        guard kind == expected else { throw OptimizerError("cannot restore \(kind) state into a \(expected) optimizer") }
    }
}
