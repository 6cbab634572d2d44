import Foundation
import Testing
import Descent

/// `--clip-grad-norm` and `--clip-grad-value` through the built executable: the model file records
/// the clipping, the result differs from an unclipped run's, bad values are one-line errors, and a checkpoint from a clipped run does not
/// resume without the same clipping (the setting is in the fingerprint).
@Suite struct GradientClippingCLITests {
    func problem() throws -> TempDirectory {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 60, weights: [3, -4], bias: 2, noise: 0.1, seed: 15)
        try dir.write("d.csv", Problems.csv(x, y))
        return dir
    }

    func layers(_ dir: TempDirectory, _ file: String) throws -> NSArray? {
        (try JSONSerialization.jsonObject(with: dir.bytes(file)) as? [String: Any])?["layers"] as? NSArray
    }

    @Test func clippingIsRecordedAndChangesTheResult() throws {
        let dir = try problem()
        let base = ["train", "--data", "d.csv", "--epochs", "3", "--batch-size", "8", "--lr", "0.1", "--quiet"]
        let clipped = try CLI.run(base + ["--clip-grad-value", "0.5", "--clip-grad-norm", "1", "-o", "c.json"], in: dir.url)
        #expect(clipped.status == 0, "\(clipped.stderr)")
        let plain = try CLI.run(base + ["-o", "p.json"], in: dir.url)
        #expect(plain.status == 0, "\(plain.stderr)")
        let object = try #require(JSONSerialization.jsonObject(with: dir.bytes("c.json")) as? [String: Any])
        let training = try #require(object["training"] as? [String: String])
        #expect(training["gradientClipping"] == "value=0.5 norm=1.0")
        let p = try JSONSerialization.jsonObject(with: dir.bytes("p.json")) as? [String: Any]
        #expect((p?["training"] as? [String: String])?["gradientClipping"] == nil)
        let (c, q) = (try layers(dir, "c.json"), try layers(dir, "p.json"))
        #expect(c != nil && q != nil && c != q, "clipping at norm 1 must change this run")
    }

    @Test(arguments: [["--clip-grad-norm", "0"], ["--clip-grad-value=-1"], ["--clip-grad-norm", "inf"]])
    func badBoundIsAOneLineError(_ flag: [String]) throws {
        let dir = try problem()
        let r = try CLI.run(["train", "--data", "d.csv", "--epochs", "1", "-o", "m.json"] + flag, in: dir.url)
        #expect(r.status != 0)
        let name = String(flag[0].prefix { $0 != "=" })
        let lines = r.stderr.split(separator: "\n").filter { $0.contains(name) }
        #expect(lines.count == 1 && lines[0].contains("positive finite"), "\(r.stderr)")
    }

    @Test func resumeWithOtherClippingIsRefused() throws {
        let dir = try problem()
        let base = ["train", "--data", "d.csv", "--batch-size", "8", "--quiet", "--checkpoint", "ck.json"]
        let first = try CLI.run(base + ["--clip-grad-norm", "1", "-o", "a.json", "--epochs", "2"], in: dir.url)
        #expect(first.status == 0, "\(first.stderr)")
        let other = try CLI.run(base + ["--clip-grad-norm", "2", "--resume", "ck.json", "-o", "b.json", "--epochs", "3"], in: dir.url)
        #expect(other.status != 0, "a checkpoint from --clip-grad-norm 1 resumed under --clip-grad-norm 2")
        #expect(other.stderr.contains("ck.json"), "\(other.stderr)")
        let same = try CLI.run(base + ["--clip-grad-norm", "1", "--resume", "ck.json", "-o", "c.json", "--epochs", "3"], in: dir.url)
        #expect(same.status == 0, "\(same.stderr)")
    }
}
