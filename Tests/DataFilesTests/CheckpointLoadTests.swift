import Foundation
import Testing
import _TestSupport
import Descent

/// What callers of the library use instead of re-implementing it: loading a checkpoint with the
/// expected fingerprint, and checking an output path before long work.
struct CheckpointLoadTests {
    typealias Checkpoint = CheckpointDocumentTests.Checkpoint

    /// The fingerprint is compared before the rest is decoded: a checkpoint of another configuration
    /// whose loop state has another shape reports the configuration, not a decoding error.
    @Test func fingerprintIsCheckedBeforeTheRest() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.path("ck.json")
        try CheckpointDocumentTests().sample().save(to: url)
        #expect(try Checkpoint.load(from: url, expectedFingerprint: "abc123").state.step == 120)
        let other = dataError { try Checkpoint.load(from: url, expectedFingerprint: "def456") }
        #expect(other?.kind == .shapeMismatch)
        #expect(other?.message.hasPrefix("the checkpoint was written with other data or settings (fingerprint abc123, this run's is def456)") == true)

        var object = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        object["state"] = ["something": "else"]
        try sealedCheckpoint(object).write(to: url)
        #expect(dataError { try Checkpoint.load(from: url, expectedFingerprint: "def456") }?.kind == .shapeMismatch)
        #expect(dataError { try Checkpoint.load(from: url, expectedFingerprint: "abc123") }?.kind == .decoding)
        object["configurationFingerprint"] = nil
        try sealedCheckpoint(object).write(to: url)
        #expect(dataError { try Checkpoint.load(from: url, expectedFingerprint: "abc123") }?.description
                == "\(url.path): configurationFingerprint is missing")
    }

    @Test func checkWritableNamesTheReason() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        try AtomicFile.checkWritable(dir.path("new.json"))   // a new file in a writable directory
        let existing = dir.file("old.json", "x")
        try AtomicFile.checkWritable(existing)
        let missing = dir.path("no/out.json")
        #expect(dataError { try AtomicFile.checkWritable(missing) }?.description
                == "\(missing.path): cannot write: directory \(dir.path("no").path) does not exist")
        try FileManager.default.createDirectory(at: dir.path("sub"), withIntermediateDirectories: false)
        #expect(dataError { try AtomicFile.checkWritable(dir.path("sub")) }?.message == "cannot write: it is a directory, not a regular file; give the path of a file")
        #expect(dir.contents == ["old.json", "sub"], "checking creates nothing")
    }
}
