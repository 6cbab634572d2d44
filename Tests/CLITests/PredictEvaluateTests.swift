import Foundation
import Testing
import Descent

/// `descent predict` and `descent evaluate` on hand-written model files, against the model's
/// equation worked out here (standardisation applied to the inputs and undone on the outputs).
@Suite struct PredictEvaluateTests {
    /// ŷ = ((x − μ)/s)·W + b, then ŷ·s_y + μ_y, with W = [2, −1]ᵀ, b = 0.5, μ = (1, −1),
    /// s = (2, 4), μ_y = 10, s_y = 3.
    static let linearModel = ModelDocument(
        kind: .linear, inputCount: 2, outputCount: 1,
        layers: [.init(weights: [[2], [-1]], bias: [0.5])],
        standardization: .init(featureMeans: [1, -1], featureScales: [2, 4], targetMeans: [10], targetScales: [3]),
        featureNames: ["a", "b"], targetNames: ["y"], loss: "squared", createdBy: "test")

    static func linear(_ x: [Double]) -> Double {
        ((x[0] - 1) / 2 * 2 + (x[1] + 1) / 4 * -1 + 0.5) * 3 + 10
    }

    /// A 2→2→1 ReLU network: h = max(0, x·W₀ + b₀), ŷ = h·W₁ + b₁ (no standardisation).
    static let mlpModel = ModelDocument(
        kind: .mlp, inputCount: 2, outputCount: 1, hiddenSizes: [2], activation: "relu",
        layers: [.init(weights: [[1, -1], [2, 0.5]], bias: [0, 0.25]), .init(weights: [[3], [-2]], bias: [1])],
        loss: "squared", createdBy: "test")

    static func mlp(_ x: [Double]) -> Double {
        let h0 = max(0, x[0] * 1 + x[1] * 2 + 0), h1 = max(0, x[0] * -1 + x[1] * 0.5 + 0.25)
        return h0 * 3 + h1 * -2 + 1
    }

    static let inputs: [[Double]] = [[0, 0], [1, 2], [-3, 0.5], [2.5, -1], [0.1, -4]]

    func write(_ doc: ModelDocument, _ name: String, in dir: TempDirectory) throws {
        try doc.save(to: URL(fileURLWithPath: dir.path(name)))
    }

    func readPredictionsCSV(_ text: String) -> (header: String, values: [Double]) {
        let lines = text.split(separator: "\n")
        return (String(lines[0]), lines.dropFirst().compactMap { Double($0) })
    }

    @Test(arguments: ["double", "float"])
    func predictAppliesTheStoredStandardisation(dtype: String) throws {
        let dir = try TempDirectory()
        try write(Self.linearModel, "linear.json", in: dir)
        try write(Self.mlpModel, "mlp.json", in: dir)
        try dir.write("x.csv", Problems.featuresCSV(Self.inputs))
        let tolerance = dtype == "double" ? 1e-12 : 1e-5
        for (model, f) in [("linear.json", Self.linear), ("mlp.json", Self.mlp)] as [(String, ([Double]) -> Double)] {
            let r = try CLI.run(["predict", "--model", model, "--data", "x.csv", "--output", "p.csv", "--dtype", dtype], in: dir.url)
            #expect(r.status == 0, "\(r.stderr)")
            let (header, values) = readPredictionsCSV(try dir.read("p.csv"))
            #expect(header == (model == "linear.json" ? "y" : "prediction"))
            #expect(values.count == Self.inputs.count)
            for (v, x) in zip(values, Self.inputs) { #expect(abs(v - f(x)) <= tolerance * max(1, abs(f(x))), "\(model) at \(x)") }
        }
        // .npy output, and features read from a .npy file: the same numbers.
        try NPYFile.write(Matrix(Self.inputs), to: URL(fileURLWithPath: dir.path("x.npy")))
        let r = try CLI.run(["predict", "--model", "linear.json", "--data", "x.npy", "-o", "p.npy", "--dtype", dtype], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        let p = try NPYFile.read(URL(fileURLWithPath: dir.path("p.npy")), as: Double.self)
        #expect(p.rows == Self.inputs.count && p.cols == 1)
        for (i, x) in Self.inputs.enumerated() { #expect(abs(p[i, 0] - Self.linear(x)) <= tolerance * abs(Self.linear(x))) }
        // Without --output the CSV goes to stdout.
        let s = try CLI.run(["predict", "--model", "mlp.json", "--data", "x.csv"], in: dir.url)
        #expect(readPredictionsCSV(s.stdout).values.count == Self.inputs.count)
    }

    /// Loss ½·mean(ŷ − y)², RMSE and R² in the targets' own units, computed here from the equation.
    @Test func evaluateReportsLossAndMetrics() throws {
        let dir = try TempDirectory()
        try write(Self.linearModel, "linear.json", in: dir)
        let targets = [9.0, 14, 3, 20, 8]
        try dir.write("d.csv", Problems.csv(Self.inputs, targets, names: ["a", "b", "y"]))
        let json = try CLI.json(["evaluate", "--model", "linear.json", "--data", "d.csv", "--json"], in: dir.url)
        let residuals = zip(Self.inputs, targets).map { Self.linear($0) - $1 }
        let n = Double(targets.count)
        let sse = residuals.map { $0 * $0 }.reduce(0, +)
        let mean = targets.reduce(0, +) / n
        let sst = targets.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
        #expect(abs((json["loss"] as? Double ?? .nan) - 0.5 * sse / n) < 1e-10)
        #expect(abs((json["rmse"] as? Double ?? .nan) - (sse / n).squareRoot()) < 1e-10)
        #expect(abs((json["r2"] as? Double ?? .nan) - (1 - sse / sst)) < 1e-10)
        #expect(json["sampleCount"] as? Int == 5)
        let text = try CLI.run(["evaluate", "--model", "linear.json", "--data", "d.csv"], in: dir.url)
        #expect(text.status == 0 && text.stdout.contains("RMSE") && text.stdout.contains("R²"))
    }

    /// train → predict round trip with standardised features and targets: the predictions equal the
    /// trained model's equation applied by hand from the model file.
    @Test func trainThenPredictRoundTrip() throws {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 150, weights: [3, -1], bias: 20, noise: 0.2, seed: 9)
        try dir.write("d.csv", Problems.csv(x, y))
        try dir.write("x.csv", Problems.featuresCSV(Array(x.prefix(10))))
        #expect(try CLI.run(["train", "--data", "d.csv", "--standardize", "all", "--epochs", "5", "-o", "m.json", "-q"], in: dir.url).status == 0)
        #expect(try CLI.run(["predict", "--model", "m.json", "--data", "x.csv", "-o", "p.csv"], in: dir.url).status == 0)
        let doc = try ModelDocument.load(from: URL(fileURLWithPath: dir.path("m.json")))
        let s = try #require(doc.standardization)
        let values = readPredictionsCSV(try dir.read("p.csv")).values
        for (i, row) in x.prefix(10).enumerated() {
            var z = doc.layers[0].bias![0]
            for j in 0..<2 { z += (row[j] - s.featureMeans[j]) / s.featureScales[j] * doc.layers[0].weights[j][0] }
            let expected = z * s.targetScales![0] + s.targetMeans![0]
            #expect(abs(values[i] - expected) < 1e-9 * abs(expected))
        }
    }
}
