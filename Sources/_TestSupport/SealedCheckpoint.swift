import Descent
import Foundation

/// The bytes of a checkpoint edited as a JSON object, with a valid checksum: written as
/// `CheckpointDocument` writes (sorted keys, pretty-printed) with the placeholder checksum, whose
/// digits are then the CRC-32C of those bytes. Tests use it to reach the checks behind the
/// checksum (a file that is intact but wrong, as another build might write).
public func sealedCheckpoint(_ object: [String: Any]) throws -> Data {
    var object = object
    object["checksum"] = "crc32c:00000000"
    var data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    let prefix = Data("{\n  \"checksum\" : \"crc32c:".utf8)
    precondition(data.prefix(prefix.count) == prefix, "JSONSerialization wrote another layout: \(String(decoding: data.prefix(40), as: UTF8.self))")
    let digits = (data.startIndex + prefix.count)..<(data.startIndex + prefix.count + 8)
    data.replaceSubrange(digits, with: Data(CRC32C.hex(CRC32C.checksum(data)).utf8))
    return data
}
