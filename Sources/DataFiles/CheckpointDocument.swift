import Foundation

/// Everything needed to resume training exactly, one copy of each part: the format version, the
/// fingerprint of the run that wrote it (a resumed run compares its own, see `TrainingRecipe`), the
/// model at the point training would return (usable as a model file), and the training loop's
/// state (an opaque `Codable` value the caller supplies; the CLI's holds the precision and the
/// `TrainerState`, which carries the optimizer's state, the sampler and its generator, and the
/// counters).
///
/// JSON, format version 3, keys sorted, pretty-printed:
/// `{ "checksum", "configurationFingerprint", "formatVersion", "model": <ModelDocument>, "state": <State> }`.
/// Written atomically.
///
/// `checksum` is `"crc32c:<8 hex digits>"`, the CRC-32C (`CRC32C`) of the file's bytes with those
/// 8 digits written as `00000000`. It is checked on the raw bytes after the format version and
/// before anything else is decoded, so a
/// damaged file, a flipped bit included, is refused with one error naming the file instead of
/// resuming from altered numbers. Format 1 (before the loop state was stored once and optimizer
/// states as typed `{kind, version, payload}` envelopes) and format 2 (before the checksum) are
/// refused with a message naming them.
public struct CheckpointDocument<State: Codable & Sendable>: Codable, Sendable {
    /// The format this version writes and reads (3).
    public static var currentFormatVersion: Int { 3 }

    /// "crc32c:…" as read from the file or written by `encoded()`; set by encoding, not by hand.
    public var checksum: String = Self.checksumPlaceholder
    /// The file's format version; only `currentFormatVersion` is read.
    public var formatVersion: Int
    /// The digest of the run's settings and data; a resume must match it.
    public var configurationFingerprint: String
    /// The point the run would return now, as a model document.
    public var model: ModelDocument
    /// The training loop's state.
    public var state: State

    /// A checkpoint of `model` and `state` under `configurationFingerprint`.
    public init(model: ModelDocument, state: State, configurationFingerprint: String, formatVersion: Int = 3) {
        self.formatVersion = formatVersion; self.model = model; self.state = state
        self.configurationFingerprint = configurationFingerprint
    }

    /// Validates and writes atomically (temporary file, fsync, rename), with its checksum.
    public func save(to url: URL) throws {
        try validate(file: url.path)
        try AtomicFile.write(encoded(file: url.path), to: url)
    }

    static var checksumPlaceholder: String { "crc32c:00000000" }

    /// The file's bytes: the JSON with the placeholder checksum, whose digits are then replaced by
    /// the CRC-32C of those bytes.
    public func encoded(file: String = "checkpoint") throws -> Data {
        var document = self
        document.checksum = Self.checksumPlaceholder
        var data = try JSONSupport.encode(document, file: file)
        guard let digits = Self.checksumDigits(in: data) else {
            throw DataError(.invalidValue, file: file, "cannot place the checksum in the encoded checkpoint")
        }
        data.replaceSubrange(digits, with: Data(CRC32C.hex(CRC32C.checksum(data)).utf8))
        return data
    }

    /// Where the 8 digits of `"checksum" : "crc32c:…"` are: the first key of the sorted document.
    static func checksumDigits(in data: Data) -> Range<Data.Index>? {
        let key = Data("{\n  \"checksum\" : \"crc32c:".utf8)
        guard data.count >= key.count + 9, data.prefix(key.count) == key else { return nil }
        let start = data.startIndex + key.count
        let digits = start..<(start + 8)
        guard data[digits].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }),
              data[digits.upperBound] == UInt8(ascii: "\"") else { return nil }
        return digits
    }

    /// Throws unless `data` starts with a checksum field whose digits are the CRC-32C of the file
    /// with them zeroed.
    static func verifyChecksum(_ data: Data, file: String) throws {
        guard let digits = checksumDigits(in: data) else {
            throw DataError(.decoding, file: file, "the checkpoint does not start with its \"checksum\" field (\"crc32c:\" and 8 hexadecimal "
                            + "digits): the file is damaged or was edited; it cannot be resumed")
        }
        let stored = String(decoding: data[digits], as: UTF8.self)
        var zeroed = data
        zeroed.replaceSubrange(digits, with: Data("00000000".utf8))
        let computed = CRC32C.hex(CRC32C.checksum(zeroed))
        guard stored == computed else {
            throw DataError(.decoding, file: file, "checksum mismatch (stored crc32c:\(stored), the file's is crc32c:\(computed)): "
                            + "the file is damaged or was edited; it cannot be resumed")
        }
    }

    /// Reads, checks and decodes a checkpoint. The format version, and the fingerprint when
    /// `expectedFingerprint` is given, are checked before anything else is decoded, so a checkpoint
    /// of another version or configuration gets that plain message rather than a decoding error
    /// from a part whose shape differs.
    public static func load(from url: URL, expectedFingerprint: String? = nil) throws -> Self {
        let file = url.path
        let data = try JSONSupport.read(url)
        switch try? JSONSupport.decode(CheckpointVersionProbe.self, from: data, file: file).formatVersion {
        case 1:
            throw DataError(.unsupportedVersion, file: file,
                            "this checkpoint is in format 1 (written before checkpoints held one copy of the loop state and typed "
                            + "optimizer states); this build reads format \(currentFormatVersion) and cannot resume it: start the run again")
        case 2:
            throw DataError(.unsupportedVersion, file: file,
                            "this checkpoint is in format 2 (written before checkpoints carried a checksum); this build reads format "
                            + "\(currentFormatVersion) and cannot resume it: start the run again")
        default: break
        }
        try JSONSupport.checkVersion(data, current: currentFormatVersion, what: "checkpoint", file: file)
        try verifyChecksum(data, file: file)
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

    /// Throws a `DataError` naming `file` when the format version is not the current one or the model document
    /// is invalid.
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
