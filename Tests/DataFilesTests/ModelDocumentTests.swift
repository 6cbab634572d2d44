import Foundation
import Testing
import Descent
import _TestSupport

struct ModelDocumentTests {
    /// A 3→4→2 MLP with the given weight values cycled through.
    func mlp(values: [Double]) -> ModelDocument {
        var k = 0
        func next() -> Double { defer { k += 1 }; return values[k % values.count] }
        func layer(_ i: Int, _ o: Int) -> ModelDocument.Layer {
            .init(weights: (0..<i).map { _ in (0..<o).map { _ in next() } }, bias: (0..<o).map { _ in next() })
        }
        return ModelDocument(kind: .mlp, inputCount: 3, outputCount: 2, hiddenSizes: [4], activation: "tanh",
                             layers: [layer(3, 4), layer(4, 2)],
                             standardization: .init(featureMeans: [1, 2, 3], featureScales: [0.5, 1, 2], targetMeans: [0, 1], targetScales: [1, 3]),
                             featureNames: ["a", "b", "c"], targetNames: ["y1", "y2"], loss: "mse",
                             training: ["optimizer": "sgd", "learningRate": "0.01"], createdBy: "descent tests")
    }

    @Test func randomDoublesRoundTripBitForBit() throws {
        var g = SeededGenerator(seed: 3)
        var values: [Double] = [0.1, -0.0, .leastNonzeroMagnitude, 1.7976931348623157e308, 2.2250738585072014e-308, 1 / 3]
        while values.count < 500 {
            let v = Double(bitPattern: g.next())
            if v.isFinite { values.append(v) }
        }
        let doc = mlp(values: values)
        let back = try ModelDocument.decode(doc.encoded(), file: "m.json")
        let a = doc.layers.flatMap { $0.weights.flatMap { $0 } + ($0.bias ?? []) }
        let b = back.layers.flatMap { $0.weights.flatMap { $0 } + ($0.bias ?? []) }
        #expect(a.count == b.count && zip(a, b).allSatisfy { sameBits($0, $1) })
        #expect(back == doc)
    }

    @Test func floatValuesRoundTripBitForBit() throws {
        var g = SeededGenerator(seed: 4)
        var floats: [Float] = []
        while floats.count < 300 {
            let v = Float(bitPattern: UInt32(truncatingIfNeeded: g.next()))
            if v.isFinite { floats.append(v) }
        }
        let w = Matrix<Float>(rows: 100, cols: 3, elements: floats)
        let doc = ModelDocument(kind: .linear, inputCount: 100, outputCount: 3,
                                layers: [.init(weights: w, bias: [1.5, -2, 3e-38])], loss: "mse", createdBy: "t")
        let back = try ModelDocument.decode(doc.encoded(), file: "m.json")
        let w2 = back.layers[0].weightMatrix(as: Float.self)
        #expect(w2.shape == "100×3" && zip(w2.elements, floats).allSatisfy { sameBits($0, $1) })
        #expect(back.layers[0].biasVector(as: Float.self) == [1.5, -2, 3e-38])
    }

