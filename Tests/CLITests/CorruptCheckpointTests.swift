import Foundation
import Testing
import _TestSupport
import Descent

/// A checkpoint that is corrupt (edited, truncated) or was written for another model must end
/// `--resume` with one `error:` line and exit status 1, never a trap, and write no model.
@Suite struct CorruptCheckpointTests {
    static let base = ["train", "--data", "d.csv", "--epochs", "3", "--batch-size", "10", "--momentum", "0.9", "--quiet"]

    /// Writes the data and a genuine checkpoint, returns the directory and the checkpoint's JSON.
    func genuine() throws -> (TempDirectory, [String: Any]) {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 60, weights: [1, -1], bias: 0.5, noise: 0.1, seed: 8)
        try dir.write("d.csv", Problems.csv(x, y))
        let r = try CLI.run(Self.base + ["--checkpoint", "ck.json"], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        let object = try JSONSerialization.jsonObject(with: dir.bytes("ck.json"))
        return (dir, try #require(object as? [String: Any]))
    }

    /// Resumes from `text` and checks for one error line containing `expected`.
    func expectCleanFailure(_ dir: TempDirectory, _ text: Data, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try text.write(to: URL(fileURLWithPath: dir.path("bad.json")))
        let r = try CLI.run(Self.base + ["--resume", "bad.json", "-o", "m.json"], in: dir.url)
        #expect(!r.signaled && r.status == 1, "status \(r.status), signaled \(r.signaled): \(r.stderr)", sourceLocation: sourceLocation)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && r.stderr.hasPrefix("error: "), "not one error line: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.hasPrefix("error: bad.json"), "the error does not name the checkpoint file: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(expected), "expected “\(expected)” in: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(!dir.exists("m.json"), sourceLocation: sourceLocation)
    }

    /// Applies `edit` to the loop state (`state.trainer`) of the checkpoint and serialises it.
    func editedTrainer(_ document: [String: Any], _ edit: (inout [String: Any]) -> Void) throws -> Data {
        var doc = document
        var schedule = try #require(doc["state"] as? [String: Any])
        var trainer = try #require(schedule["trainer"] as? [String: Any])
        edit(&trainer)
        schedule["trainer"] = trainer
        doc["state"] = schedule
        return try sealedCheckpoint(doc)
    }

    @Test func corruptGeneratorState() throws {
        let (dir, doc) = try genuine()
        try expectCleanFailure(dir, try editedTrainer(doc) { t in
            var s = t["sampler"] as! [String: Any]; s["generator"] = [0, 0, 0, 0]; t["sampler"] = s
        }, "generator state is all zero")
        try expectCleanFailure(dir, try editedTrainer(doc) { t in
            var s = t["sampler"] as! [String: Any]; s["generator"] = [1, 2, 3]; t["sampler"] = s
        }, "generator state has 3 words, expected 4")
    }

    @Test func sampleOrderOutOfRange() throws {
        let (dir, doc) = try genuine()
        try expectCleanFailure(dir, try editedTrainer(doc) { t in
            var s = t["sampler"] as! [String: Any]
            var order = s["order"] as! [Int]; order[0] = 1_000_000; s["order"] = order
            t["sampler"] = s
        }, "not a permutation")
    }

    @Test func parameterCountMismatch() throws {
        let (dir, doc) = try genuine()
        try expectCleanFailure(dir, try editedTrainer(doc) { t in
            t["parameters"] = Array((t["parameters"] as! [Double]).dropLast())
        }, "the saved state has 2 parameters, the model has 3")
    }

    @Test func nonIntegerOptimizerCounter() throws {
        let (dir, doc) = try genuine()
        for bad: Any in ["NaN", "Infinity", 2.5, -3] {
            try expectCleanFailure(dir, try editedTrainer(doc) { t in
                var o = t["optimizer"] as! [String: Any]
                var payload = o["payload"] as! [String: Any]; payload["stepCount"] = bad; o["payload"] = payload
                t["optimizer"] = o
            }, "sgd state has an invalid stepCount")
        }
    }

    /// A checkpoint written before typed optimizer states holds `{kind, scalars, vectors}`; this
    /// build cannot resume it and says so, naming the old format.
    @Test func optimizerStateBeforeVersion1() throws {
        let (dir, doc) = try genuine()
        let old: [String: Any] = ["kind": "sgd", "scalars": ["steps": 18, "momentum": 0.9, "bufferInitialized": 1],
                                  "vectors": ["momentumBuffer": [0.01, -0.02, 0.03]]]
        let expected = "optimizer state is in the format before version 1 (string-keyed scalars/vectors)"
        try expectCleanFailure(dir, try editedTrainer(doc) { t in t["optimizer"] = old }, "state.trainer.optimizer: this \(expected)")
        // A whole checkpoint of format 1 (which stored the loop state twice) is refused, naming it.
        var document = doc
        document["formatVersion"] = 1
        try expectCleanFailure(dir, try sealedCheckpoint(document), "this checkpoint is in format 1")
    }

    /// A state of a newer format version than this build reads is refused, naming both versions.
    @Test func optimizerStateOfNewerVersion() throws {
        let (dir, doc) = try genuine()
        try expectCleanFailure(dir, try editedTrainer(doc) { t in
            var o = t["optimizer"] as! [String: Any]; o["version"] = 2; t["optimizer"] = o
        }, "sgd state has format version 2, newer than the version this build reads (1)")
    }

    @Test func negativeCounter() throws {
        let (dir, doc) = try genuine()
        try expectCleanFailure(dir, try editedTrainer(doc) { t in t["step"] = -5 }, "invalid step (-5)")
        try expectCleanFailure(dir, try editedTrainer(doc) { t in t["samplesSeen"] = Int.max }, "invalid samplesSeen")
    }

    @Test func truncatedFile() throws {
        let (dir, _) = try genuine()
        let whole = try dir.bytes("ck.json")
        try expectCleanFailure(dir, whole.prefix(whole.count / 2), "bad.json")
    }

    /// One flipped bit in a genuine checkpoint (here in the middle of the file, inside the loop
    /// state) is caught by the checksum: one error line naming the file, nothing written.
    @Test func flippedBitIsRefused() throws {
        let (dir, _) = try genuine()
        var bytes = [UInt8](try dir.bytes("ck.json"))
        bytes[bytes.count / 2] ^= 0x04
        try expectCleanFailure(dir, Data(bytes), "bad.json: ")
    }
}
