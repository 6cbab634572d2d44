import Descent
import Foundation

/// What a checkpoint stores beyond the model and the optimizer: the training loop's complete state
/// (sampler and its generator, counters, the schedule's metric history, early stopping, averages,
/// history), from which `Trainer(resumingFrom:)` continues bit-identically. Schedules are pure
/// functions of (step, metric history), so this is the schedule's whole state too.
struct LoopCheckpointState<Scalar: BLASScalar>: Codable, Sendable {
    var dtype: String
    var trainer: TrainerState<Scalar>
}

typealias TrainingCheckpoint<Scalar: BLASScalar> = CheckpointDocument<OptimizerState, LoopCheckpointState<Scalar>>

/// Checkpoint files: `CheckpointDocument`'s schema, validation, version and fingerprint checks, and
/// atomic writing (the library's JSON carries the loop state's legitimate non-finite numbers, e.g.
/// early stopping's +∞ "best so far" before the first epoch ends).
enum CheckpointFile {
    static func save<Scalar: BLASScalar>(_ document: TrainingCheckpoint<Scalar>, to path: String) throws {
        try document.save(to: URL(fileURLWithPath: path))
    }

    /// Reads a checkpoint, checking its version and its fingerprint against this run's before
    /// decoding the rest (a checkpoint from other settings gets a plain message).
    static func load<Scalar: BLASScalar>(_ path: String, fingerprint: String?, as _: Scalar.Type) throws -> TrainingCheckpoint<Scalar> {
        try TrainingCheckpoint<Scalar>.load(from: URL(fileURLWithPath: path), expectedFingerprint: fingerprint)
    }
}

/// A short, stable digest of a run's configuration (FNV-1a, 64 bits, in hex; short inputs only,
/// a byte at a time: the data enters as `DataScan.digest`, computed as it is read).
struct Fingerprint {
    private var hash: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        for b in bytes { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
    }

    mutating func add(_ text: String) {
        var t = text + "\u{0}"
        t.withUTF8 { add(UnsafeRawBufferPointer($0)) }
    }

    var hex: String {
        let s = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
