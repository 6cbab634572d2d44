import Foundation

/// Shared JSON handling for model files and checkpoints.
enum JSONSupport {
    /// Pretty-printed, sorted keys; Swift's encoder prints each `Double` with the shortest digits
    /// that parse back to the same value, so weights round-trip bit-for-bit.
    /// Optimizer and trainer states can legitimately hold ±∞ or NaN (early stopping's "best so far"
    /// before the first epoch, a momentum buffer after a divergence); JSON has no such numbers, so
    /// they are written as these strings. Model documents reject non-finite weights when validated.
    static let nonFinite = (positive: "Infinity", negative: "-Infinity", nan: "NaN")

    static func encode<T: Encodable>(_ value: T, file: String) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: nonFinite.positive, negativeInfinity: nonFinite.negative, nan: nonFinite.nan)
        do { return try encoder.encode(value) + Data("\n".utf8) }
        catch { throw DataError(.invalidValue, file: file, "cannot encode: \(error)") }
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data, file: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: nonFinite.positive, negativeInfinity: nonFinite.negative, nan: nonFinite.nan)
        do { return try decoder.decode(type, from: data) }
        catch let error as DecodingError { throw DataError(.decoding, file: file, describe(error)) }
        catch { throw DataError(.decoding, file: file, "not valid JSON: \(error)") }
    }

    /// The whole file (a regular file only, so a FIFO cannot block the read).
    static func read(_ url: URL) throws -> Data { try InputFile.read(url.path) }

    /// Reads only `formatVersion` and rejects any other version than `current`, naming both,
    /// before the rest of the document (whose schema may differ) is decoded.
    static func checkVersion(_ data: Data, current: Int, what: String, file: String) throws {
        struct Probe: Decodable { var formatVersion: Int? }
        let probe = try decode(Probe.self, from: data, file: file)
        guard let version = probe.formatVersion else {
            throw DataError(.decoding, file: file, "no 'formatVersion' field: not a \(what) file")
        }
        try checkVersion(version, current: current, what: what, file: file)
    }

    static func checkVersion(_ version: Int, current: Int, what: String, file: String) throws {
        guard version == current else {
            let relation = version > current ? "newer than" : "older than"
            throw DataError(.unsupportedVersion, file: file,
                            "\(what) format version \(version) is \(relation) the version this program reads (\(current))")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let p = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return p.isEmpty ? "the document" : String(p.drop { $0 == "." })
        }
        switch error {
        case .keyNotFound(let key, let c): return "\(path(c.codingPath + [key])) is missing"
        case .typeMismatch(_, let c): return "\(path(c.codingPath)): \(c.debugDescription)"
        case .valueNotFound(_, let c): return "\(path(c.codingPath)) is null"
        case .dataCorrupted(let c): return "\(path(c.codingPath)): \(c.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
