import Foundation
import Testing
import Descent
import _TestSupport

/// `ModelFile` / `SavedModel` / `ModelDocument(shape:parameters:…)`: the library's model files.
struct ModelFileTests {
    /// Parameters with awkward values (signed zero, subnormals, extremes, thirds) and random bits.
    func awkwardParameters<T: BLASScalar>(_ count: Int, seed: UInt64, as _: T.Type) -> [T] {
        var g = SeededGenerator(seed: seed)
        var values: [T] = [0.1, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .leastNormalMagnitude, 1 / 3, -2.5]
        while values.count < count {
            let v: T = T.self == Float.self
                ? T(Float(bitPattern: UInt32(truncatingIfNeeded: g.next())))
                : T(Double(bitPattern: g.next()))
            if v.isFinite { values.append(v) }
        }
        return Array(values.prefix(count))
    }

    func randomMatrix<T: BLASScalar>(_ rows: Int, _ cols: Int, seed: UInt64, as _: T.Type) -> Matrix<T> {
        var g = SeededGenerator(seed: seed)
        return Matrix(rows: rows, cols: cols) { _, _ in T(g.nextGaussian()) }
    }

    func saved<T: BLASScalar>(_ shape: ModelShape, parameters: [T]) throws -> SavedModel<T> {
        let d = shape.inputCount, k = shape.outputCount
        return SavedModel(shape: shape, parameters: parameters, loss: .huber(delta: 0.5),
                          featureStandardization: try Standardization(means: (0..<d).map { Double($0) - 1.5 },
                                                                      scales: (0..<d).map { 0.5 + Double($0) }),
                          targetStandardization: try Standardization(means: (0..<k).map { 10 * Double($0) },
                                                                     scales: (0..<k).map { 2 + Double($0) }),
                          featureNames: (0..<d).map { "x\($0)" }, targetNames: (0..<k).map { "y\($0)" },
                          training: ["optimizer": "sgd", "note": "tests"], createdBy: "ModelFileTests")
    }

    /// write → read: the same model, parameters bit for bit, and the same predictions.
    func roundTrip<T: BLASScalar>(_ shape: ModelShape, _: T.Type) throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let model = try shape.makeModel(T.self)
        let theta = awkwardParameters(model.parameterCount, seed: 11, as: T.self)
        let original = try saved(shape, parameters: theta)
        let url = dir.path("model.json")
        try ModelFile.write(original, to: url)
        let back = try ModelFile.read(from: url, as: T.self)

