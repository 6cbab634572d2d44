import Foundation
import Testing
import Descent

/// `--sample-weight` and `--class-weight` through the built executable: a zero weight removes a
/// sample from per-sample SGD (the same model as training without those rows), the model file and
/// the checkpoint fingerprint name the weights, and bad weights are one-line errors naming the file.
@Suite struct SampleWeightCLITests {
    static let base = ["train", "--epochs", "3", "--batch-size", "1", "--shuffle", "none", "--lr", "0.02", "--quiet"]

    func layers(_ dir: TempDirectory, _ name: String) throws -> [Double] {
        let json = try JSONSerialization.jsonObject(with: dir.bytes(name)) as! [String: Any]
        let layers = json["layers"] as! [[String: Any]]
        return layers.flatMap { (($0["weights"] as! [[Double]]).flatMap { $0 }) + (($0["bias"] as? [Double]) ?? []) }
    }

    /// Weights of 0 and 1 with constant-rate per-sample SGD: a 0-weight sample's step is exactly 0,
    /// so the model equals the one trained on the other rows alone.
    @Test func zeroWeightsDropSamples() throws {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 60, weights: [1, -2, 0.5], bias: 0.3, noise: 0.2, seed: 808)
        let keep = (0..<60).map { $0 % 3 != 1 }
        try dir.write("all.csv", Problems.csv(x, y))
        try dir.write("kept.csv", Problems.csv(zip(x, keep).filter(\.1).map(\.0), zip(y, keep).filter(\.1).map(\.0)))
        try dir.write("w.csv", keep.map { $0 ? "1" : "0" }.joined(separator: "\n") + "\n")
        let a = try CLI.run(Self.base + ["--data", "all.csv", "--sample-weight", "w.csv", "-o", "a.json"], in: dir.url)
        let b = try CLI.run(Self.base + ["--data", "kept.csv", "-o", "b.json"], in: dir.url)
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        #expect(try layers(dir, "a.json") == layers(dir, "b.json"))
        // Without the weights the model is another one (the test can fail).
        #expect(try CLI.run(Self.base + ["--data", "all.csv", "-o", "c.json"], in: dir.url).status == 0)
        #expect(try layers(dir, "a.json") != layers(dir, "c.json"))
    }

    /// The model file's training record names the weights; a checkpoint resumes only with the same ones.
    @Test func weightsAreRecordedAndFingerprinted() throws {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 40, weights: [1, 1], bias: 0, noise: 0.1, seed: 809)
        let labels = y.map { $0 > 0 ? 1.0 : 0.0 }
        try dir.write("d.csv", Problems.csv(x, labels))
        try dir.write("w1.csv", (0..<40).map { "\(1 + $0 % 4)" }.joined(separator: "\n"))
        try dir.write("w2.csv", (0..<40).map { "\(1 + $0 % 5)" }.joined(separator: "\n"))
        let run = ["train", "--data", "d.csv", "--loss", "logistic", "--epochs", "2", "--quiet", "--class-weight", "balanced"]
        let first = try CLI.run(run + ["--sample-weight", "w1.csv", "--checkpoint", "ck.json", "-o", "m.json"], in: dir.url)
        #expect(first.status == 0, "\(first.stderr)")
        let json = try JSONSerialization.jsonObject(with: dir.bytes("m.json")) as! [String: Any]
        let record = try #require(json["training"] as? [String: String])
        #expect(record["sampleWeights"]?.hasPrefix("w1.csv (xxh64 ") == true, "\(record)")
        #expect(record["classWeights"]?.hasPrefix("balanced: 0=") == true, "\(record)")
        let other = try CLI.run(run + ["--sample-weight", "w2.csv", "--resume", "ck.json"], in: dir.url)
        #expect(other.status != 0 && other.stderr.hasPrefix("error: ck.json: the checkpoint was written with other data or settings"), "\(other.stderr)")
        let none = try CLI.run(run + ["--resume", "ck.json"], in: dir.url)
        #expect(none.status != 0 && none.stderr.contains("other data or settings"), "\(none.stderr)")
        let same = try CLI.run(run + ["--sample-weight", "w1.csv", "--resume", "ck.json", "--epochs", "3"], in: dir.url)
        #expect(same.status == 0, "\(same.stderr)")
    }

    @Test func badWeightsAreOneLineErrors() throws {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 10, weights: [1], bias: 0, noise: 0.1, seed: 810)
        try dir.write("d.csv", Problems.csv(x, y))
        try dir.write("neg.csv", (0..<10).map { $0 == 6 ? "-2" : "1" }.joined(separator: "\n"))
        try dir.write("short.csv", "1\n2\n")
        try dir.write("zero.csv", (0..<10).map { _ in "0" }.joined(separator: "\n"))
        try dir.write("two.csv", (0..<10).map { _ in "1,2" }.joined(separator: "\n"))
        try dir.write("text.csv", (0..<10).map { $0 == 4 ? "x" : "1" }.joined(separator: "\n"))
        let cases: [([String], String)] = [
            (["--sample-weight", "neg.csv"], "error: neg.csv: row 6 (0-based): the sample weight is -2.0"),
            (["--sample-weight", "short.csv"], "error: short.csv: has 2 sample weights but the data has 10 rows"),
            (["--sample-weight", "zero.csv"], "error: zero.csv: every sample weight is 0"),
            (["--sample-weight", "two.csv"], "error: two.csv: sample weights must be one column"),
            (["--sample-weight", "text.csv"], "error: text.csv:5:1:"),
            (["--sample-weight", "missing.npy"], "error: missing.npy"),
            (["--class-weight", "balanced"], "error: --class-weight needs a classification loss"),
            (["--class-weight", "1=x"], "error: --class-weight: class weights: expected `balanced` or label=weight pairs"),
        ]
        for (flags, prefix) in cases {
            let r = try CLI.run(["train", "--data", "d.csv", "--epochs", "1", "--quiet"] + flags, in: dir.url)
            #expect(r.status != 0 && r.stderr.hasPrefix(prefix), "\(flags): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(flags): \(r.stderr)")
        }
    }
}