    @Test func fileIsPrettySortedAndAtomic() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.path("model.json")
        try mlp(values: [0.25, -1]).save(to: url)
        let text = try String(contentsOf: url, encoding: .utf8)
        let keys = ["activation", "createdBy", "featureNames", "formatVersion", "hiddenSizes", "inputCount",
                    "kind", "layers", "loss", "outputCount", "standardization", "targetNames", "training"]
        let positions = keys.map { text.range(of: "\n  \"\($0)\"")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil } && positions.map { $0! } == positions.map { $0! }.sorted())
        #expect(text.contains("\n  \"formatVersion\" : 1,"))
        #expect(try ModelDocument.load(from: url) == mlp(values: [0.25, -1]))
        #expect(dir.contents == ["model.json"])
    }

    func json(_ doc: ModelDocument, edit: (inout [String: Any]) -> Void) throws -> Data {
        var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(doc)) as! [String: Any]
        edit(&object)
        return try JSONSerialization.data(withJSONObject: object)
    }

    @Test func versionErrorsNameBothVersions() throws {
        let newer = try json(mlp(values: [1])) { $0["formatVersion"] = 2; $0["layers"] = "a new schema" }
        #expect(dataError { try ModelDocument.decode(newer, file: "m.json") }?.description
                == "m.json: model format version 2 is newer than the version this program reads (1)")
        let older = try json(mlp(values: [1])) { $0["formatVersion"] = 0 }
        #expect(dataError { try ModelDocument.decode(older, file: "m.json") }?.description
                == "m.json: model format version 0 is older than the version this program reads (1)")
        let none = try json(mlp(values: [1])) { $0.removeValue(forKey: "formatVersion") }
        #expect(dataError { try ModelDocument.decode(none, file: "m.json") }?.description
                == "m.json: no 'formatVersion' field: not a model file")
    }

    @Test func shapeErrorsNameExpectedAndFound() throws {
        var doc = mlp(values: [1])
        doc.layers[1].weights.removeLast()
        #expect(dataError { try doc.validate(file: "m.json") }?.description
                == "m.json: layers[1].weights: expected shape 4×2 (inputs×outputs), found 3×2")
        doc = mlp(values: [1])
        doc.layers[0].weights[2].append(7)
        #expect(dataError { try doc.validate(file: "m.json") }?.description
                == "m.json: layers[0].weights: expected shape 3×4 (inputs×outputs), found ragged rows of lengths [4, 4, 5]")
        doc = mlp(values: [1])
        doc.layers[0].bias = [1, 2]
        #expect(dataError { try doc.validate(file: "m.json") }?.description == "m.json: layers[0].bias: expected 4 values, found 2")
        doc = mlp(values: [1])
        doc.hiddenSizes = [4, 5]
        #expect(dataError { try doc.validate(file: "m.json") }?.description == "m.json: expected 3 layers for sizes [3, 4, 5, 2], found 2")
        doc = mlp(values: [1])
        doc.standardization?.featureScales = [1, 2]
        #expect(dataError { try doc.validate(file: "m.json") }?.description
                == "m.json: standardization: expected 3 feature means and scales, found 3 and 2")
        doc = mlp(values: [1])
        doc.targetNames = ["only"]
        #expect(dataError { try doc.validate(file: "m.json") }?.description == "m.json: targetNames: expected 2 names, found 1")
        #expect(dataError { try mlp(values: [1]).checkCompatible(featureCount: 4, file: "x.csv") }?.description
                == "x.csv: the model takes 3 features, the data has 4")
        #expect(dataError { try mlp(values: [1]).checkCompatible(featureCount: 3, targetCount: 1, file: "x.csv") }?.description
                == "x.csv: the model predicts 2 targets, the data has 1")
    }

    @Test func valueErrors() throws {
        var doc = mlp(values: [1])
        doc.layers[1].weights[3][1] = .nan
        #expect(dataError { try doc.validate(file: "m.json") }?.description == "m.json: layers[1].weights[3][1] is nan, not a finite number")
        doc = mlp(values: [1])
        doc.layers[0].bias![2] = -.infinity
        #expect(dataError { try doc.encoded(file: "m.json") }?.description == "m.json: layers[0].bias[2] is -inf, not a finite number")
        doc = mlp(values: [1])
        doc.standardization?.targetScales = [1, 0]
        #expect(dataError { try doc.validate(file: "m.json") }?.description
                == "m.json: standardization.targetScales[1] is 0.0; scales must be positive")
        let unknown = try json(mlp(values: [1])) { $0["kind"] = "cnn" }
        #expect(dataError { try ModelDocument.decode(unknown, file: "m.json") }?.description
                == "m.json: model kind \"cnn\" is not known (linear, mlp)")
        let missing = try json(mlp(values: [1])) { $0.removeValue(forKey: "loss") }
        #expect(dataError { try ModelDocument.decode(missing, file: "m.json") }?.description == "m.json: loss is missing")
        let overflow = Data(String(decoding: try json(mlp(values: [1])) { _ in }, as: UTF8.self)
            .replacingOccurrences(of: "\"inputCount\":3", with: "\"inputCount\":\"3\"").utf8)
        #expect(dataError { try ModelDocument.decode(overflow, file: "m.json") }?.kind == .decoding)
    }

    func layerMatrixRoundTrip<T: BLASScalar>(_: T.Type) {
        let w = randomMatrix(3, 2, seed: 9, as: T.self)
        let layer = ModelDocument.Layer(weights: w, bias: [T(1), T(-2)])
        #expect(layer.weightMatrix(as: T.self) == w && layer.biasVector(as: T.self) == [1, -2])
        #expect(layer.weights.count == 3 && layer.weights[2][1] == Double(w[2, 1]))
    }

    @Test func layerMatrices() {
        layerMatrixRoundTrip(Float.self)
        layerMatrixRoundTrip(Double.self)
    }
}
