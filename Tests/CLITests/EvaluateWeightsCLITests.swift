import Foundation
import Testing
import Descent
import _TestSupport

/// `descent evaluate --sample-weight`: fixed linear models (written with `ModelFile`) evaluated on
/// the data of scripts/reference/weighted_evaluation_sklearn.py give scikit-learn's metric
/// functions with `sample_weight` (`WeightedEvaluationSklearnReference`), for a regression model and a
/// logistic model whose classes are the labels -1 and 3; without the file, the unweighted values.
/// A bad weight file is a one-line error and a non-zero exit.
@Suite struct EvaluateWeightsCLITests {
    typealias R = WeightedEvaluationSklearnReference

    static func csv(_ x: [[Double]], _ y: [Double]) -> String {
        let header: [String] = (0..<x[0].count).map { (j: Int) -> String in "x\(j)" } + ["y"]
        let rows: [String] = zip(x, y).map { (r: [Double], t: Double) -> String in (r.map { "\($0)" } + ["\(t)"]).joined(separator: ",") }
        return ([header.joined(separator: ",")] + rows).joined(separator: "\n") + "\n"
    }

    static func column(_ w: [Double]) -> String { w.map { "\($0)" }.joined(separator: "\n") + "\n" }

    static func close(_ a: Any?, _ b: Double, _ tol: Double) -> Bool {
        guard let a = a as? Double else { return false }
        return abs(a - b) <= tol * max(1, abs(b))
    }

    static func close(_ a: Any?, _ b: [Double], _ tol: Double) -> Bool {
        guard let a = a as? [Double], a.count == b.count else { return false }
        return zip(a, b).allSatisfy { abs($0 - $1) <= tol * max(1, abs($1)) }
    }

    @Test(arguments: ["double", "float"]) func regression(dtype: String) throws {
        let dir = try TempDirectory()
        let tol = dtype == "float" ? 2e-5 : 1e-12
        try dir.write("d.csv", Self.csv(R.regressionX, R.regressionTargets))
        try dir.write("w.csv", Self.column(R.regressionWeights))
        try ModelFile.write(SavedModel(shape: .linear(inputs: 3, outputs: 1, intercept: true), parameters: R.regressionParameters,
                                       loss: .squaredError), to: dir.url.appendingPathComponent("m.json"))
        let base = ["evaluate", "--model", "m.json", "--data", "d.csv", "--json", "--dtype", dtype]
        typealias Row = (flags: [String], mse: Double, mae: Double, rmse: Double, r2: Double, ev: Double)
        let weighted: Row = (["--sample-weight", "w.csv"], R.regressionWeightedMSE, R.regressionWeightedMAE, R.regressionWeightedRMSE,
                             R.regressionWeightedR2, R.regressionWeightedExplainedVariance)
        let unweighted: Row = ([], R.regressionUnweightedMSE, R.regressionUnweightedMAE, R.regressionUnweightedRMSE,
                               R.regressionUnweightedR2, R.regressionUnweightedExplainedVariance)
        for (flags, mse, mae, rmse, r2, ev) in [weighted, unweighted] {
            let e = try CLI.json(base + flags, in: dir.url)
            // The squared-error loss is ½·r², so its weighted mean is ½·MSE.
            #expect(Self.close(e["loss"], mse / 2, tol) && Self.close(e["mae"], mae, tol) && Self.close(e["rmse"], rmse, tol), "\(flags): \(e)")
            #expect(Self.close(e["r2"], r2, tol) && Self.close(e["explainedVariance"], ev, tol), "\(flags): \(e)")
            #expect(e["sampleCount"] as? Int == R.regressionX.count)
        }
        let textArgs: [String] = Array(base.dropLast(3)) + ["--sample-weight", "w.csv"]
        let text = try CLI.run(textArgs, in: dir.url)
        #expect(text.status == 0 && text.stdout.contains("sample weights:") && text.stdout.contains("w.csv"), "\(text.stdout)\(text.stderr)")
    }

