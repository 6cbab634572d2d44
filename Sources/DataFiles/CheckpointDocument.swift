import Foundation

/// Everything needed to resume training exactly: the model, the optimizer's and the schedule's
/// state (opaque `Codable` values the caller supplies, e.g. `OptimizerState`), the random
/// generator's state, the epoch and step counters, and a fingerprint of the configuration that
/// produced it (a resumed run compares its own).
///
/// JSON, format version 1, keys sorted:
/// `{ "configurationFingerprint", "epoch", "formatVersion", "model": <ModelDocument>,
///    "optimizer": <OptimizerState>, "rngState": [UInt64 …], "schedule": <ScheduleState>, "step" }`.
/// `epoch` counts completed epochs and `step` completed updates. Written atomically.
/// The optimizer state of the CLI's checkpoints is the `OptimizerState` envelope,
/// `{"kind", "version", "payload": {…}}`; one written before that envelope existed (string-keyed
/// `scalars`/`vectors`) fails to decode with a message naming that format.
public struct CheckpointDocument<OptimizerState: Codable & Sendable, ScheduleState: Codable & Sendable>: Codable, Sendable {
    public static var currentFormatVersion: Int { 1 }

    public var formatVersion: Int
    public var model: ModelDocument
    public var optimizer: OptimizerState
    public var schedule: ScheduleState
    public var rngState: [UInt64]
    public var epoch: Int
    public var step: Int
    public var configurationFingerprint: String

    public init(model: ModelDocument, optimizer: OptimizerState, schedule: ScheduleState, rngState: [UInt64],
                epoch: Int, step: Int, configurationFingerprint: String, formatVersion: Int = 1) {
        self.formatVersion = formatVersion; self.model = model; self.optimizer = optimizer
        self.schedule = schedule; self.rngState = rngState; self.epoch = epoch; self.step = step
        self.configurationFingerprint = configurationFingerprint
    }

    /// Validates and writes atomically (temporary file, fsync, rename).
    public func save(to url: URL) throws {
        try validate(file: url.path)
        try AtomicFile.write(JSONSupport.encode(self, file: url.path), to: url)
    }

    /// Reads, checks and decodes a checkpoint. The format version, and the fingerprint when
    /// `expectedFingerprint` is given, are checked before anything else is decoded, so a checkpoint
    /// of another version or configuration gets that plain message rather than a decoding error
    /// from a part whose shape differs.
    public static func load(from url: URL, expectedFingerprint: String? = nil) throws -> Self {
        let file = url.path
        let data = try JSONSupport.read(url)
        try JSONSupport.checkVersion(data, current: currentFormatVersion, what: "checkpoint", file: file)
        if let expectedFingerprint {
            guard let found = try JSONSupport.decode(FingerprintProbe.self, from: data, file: file).configurationFingerprint else {
                throw DataError(.decoding, file: file, "configurationFingerprint is missing")
            }
            try checkFingerprint(found, expected: expectedFingerprint, file: file)
        }
        let document = try JSONSupport.decode(Self.self, from: data, file: file)
        try document.validate(file: file)
        return document
    }

    public func validate(file: String) throws {
        try JSONSupport.checkVersion(formatVersion, current: Self.currentFormatVersion, what: "checkpoint", file: file)
        try model.validate(file: file)
        guard epoch >= 0, step >= 0 else {
            throw DataError(.invalidValue, file: file, "epoch \(epoch) and step \(step) must not be negative")
        }
    }

    /// Throws when the checkpoint was written under another configuration.
    public func checkFingerprint(_ expected: String, file: String) throws {
        try Self.checkFingerprint(configurationFingerprint, expected: expected, file: file)
    }

    static func checkFingerprint(_ found: String, expected: String, file: String) throws {
        guard found == expected else {
            throw DataError(.shapeMismatch, file: file,
                            "the checkpoint was written with other data or settings (fingerprint \(found), this run's is \(expected)); resume with the settings that wrote it")
        }
    }
}

/// The one field `CheckpointDocument.load` reads before the rest.
private struct FingerprintProbe: Decodable { var configurationFingerprint: String? }
