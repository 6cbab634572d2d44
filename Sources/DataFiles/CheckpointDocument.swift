import Foundation

/// Everything needed to resume training exactly, one copy of each part: the format version, the
/// fingerprint of the run that wrote it (a resumed run compares its own, see `TrainingRecipe`), the
/// model at the point training would return (usable as a model file), and the training loop's
/// state (an opaque `Codable` value the caller supplies; the CLI's holds the precision and the
/// `TrainerState`, which carries the optimizer's state, the sampler and its generator, and the
/// counters).
///
/// JSON, format version 2, keys sorted:
/// `{ "configurationFingerprint", "formatVersion", "model": <ModelDocument>, "state": <State> }`.
/// Written atomically. Format 1 (before version 2 stored the loop state once and optimizer states
/// as typed `{kind, version, payload}` envelopes) is refused with a message naming it.
public struct CheckpointDocument<State: Codable & Sendable>: Codable, Sendable {
    public static var currentFormatVersion: Int { 2 }

    public var formatVersion: Int
    public var configurationFingerprint: String
    public var model: ModelDocument
    public var state: State

    public init(model: ModelDocument, state: State, configurationFingerprint: String, formatVersion: Int = 2) {
        self.formatVersion = formatVersion; self.model = model; self.state = state
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
        if try JSONSupport.decode(CheckpointVersionProbe.self, from: data, file: file).formatVersion == 1 {
            throw DataError(.unsupportedVersion, file: file,
                            "this checkpoint is in format 1 (written before checkpoints held one copy of the loop state and typed "
                            + "optimizer states); this build reads format \(currentFormatVersion) and cannot resume it: start the run again")
        }
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

/// The version field, read first to name format 1.
private struct CheckpointVersionProbe: Decodable { var formatVersion: Int? }

/// The one field `CheckpointDocument.load` reads before the rest.
private struct FingerprintProbe: Decodable { var configurationFingerprint: String? }
