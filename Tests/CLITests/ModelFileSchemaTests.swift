import Foundation
import Testing
import Descent

/// The files `descent train` writes hold what `ModelDocument.swift` and docs/model-file.md document
/// (`WrittenModelSchemaTests` checks them against docs/model-file.schema.json).
@Suite struct ModelFileSchemaTests {
    @Test func writtenFileMatchesTheDocumentedSchema() throws {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 40, weights: [1, 2], bias: 0, noise: 0.1, seed: 1)
        try dir.write("d.csv", Problems.csv(x, y))
        let version = try CLI.run(["--version"], in: dir.url).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let r = try CLI.run(["train", "--data", "d.csv", "--epochs", "1", "--model", "mlp", "--hidden", "3",
                             "--schedule", "cosine:T=1", "-o", "m.json", "--quiet"], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        let object = try #require(JSONSerialization.jsonObject(with: dir.bytes("m.json")) as? [String: Any])
        #expect(object["createdBy"] as? String == "descent \(version)")
        #expect(object["activation"] as? String == "relu")
        #expect(object["loss"] as? String == "squared-error")
        let training = try #require(object["training"] as? [String: String])
        #expect(Set(training.keys) == ["optimizer", "learningRate", "batchSize", "epochs", "seed", "dtype", "stopReason", "data", "schedule"])

        let linear = try CLI.run(["train", "--data", "d.csv", "--epochs", "1", "--no-intercept", "-o", "l.json", "--quiet"], in: dir.url)
        #expect(linear.status == 0, "\(linear.stderr)")
        let l = try #require(JSONSerialization.jsonObject(with: dir.bytes("l.json")) as? [String: Any])
        #expect(l["activation"] == nil && (l["hiddenSizes"] as? [Int]) == [])
        #expect(((l["layers"] as? [[String: Any]])?.first?["bias"]) == nil, "no bias without an intercept")
        #expect(object["classLabels"] == nil && l["classLabels"] == nil, "regression models have no classLabels")

        // Class labels as targets: classLabels holds each class's label value, in class order
        // (logistic: [negative, positive]; softmax: the sorted distinct labels).
        try dir.write("pm.csv", Problems.csv(x, y.map { $0 > 0 ? 1 : -1 }))
        try dir.write("three.csv", Problems.csv(x, y.map { $0 > 1 ? 7 : ($0 > -1 ? 2 : 5) }))
        for (data, loss, expected, outputs) in [("pm.csv", "logistic", [-1.0, 1], 1), ("three.csv", "softmax-cross-entropy", [2.0, 5, 7], 3)] {
            let c = try CLI.run(["train", "--data", data, "--loss", loss, "--epochs", "1", "-o", "c.json", "--quiet"], in: dir.url)
            #expect(c.status == 0, "\(c.stderr)")
            let m = try #require(JSONSerialization.jsonObject(with: dir.bytes("c.json")) as? [String: Any])
            #expect(m["classLabels"] as? [Double] == expected, "\(data): \(m["classLabels"] ?? "none")")
            #expect(m["outputCount"] as? Int == outputs && m["loss"] as? String == loss)
        }
    }
}
