import Descent
import Foundation

/// What a checkpoint stores beyond the model: the training loop's complete state (the optimizer's state,
/// the sampler and its generator, counters, the schedule's metric history, early stopping, averages,
/// history), from which `Trainer(resumingFrom:)` continues bit-identically. Schedules are pure
/// functions of (step, metric history), so this is the schedule's whole state too.
struct LoopCheckpointState<Scalar: BLASScalar>: Codable, Sendable {
    var dtype: String
    var trainer: TrainerState<Scalar>
}

typealias TrainingCheckpoint<Scalar: BLASScalar> = CheckpointDocument<LoopCheckpointState<Scalar>>

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
