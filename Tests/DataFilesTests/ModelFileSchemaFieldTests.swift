import Foundation
import Testing
import Descent
import _TestSupport

/// docs/model-file.schema.json lists exactly the fields the library writes: every written file
/// fits the schema's structure (no unlisted key, no missing required key, the right JSON types),
/// and together the files below use every field the schema lists.
struct ModelFileSchemaFieldTests {
    static let schemaURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/model-file.schema.json")

    /// Files covering every optional field: an MLP with feature and target statistics, a linear
    /// model without an intercept or statistics, a linear model with feature statistics only and
    /// missing-value fills, a logistic model with class labels.
    func writtenFiles() throws -> [(String, [String: Any])] {
        let mlp = SavedModel(shape: .mlp(inputs: 3, hidden: [4, 2], outputs: 2), parameters: [Float](repeating: 0.25, count: 32),
                             loss: .softmaxCrossEntropy,
                             featureStandardization: try Standardization(means: [1, 2, 3], scales: [1, 2, 3]),
                             targetStandardization: try Standardization(means: [0, 1], scales: [2, 4]),
                             featureNames: ["a", "b", "c"], targetNames: ["p", "q"], training: ["optimizer": "sgd", "epochs": "3"])
        let bare = SavedModel(shape: .linear(inputs: 2, outputs: 1, intercept: false), parameters: [1, -1] as [Double],
                              loss: .absoluteError)
        var featuresOnly = SavedModel(shape: .linear(inputs: 2, outputs: 3, intercept: true), parameters: [Double](repeating: 1, count: 9),
                                      loss: .huber(delta: 2), featureStandardization: try Standardization(means: [0, 5], scales: [1, 0.5]))
        featuresOnly.missingValueFill = MissingValueFill(strategy: .mean, values: [0.5, -2])
        let classifier = SavedModel(shape: .linear(inputs: 2, outputs: 1, intercept: true), parameters: [0.5, -1, 0.25] as [Double],
                                    loss: .binaryLogistic, classLabels: [-1, 1])
        return try [("mlp", mlp.document().encoded()), ("bare linear", bare.document().encoded()),
                    ("linear with feature statistics", featuresOnly.document().encoded()),
                    ("logistic with class labels", classifier.document().encoded())].map { name, data in
            (name, try #require(JSONSerialization.jsonObject(with: data) as? [String: Any]))
        }
    }

    @Test func writtenFilesFitTheSchema() throws {
        let schema = try JSONSchemaFields(contentsOf: Self.schemaURL)
        #expect(schema.root["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        for (name, file) in try writtenFiles() {
            #expect(schema.problems(in: file).isEmpty, "\(name): \(schema.problems(in: file))")
        }
    }

    @Test func schemaListsNoFieldTheWriterDoesNotProduce() throws {
        let schema = try JSONSchemaFields(contentsOf: Self.schemaURL)
        var present = Set<String>()
        for (_, file) in try writtenFiles() { present.formUnion(schema.presentPaths(in: file)) }
        #expect(present == schema.fieldPaths, "in the schema only: \(schema.fieldPaths.subtracting(present).sorted())")
        #expect(schema.fieldPaths.isSuperset(of: ["formatVersion", "layers[].weights", "layers[].bias", "standardization.targetScales"]))
    }

    @Test func requiredFieldsAreTheOnesEveryFileHas() throws {
        let schema = try JSONSchemaFields(contentsOf: Self.schemaURL)
        let files = try writtenFiles().map(\.1)
        let always = files.map { Set($0.keys) }.reduce(Set(files[0].keys)) { $0.intersection($1) }
        #expect(Set(schema.root["required"] as? [String] ?? []) == always)
        let layerDef = (schema.root["$defs"] as? [String: Any])?["layer"] as? [String: Any]
        #expect(layerDef?["required"] as? [String] == ["weights"])
        // The kind-dependent rules the structure check leaves out: activation only for an MLP.
        for file in files { #expect((file["activation"] != nil) == (file["kind"] as? String == "mlp")) }
    }

    /// The checker itself notices drift in either direction.
    @Test func checkerReportsUnlistedAndMissingFields() throws {
        let schema = try JSONSchemaFields(contentsOf: Self.schemaURL)
        var file = try writtenFiles()[0].1
        file["comment"] = "not in the schema"
        file["createdBy"] = nil
        var layers = file["layers"] as! [[String: Any]]
        layers[0]["scale"] = 2
        file["layers"] = layers
        file["inputCount"] = "3"
        let problems = Set(schema.problems(in: file))
        #expect(problems == ["comment is not in the schema", "createdBy is required by the schema but missing",
                             "layers[].scale is not in the schema", "inputCount: expected integer, found String"],
                "\(problems)")
    }
}
