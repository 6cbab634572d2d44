import Foundation
import Testing
import Descent

/// `descent predict --proba/--classes` and the classification metrics of `descent evaluate`, on
/// hand-written model files, against the logits worked out here (z = x·W + b), σ and softmax in
/// closed form, and the .npy header bytes numpy's format gives such arrays.
@Suite struct PredictClassesTests {
    /// z = 1·a − 2·b + 0.5, labels −1 (negative) and 3 (positive).
    static let logistic = ModelDocument(kind: .linear, inputCount: 2, outputCount: 1,
                                        layers: [.init(weights: [[1], [-2]], bias: [0.5])],
                                        featureNames: ["a", "b"], targetNames: ["label"], classLabels: [-1, 3],
                                        loss: "logistic", createdBy: "test")
    /// z = (a, b, a + b − 1), no class labels (the classes are 0, 1, 2).
    static let softmax = ModelDocument(kind: .linear, inputCount: 2, outputCount: 3,
                                       layers: [.init(weights: [[1, 0, 1], [0, 1, 1]], bias: [0, 0, -1])],
                                       loss: "softmax-cross-entropy", createdBy: "test")
    static let inputs: [[Double]] = [[0, 0], [1, 2], [-3, 0.5], [1000, 0], [0, 1000]]

    static func z(_ x: [Double]) -> Double { x[0] - 2 * x[1] + 0.5 }
    static func sigma(_ z: Double) -> Double { z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z)) }

    func setUp() throws -> TempDirectory {
        let dir = try TempDirectory()
        try Self.logistic.save(to: URL(fileURLWithPath: dir.path("logistic.json")))
        try Self.softmax.save(to: URL(fileURLWithPath: dir.path("softmax.json")))
        try PredictEvaluateTests.mlpModel.save(to: URL(fileURLWithPath: dir.path("regression.json")))
        try dir.write("x.csv", Problems.featuresCSV(Self.inputs))
        return dir
    }

    func rows(_ text: String) -> (header: String, values: [[Double]]) {
        let lines = text.split(separator: "\n")
        return (String(lines[0]), lines.dropFirst().map { $0.split(separator: ",").map { Double($0)! } })
    }

    /// The .npy header dictionary (after the 10-byte prefix of version 1.0).
    func npyHeader(_ data: Data) -> String {
        let length = Int(data[8]) | Int(data[9]) << 8
        return String(decoding: data[10..<(10 + length)], as: UTF8.self)
    }

    @Test(arguments: ["double", "float"]) func logisticProbabilitiesAndClasses(dtype: String) throws {
        let dir = try setUp()
        let tol = dtype == "double" ? 1e-12 : 1e-6
        let p = try CLI.run(["predict", "--model", "logistic.json", "--data", "x.csv", "--proba", "-o", "p.csv", "--dtype", dtype], in: dir.url)
        #expect(p.status == 0, "\(p.stderr)")
        let (header, values) = rows(try dir.read("p.csv"))
        #expect(header == "P(-1),P(3)")
        for (v, x) in zip(values, Self.inputs) {
            let s = Self.sigma(Self.z(x))
            #expect(v.count == 2 && abs(v[1] - s) <= tol && abs(v[0] - (1 - s)) <= tol && v.allSatisfy(\.isFinite), "\(x): \(v)")
        }
        let c = try CLI.run(["predict", "--model", "logistic.json", "--data", "x.csv", "--classes", "-o", "c.csv", "--dtype", dtype], in: dir.url)
        #expect(c.status == 0, "\(c.stderr)")
        let classes = try dir.read("c.csv").split(separator: "\n")
        #expect(classes == ["label"] + Self.inputs.map { Self.z($0) > 0 ? "3" : "-1" })
        // .npy: int64 vector of the labels.
        let n = try CLI.run(["predict", "--model", "logistic.json", "--data", "x.csv", "--classes", "-o", "c.npy", "--dtype", dtype], in: dir.url)
        #expect(n.status == 0, "\(n.stderr)")
        let bytes = try dir.bytes("c.npy")
        #expect(npyHeader(bytes).hasPrefix("{'descr': '<i8', 'fortran_order': False, 'shape': (5,), }"), "\(npyHeader(bytes))")
        let payload = bytes.suffix(5 * 8)
        let ints = (0..<5).map { i in payload.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self) } }
        #expect(ints == Self.inputs.map { Self.z($0) > 0 ? 3 : -1 })
    }

    @Test func softmaxProbabilitiesAndClasses() throws {
        let dir = try setUp()
        let r = try CLI.run(["predict", "--model", "softmax.json", "--data", "x.csv", "--proba", "-o", "p.csv"], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        let (header, values) = rows(try dir.read("p.csv"))
        #expect(header == "P(0),P(1),P(2)")
        for (v, x) in zip(values, Self.inputs) {
            let z = [x[0], x[1], x[0] + x[1] - 1], m = z.max()!
            let e = z.map { exp($0 - m) }, s = e.reduce(0, +)
            for j in 0..<3 { #expect(abs(v[j] - e[j] / s) <= 1e-12, "\(x)") }
        }
        let c = try CLI.run(["predict", "--model", "softmax.json", "--data", "x.csv", "--classes", "-o", "c.npy"], in: dir.url)
        #expect(c.status == 0, "\(c.stderr)")
        let bytes = try dir.bytes("c.npy")
        #expect(npyHeader(bytes).contains("'descr': '<i8'") && npyHeader(bytes).contains("'shape': (5,)"))
        // z = (0,0,−1) → 0 (first arg-max of a tie); (1,2,2) → 1 (tie, first); (−3,0.5,−3.5) → 1; (1000,0,999) → 0; (0,1000,999) → 1.
        let tail = bytes.suffix(40)
        let ints = (0..<5).map { i in tail.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self) } }
        #expect(ints == [0, 1, 1, 0, 1])
        // Probabilities as .npy: (5, 3) in the precision.
        let f = try CLI.run(["predict", "--model", "softmax.json", "--data", "x.csv", "--proba", "-o", "p.npy", "--dtype", "float"], in: dir.url)
        let floatHeader = npyHeader(try dir.bytes("p.npy"))
        #expect(f.status == 0 && floatHeader.contains("'descr': '<f4'") && floatHeader.contains("(5, 3)"))
    }

    @Test func regressionModelsHaveNoClasses() throws {
        let dir = try setUp()
        for flag in ["--proba", "--classes"] {
            let r = try CLI.run(["predict", "--model", "regression.json", "--data", "x.csv", flag], in: dir.url)
            #expect(r.status != 0 && r.stderr.contains("regression.json") && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
        // One output as .npy is a vector (n,), like scikit-learn's predict.
        let r = try CLI.run(["predict", "--model", "regression.json", "--data", "x.csv", "-o", "p.npy"], in: dir.url)
        let vectorHeader = npyHeader(try dir.bytes("p.npy"))
        #expect(r.status == 0 && vectorHeader.contains("'shape': (5,)"))
        let p = try NPYFile.read(URL(fileURLWithPath: dir.path("p.npy")), as: Double.self)
        for (i, x) in Self.inputs.enumerated() { #expect(abs(p[i, 0] - PredictEvaluateTests.mlp(x)) <= 1e-9 * max(1, abs(PredictEvaluateTests.mlp(x)))) }
    }

    /// evaluate on the logistic model (classes −1, 3) with label targets [3, 3, −1, −1, −1], i.e. 0/1
    /// targets [1, 1, 0, 0, 0] after the model's classes encode them: the confusion matrix and ROC-AUC worked out
    /// here. z = [0.5, −2.5, −3.5, 1000.5, −1999.5]; classes [1, 0, 0, 1, 0]; targets [1, 1, 0, 0, 0]
    /// ⇒ C = [[2, 1], [1, 1]]; positives' scores {0.5, −2.5} vs negatives' {−3.5, 1000.5, −1999.5}:
    /// 0.5 beats 2, −2.5 beats 2 ⇒ AUC = 4/6.
    @Test func evaluateReportsClassificationMetrics() throws {
        let dir = try setUp()
        try dir.write("d.csv", Problems.csv(Self.inputs, [3, 3, -1, -1, -1], names: ["a", "b", "label"]))
        let json = try CLI.json(["evaluate", "--model", "logistic.json", "--data", "d.csv", "--json"], in: dir.url)
        #expect(json["confusionMatrix"] as? [[Double]] == [[2, 1], [1, 1]])
        #expect(abs((json["rocAUC"] as! Double) - 4.0 / 6) <= 1e-12 && json["accuracy"] as? Double == 0.6)
        #expect(json["precision"] as? [Double] == [2.0 / 3, 0.5] && json["recall"] as? [Double] == [2.0 / 3, 0.5])
        #expect(json["logLoss"] is Double && json["rmse"] == nil)
        let text = try CLI.run(["evaluate", "--model", "logistic.json", "--data", "d.csv"], in: dir.url)
        #expect(text.status == 0 && text.stdout.contains("ROC-AUC:") && text.stdout.contains("confusion matrix"), "\(text.stdout)")
        #expect(text.stdout.contains("-1  ") && text.stdout.contains("support"))
    }
}
