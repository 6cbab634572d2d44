import Foundation
import Testing
import Descent
import _TestSupport

/// The model files `descent train` writes (and the model inside its checkpoints) fit
/// docs/model-file.schema.json, and the library reads them back.
@Suite struct WrittenModelSchemaTests {
    @Test func trainOutputsFitTheSchema() throws {
        let schema = try JSONSchemaFields(contentsOf: CLI.packageRoot.appendingPathComponent("docs/model-file.schema.json"))
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 40, weights: [1, 2], bias: 0.5, noise: 0.1, seed: 3)
        try dir.write("d.csv", Problems.csv(x, y))
        // ±1 labels of the same rows (the sign of the target): a classifier whose file has classLabels.
        try dir.write("labels.csv", Problems.csv(x, y.map { $0 > 0.5 ? 1 : -1 }))
        let runs: [(String, [String])] = [
            ("mlp.json", ["--model", "mlp", "--hidden", "3", "--standardize", "all", "--schedule", "cosine:T=1"]),
            ("bare.json", ["--no-intercept"]),
            ("features.json", ["--standardize", "features", "--fill-missing", "mean", "--checkpoint", "run.ckpt"]),
            ("labels.json", ["--loss", "logistic"]),
        ]
        var present = Set<String>()
        for (name, options) in runs {
            let data = name == "labels.json" ? "labels.csv" : "d.csv"
            let r = try CLI.run(["train", "--data", data, "--epochs", "1", "-o", name, "--quiet"] + options, in: dir.url)
            #expect(r.status == 0, "\(r.stderr)")
            let file = try #require(JSONSerialization.jsonObject(with: dir.bytes(name)) as? [String: Any])
            #expect(schema.problems(in: file).isEmpty, "\(name): \(schema.problems(in: file))")
            present.formUnion(schema.presentPaths(in: file))
            let read = try ModelFile.read(from: URL(fileURLWithPath: dir.path(name)), as: Double.self)
            #expect(read.createdBy == "descent \(DescentVersion.current)")
        }
        #expect(present == schema.fieldPaths, "never written: \(schema.fieldPaths.subtracting(present).sorted())")
        let labels = try #require(JSONSerialization.jsonObject(with: dir.bytes("labels.json")) as? [String: Any])
        #expect(labels["classLabels"] as? [Double] == [-1, 1])
        for name in ["mlp.json", "bare.json", "features.json"] {
            let file = try #require(JSONSerialization.jsonObject(with: dir.bytes(name)) as? [String: Any])
            #expect(file["classLabels"] == nil, "\(name): a regression model has no classLabels")
        }

        let checkpoint = try #require(JSONSerialization.jsonObject(with: dir.bytes("run.ckpt")) as? [String: Any])
        let model = try #require(checkpoint["model"])
        #expect(schema.problems(in: model).isEmpty, "checkpoint model: \(schema.problems(in: model))")
    }
}