        #expect(back == original)
        #expect(back.parameters.count == theta.count && zip(back.parameters, theta).allSatisfy { sameBits($0, $1) },
                "\(shape): parameters changed on the way through the file")

        // Predictions: finite parameters of ordinary size, so the outputs are comparable numbers.
        var g = SeededGenerator(seed: 5)
        let modest = (0..<model.parameterCount).map { _ in T(g.nextGaussian()) }
        var modestModel = original
        modestModel.parameters = modest
        try ModelFile.write(modestModel, to: url)
        let read = try ModelFile.read(from: url, as: T.self)
        let x = randomMatrix(17, shape.inputCount, seed: 9, as: T.self)
        // The original parameters, evaluated by hand: standardise, predict, undo the targets' transform.
        var input = x
        modestModel.featureStandardization!.apply(to: &input)
        var expected = model.predict(parameters: modest, x: input)
        modestModel.targetStandardization!.invert(&expected)
        let predicted = try read.predict(x)
        #expect(predicted.rows == 17 && predicted.cols == shape.outputCount)
        let (p, e) = (predicted.elements, expected.elements)
        #expect(p.count == e.count && zip(p, e).allSatisfy { sameBits($0, $1) },
                "\(shape): predictions from the read model differ")
        #expect(try modestModel.predict(x).elements == predicted.elements)
    }

    @Test func linearRoundTripDouble() throws { try roundTrip(.linear(inputs: 3, outputs: 2, intercept: true), Double.self) }
    @Test func linearRoundTripFloat() throws { try roundTrip(.linear(inputs: 3, outputs: 2, intercept: true), Float.self) }
    @Test func linearWithoutInterceptRoundTripDouble() throws { try roundTrip(.linear(inputs: 4, outputs: 1, intercept: false), Double.self) }
    @Test func linearWithoutInterceptRoundTripFloat() throws { try roundTrip(.linear(inputs: 4, outputs: 1, intercept: false), Float.self) }
    @Test func mlpRoundTripDouble() throws { try roundTrip(.mlp(inputs: 3, hidden: [5, 4], outputs: 2), Double.self) }
    @Test func mlpRoundTripFloat() throws { try roundTrip(.mlp(inputs: 3, hidden: [5, 4], outputs: 2), Float.self) }

    /// The documented layout: θ[o + j·n_in + i] is the file's weights[i][j], θ[o + n_in·n_out + j] its bias[j].
    @Test func fileLayoutIsTheTransposeOfTheFlatBuffer() throws {
        let shape = ModelShape.mlp(inputs: 3, hidden: [4], outputs: 2)
        let theta = (0..<26).map { Double($0) }
        let doc = try ModelDocument(shape: shape, parameters: theta, loss: .squaredError)
        #expect(doc.kind == .mlp && doc.hiddenSizes == [4] && doc.activation == "relu" && doc.layers.count == 2)
        var offset = 0
        for (l, (nIn, nOut)) in [(3, 4), (4, 2)].enumerated() {
            let layer = doc.layers[l]
            #expect(layer.weights.count == nIn && layer.weights.allSatisfy { $0.count == nOut })
            for i in 0..<nIn { for j in 0..<nOut { #expect(layer.weights[i][j] == theta[offset + j * nIn + i]) } }
            #expect(layer.bias == (0..<nOut).map { theta[offset + nIn * nOut + $0] })
            offset += nIn * nOut + nOut
        }
        #expect(offset == theta.count)
        #expect(try doc.parameters(as: Double.self) == theta)
        #expect(try doc.modelShape() == shape)

        let linear = try ModelDocument(shape: .linear(inputs: 2, outputs: 3, intercept: true), parameters: (0..<9).map { Double($0) },
                                       loss: .squaredError)
        #expect(linear.layers[0].weights == [[0, 2, 4], [1, 3, 5]] && linear.layers[0].bias == [6, 7, 8])
        #expect(linear.activation == nil && linear.hiddenSizes.isEmpty)
    }

    /// Agrees with the models' own forward pass on the file's layer formula, x·weights + bias.
    @Test func fileLayersComputeTheModel() throws {
        let shape = ModelShape.linear(inputs: 3, outputs: 2, intercept: true)
        var g = SeededGenerator(seed: 2)
        let theta = (0..<8).map { _ in g.nextGaussian() }
        let doc = try ModelDocument(shape: shape, parameters: theta, loss: .squaredError)
        let x = randomMatrix(4, 3, seed: 3, as: Double.self)
        let y = LinearModel<Double>(inputs: 3, outputs: 2).predict(parameters: theta, x: x)
        for r in 0..<4 {
            for j in 0..<2 {
                let byFile = (0..<3).reduce(doc.layers[0].bias![j]) { $0 + x[r, $1] * doc.layers[0].weights[$1][j] }
                #expect(abs(byFile - y[r, j]) <= 1e-12 * max(1, abs(y[r, j])))
            }
        }
    }

    @Test func doubleFileReadAsFloatRoundsEachValue() throws {
        let theta: [Double] = [0.1, 1 / 3, -2.5e-3, 7]
        let doc = try ModelDocument(shape: .linear(inputs: 3, outputs: 1, intercept: true), parameters: theta, loss: .squaredError)
        let back = try SavedModel<Float>(document: ModelDocument.decode(doc.encoded(), file: "m.json"), file: "m.json")
        #expect(back.parameters == theta.map { Float($0) })
    }

    @Test func namesOfAnotherCountAreNotStored() throws {
        let doc = try ModelDocument(shape: .linear(inputs: 2, outputs: 1, intercept: true), parameters: [1, 2, 3] as [Double],
                                    loss: .squaredError, featureNames: ["only one"], targetNames: ["y"])
        #expect(doc.featureNames.isEmpty && doc.targetNames == ["y"])
        #expect(doc.createdBy == "descent \(DescentVersion.current)" && doc.training.isEmpty && doc.loss == "squared-error")
    }

    @Test func targetTransformAloneStoresIdentityFeatures() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let model = SavedModel(shape: .linear(inputs: 2, outputs: 1, intercept: true), parameters: [1.5, -2, 0.25] as [Double],
                               loss: .squaredError, targetStandardization: try Standardization(means: [3], scales: [4]))
        try ModelFile.write(model, to: dir.path("m.json"))
        let back = try ModelFile.read(from: dir.path("m.json"), as: Double.self)
        #expect(back.featureStandardization == (try Standardization(means: [0, 0], scales: [1, 1])))
        #expect(back.targetStandardization == model.targetStandardization)
        let x = Matrix<Double>([[0.3, -1.7], [2, 5]])
        #expect(try back.predict(x).elements == (try model.predict(x)).elements)
    }

    @Test func errors() throws {
        #expect(throws: TrainingDataError.self) {
            try ModelDocument(shape: .linear(inputs: 2, outputs: 1, intercept: true), parameters: [1, 2] as [Double], loss: .squaredError)
        }
        #expect(throws: TrainingDataError.self) {
            try ModelDocument(shape: .mlp(inputs: 2, hidden: [0], outputs: 1), parameters: [Double](), loss: .squaredError)
        }
        var doc = try ModelDocument(shape: .mlp(inputs: 2, hidden: [3], outputs: 1), parameters: [Double](repeating: 0.5, count: 13),
                                    loss: .squaredError)
        doc.activation = "tanh"
        #expect(dataError { try SavedModel<Double>(document: doc, file: "m.json") }?.description
                == "m.json: activation \"tanh\" is not supported (only relu)")
        doc.activation = "relu"
        doc.layers[1].bias = nil
        #expect(dataError { try doc.modelShape(file: "m.json") }?.description == "m.json: every mlp layer needs a bias")
        doc.layers[1].bias = [0]
        doc.loss = "hinge"
        #expect(dataError { try doc.parsedLoss(file: "m.json") }?.description.hasPrefix("m.json: loss \"hinge\": unknown loss") == true)
        doc.loss = "mse"
        #expect(try doc.parsedLoss() == .squaredError)
        doc.layers[0].weights[1][2] = .nan
        #expect(dataError { try doc.parameters(as: Float.self, file: "m.json") }?.kind == .invalidValue)

        let wide = Matrix<Double>(rows: 2, cols: 3)
        let model = SavedModel(shape: .linear(inputs: 2, outputs: 1, intercept: false), parameters: [1, 2] as [Double], loss: .squaredError)
        #expect(dataError { try model.predict(wide, dataFile: "x.npy") }?.description == "x.npy: the model takes 2 features, the data has 3")
        var short = model
        short.parameters = [1]
        #expect(throws: TrainingDataError.self) { try short.predict(Matrix<Double>(rows: 2, cols: 2)) }
        #expect(throws: TrainingDataError.self) { try ModelFile.write(short, to: URL(fileURLWithPath: "unused.json")) }
    }

    // MARK: docs/model-file.md

    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs")

    /// The example file in docs/model-file.md is what the library writes for the example's model.
    @Test func documentedExampleIsWhatTheLibraryWrites() throws {
        let text = try String(contentsOf: Self.docs.appendingPathComponent("model-file.md"), encoding: .utf8)
        let block = try #require(text.components(separatedBy: "```json\n").dropFirst().first?.components(separatedBy: "```").first)
        let documented = try #require(JSONSerialization.jsonObject(with: Data(block.utf8)) as? NSDictionary)

        let model = SavedModel(shape: .linear(inputs: 2, outputs: 1, intercept: true), parameters: [0.5, -1.25, 3] as [Double],
                               loss: .squaredError,
                               featureStandardization: try Standardization(means: [4, 30], scales: [1.5, 12]),
                               featureNames: ["rooms", "age"], targetNames: ["price"])
        let data = try model.document().encoded()
        let written = try #require(JSONSerialization.jsonObject(with: data) as? NSDictionary)
        #expect(written == documented, "docs/model-file.md's example differs from the written file:\n\(String(decoding: data, as: UTF8.self))")

        // The MLP sentence: 3 → 4 → 2 has 26 parameters, b₀ at 12, W₁ at 16, b₁ at 24.
        let mlp = MLP<Double>(inputs: 3, hidden: [4], outputs: 2)
        #expect(mlp.parameterCount == 26 && mlp.biasRange(layer: 0) == 12..<16 && mlp.weightRange(layer: 1) == 16..<24
                && mlp.biasRange(layer: 1) == 24..<26)
    }

    /// The program in docs/model-file.md (writing to a temporary directory instead of the current one).
    @Test func documentedProgramRuns() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let model = LinearModel<Double>(inputs: 2, outputs: 1)
        let parameters: [Double] = [0.5, -1.25, 3]                 // trained θ, in the model's layout
        let saved = SavedModel(shape: model.shape, parameters: parameters, loss: .squaredError,
                               featureStandardization: try Standardization(means: [4, 30], scales: [1.5, 12]),
                               featureNames: ["rooms", "age"], targetNames: ["price"])
        let url = dir.path("model.json")
        try ModelFile.write(saved, to: url)

        let back = try ModelFile.read(from: url, as: Double.self)   // back == saved
        let x = Matrix<Double>([[5.5, 18]])
        let predictions = try back.predict(x)                        // standardises x, then evaluates θ
        #expect(back == saved)
        #expect(abs(predictions[0, 0] - (0.5 * (5.5 - 4) / 1.5 - 1.25 * (18 - 30) / 12 + 3)) < 1e-12)
    }
}
