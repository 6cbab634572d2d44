import Foundation
import Testing
import Descent

/// The model section of a checkpoint holds the point the run would return if it stopped there, so
/// with `--average-from` it is the running average, the same weights the final model file gets.
@Suite struct CheckpointModelTests {
    func averagedCheckpoint(dtype: String) throws {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 80, weights: [2, -1], bias: 1, noise: 0.5, seed: 13)
        try dir.write("d.csv", Problems.csv(x, y))
        let r = try CLI.run(["train", "--data", "d.csv", "--epochs", "4", "--batch-size", "8", "--lr", "0.05",
                             "--average-from", "10", "--dtype", dtype, "--checkpoint", "ck.json", "-o", "m.json", "--quiet"],
                            in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        let checkpoint = try #require(JSONSerialization.jsonObject(with: dir.bytes("ck.json")) as? [String: Any])
        let model = try #require(JSONSerialization.jsonObject(with: dir.bytes("m.json")) as? [String: Any])
        let checkpointModel = try #require(checkpoint["model"] as? [String: Any])
        let saved = try #require(checkpointModel["layers"] as? NSArray)
        let written = try #require(model["layers"] as? NSArray)
        #expect(saved == written, "checkpoint model \(saved) differs from the returned model \(written)")

        // The comparison can fail: the raw iterate in the loop state is not the average.
        let loop = try #require((checkpoint["state"] as? [String: Any])?["trainer"] as? [String: Any])
        let raw = try #require(loop["parameters"] as? [Double])
        // The average lives in the averaging optimizer's state (the one state path).
        let optimizer = try #require(loop["optimizer"] as? [String: Any])
        let payload = try #require(optimizer["payload"] as? [String: Any])
        let average = try #require(payload["average"] as? [Double])
        #expect(optimizer["kind"] as? String == "sgd+average" && raw != average)
    }

    @Test func averagedCheckpointDouble() throws { try averagedCheckpoint(dtype: "double") }
    @Test func averagedCheckpointFloat() throws { try averagedCheckpoint(dtype: "float") }
}