    /// Labels -1 and 3 (the model's classes): every classification metric, weighted.
    @Test(arguments: ["double", "float"]) func logisticWithLabelValues(dtype: String) throws {
        let dir = try TempDirectory()
        let tol = dtype == "float" ? 2e-5 : 1e-12
        try dir.write("d.csv", Self.csv(R.binaryX, R.binaryLabelValues))
        try dir.write("w.csv", Self.column(R.binaryWeights))
        try ModelFile.write(SavedModel(shape: .linear(inputs: 2, outputs: 1, intercept: true), parameters: R.binaryParameters,
                                       loss: .binaryLogistic, classLabels: [-1, 3]), to: dir.url.appendingPathComponent("m.json"))
        let e = try CLI.json(["evaluate", "--model", "m.json", "--data", "d.csv", "--json", "--dtype", dtype, "--sample-weight", "w.csv"],
                             in: dir.url)
        #expect(Self.close(e["loss"], R.binaryWeightedLogLoss, tol) && Self.close(e["logLoss"], R.binaryWeightedLogLoss, tol), "\(e)")
        #expect(Self.close(e["accuracy"], R.binaryWeightedAccuracy, tol) && Self.close(e["rocAUC"], R.binaryWeightedROCAUC, tol), "\(e)")
        #expect(Self.close(e["precision"], R.binaryWeightedPrecision, tol) && Self.close(e["recall"], R.binaryWeightedRecall, tol), "\(e)")
        #expect(Self.close(e["f1"], R.binaryWeightedF1, tol) && Self.close(e["support"], R.binaryWeightedSupport, tol), "\(e)")
        let matrix = try #require(e["confusionMatrix"] as? [[Double]])
        #expect(Self.close(matrix.flatMap { $0 }, R.binaryWeightedConfusion.flatMap { $0 }, tol), "\(matrix)")
        let plain = try CLI.json(["evaluate", "--model", "m.json", "--data", "d.csv", "--json", "--dtype", dtype], in: dir.url)
        #expect(Self.close(plain["accuracy"], R.binaryUnweightedAccuracy, tol) && Self.close(plain["rocAUC"], R.binaryUnweightedROCAUC, tol))
    }

    @Test func badWeightFilesAreOneLineErrors() throws {
        let dir = try TempDirectory()
        try dir.write("d.csv", Self.csv(R.regressionX, R.regressionTargets))
        try ModelFile.write(SavedModel(shape: .linear(inputs: 3, outputs: 1, intercept: true), parameters: R.regressionParameters,
                                       loss: .squaredError), to: dir.url.appendingPathComponent("m.json"))
        let n = R.regressionX.count
        try dir.write("short.csv", "1\n2\n")
        try dir.write("neg.csv", Self.column((0..<n).map { $0 == 5 ? -1 : 1 }))
        try dir.write("zero.csv", Self.column([Double](repeating: 0, count: n)))
        var withNaN: [String] = Self.csv(R.regressionX, R.regressionTargets).split(separator: "\n").map(String.init)
        let rest: [Substring] = Array(withNaN[3].split(separator: ",").dropFirst())
        withNaN[3] = "nan," + rest.joined(separator: ",")
        try dir.write("dirty.csv", withNaN.joined(separator: "\n") + "\n")
        try dir.write("w.csv", Self.column(R.regressionWeights))
        let cases: [([String], String)] = [
            (["--data", "d.csv", "--sample-weight", "short.csv"], "error: short.csv: has 2 sample weights but the data has \(n) rows"),
            (["--data", "d.csv", "--sample-weight", "neg.csv"], "error: neg.csv: row 5 (0-based): the sample weight is -1.0"),
            (["--data", "d.csv", "--sample-weight", "zero.csv"], "error: zero.csv: every sample weight is 0"),
            (["--data", "d.csv", "--sample-weight", "missing.csv"], "error: missing.csv"),
            (["--data", "dirty.csv", "--drop-nonfinite", "--sample-weight", "w.csv"], "error: w.csv: 1 data row was dropped (NaN/Inf or empty cells); weights in a separate file cannot follow them"),
        ]
        for (flags, prefix) in cases {
            let r = try CLI.run(["evaluate", "--model", "m.json"] + flags, in: dir.url)
            #expect(r.status != 0 && r.stderr.hasPrefix(prefix), "\(flags): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(flags): \(r.stderr)")
        }
    }
}
