import Foundation
import Testing
import Descent

/// Checkpoints and `--resume`: a run killed (SIGKILL) after its first checkpoint and resumed from
/// it writes a model file byte-identical to an uninterrupted run with the same seed.
@Suite struct ResumeTests {
    static let settings = ["train", "--data", "d.csv", "--epochs", "5", "--batch-size", "16", "--momentum", "0.9",
                           "--schedule", "cosine:T=5", "--validation-split", "0.25", "--early-stopping", "10",
                           "--standardize", "features", "--seed", "42", "--quiet"]

    func killAndResume(dtype: String, checkpointEvery: [String]) throws {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 400, weights: [1, -2, 0.5], bias: 1, noise: 0.3, seed: 21)
        try dir.write("d.csv", Problems.csv(x, y))
        let args = Self.settings + ["--dtype", dtype]

        let a = try CLI.run(args + ["-o", "A.json"], in: dir.url)
        #expect(a.status == 0, "\(a.stderr)")

        let (p, out, err) = try CLI.start(args + ["-o", "B.json", "--checkpoint", "ck.json", "--epoch-delay", "0.5"] + checkpointEvery, in: dir.url)
        let deadline = Date().addingTimeInterval(60)
        while !dir.exists("ck.json") && p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(p.isRunning, "the run was still going when its first checkpoint appeared")
        kill(p.processIdentifier, SIGKILL)
        let killed = try CLI.finish(p, out, err)
        #expect(killed.signaled, "killed by SIGKILL, not finished: status \(killed.status) \(killed.stderr)")
        #expect(!dir.exists("B.json"))
        let checkpoint = try JSONSerialization.jsonObject(with: dir.bytes("ck.json")) as? [String: Any]
        let epoch = try #require(((checkpoint?["state"] as? [String: Any])?["trainer"] as? [String: Any])?["epoch"] as? Int)
        #expect(epoch < 5)

        let b = try CLI.run(args + ["-o", "B.json", "--checkpoint", "ck.json", "--resume", "ck.json"], in: dir.url)
        #expect(b.status == 0, "\(b.stderr)")
        #expect(b.stderr.contains("resuming from ck.json"))
        // A kill during a checkpoint rewrite leaves only AtomicFile's temporary file (the checkpoint
        // itself is whole, as read above); the next run clears it.
        let files = try dir.files()
        #expect(files.allSatisfy { !$0.contains(".tmp-") }, "no temporary file left: \(files)")
        #expect(try dir.bytes("A.json") == dir.bytes("B.json"), "resumed model differs from the uninterrupted one")
    }

    @Test func resumeAfterKillIsBitIdenticalDouble() throws { try killAndResume(dtype: "double", checkpointEvery: []) }
    @Test func resumeAfterKillIsBitIdenticalFloat() throws { try killAndResume(dtype: "float", checkpointEvery: []) }
    /// Mid-epoch checkpoints (every 7 updates; an epoch has 19) resume inside an epoch.
    @Test func resumeFromMidEpochCheckpoint() throws { try killAndResume(dtype: "double", checkpointEvery: ["--checkpoint-every-steps", "7"]) }

    /// A checkpoint only resumes the run that wrote it: other settings give a clear error.
    @Test func checkpointOfAnotherConfigurationIsRejected() throws {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 100, weights: [1, 1], bias: 0, noise: 0.1, seed: 5)
        try dir.write("d.csv", Problems.csv(x, y))
        let base = ["train", "--data", "d.csv", "--epochs", "2", "--quiet"]
        #expect(try CLI.run(base + ["--checkpoint", "ck.json"], in: dir.url).status == 0)
        let r = try CLI.run(base + ["--momentum", "0.5", "--resume", "ck.json", "-o", "m.json"], in: dir.url)
        #expect(r.status != 0 && r.stderr.hasPrefix("error: ck.json: the checkpoint was written with other data or settings"))
        #expect(!dir.exists("m.json"))
        let f = try CLI.run(base + ["--dtype", "float", "--resume", "ck.json"], in: dir.url)
        #expect(f.status != 0 && f.stderr.contains("ck.json"))
        let missing = try CLI.run(base + ["--resume", "nothere.json"], in: dir.url)
        #expect(missing.status != 0 && missing.stderr.contains("nothere.json"))
    }
}
