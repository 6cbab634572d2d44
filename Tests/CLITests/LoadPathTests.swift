import Foundation
import Testing
import Descent

/// What the CLI computes while it reads the data: the standardisation fitted from the moments taken
/// at load (the same bits as `Standardization(fitting:)`, for .npy and CSV alike), and non-finite
/// rows found in two .npy files.
@Suite struct LoadPathTests {
    /// 5 000 rows (many 64-row blocks), columns of very different location and scale.
    func data() -> Matrix<Double> {
        var g = SeededGenerator(seed: 17)
        return Matrix(rows: 5000, cols: 4) { _, j in
            let u = 2 * g.nextUnit() - 1
            return [1e3 * u + 5e4, 1e-2 * u + 3, u, 0.25 * u + Double(j)][j]
        }
    }

    @Test func standardisationFittedAtLoadEqualsFitting() throws {
        let dir = try TempDirectory()
        let m = data()
        let x = Matrix(rows: m.rows, cols: 3) { i, j in m[i, j] }, y = Matrix(rows: m.rows, cols: 1) { i, _ in m[i, 3] }
        try NPYFile.write(m, to: URL(fileURLWithPath: dir.path("all.npy")))
        try NPYFile.write(x, to: URL(fileURLWithPath: dir.path("x.npy")))
        try NPYFile.write(y, to: URL(fileURLWithPath: dir.path("y.npy")), asVector: true)
        // Shortest round-trip text: the CSV holds exactly the same doubles.
        try dir.write("all.csv", "a,b,c,t\n" + (0..<m.rows).map { i in (0..<4).map { "\(m[i, $0])" }.joined(separator: ",") }.joined(separator: "\n") + "\n")
        let fx = Standardization(fitting: x), fy = Standardization(fitting: y)
        for (n, data) in [["--data", "all.npy"], ["--data", "x.npy", "--targets", "y.npy"], ["--data", "all.csv"]].enumerated() {
            let out = "m\(n).json"
            let r = try CLI.run(["train"] + data + ["--standardize", "all", "--epochs", "1", "--output", out, "--quiet"], in: dir.url)
            #expect(r.status == 0, "\(data): \(r.stderr)")
            let s = try #require(try ModelDocument.load(from: URL(fileURLWithPath: dir.path(out))).standardization)
            #expect(s.featureMeans == fx.means && s.featureScales == fx.scales, "\(data)")
            #expect(s.targetMeans == fy.means && s.targetScales == fy.scales, "\(data)")
        }
        // With a split, the training part's own statistics (fitted after the split).
        let r = try CLI.run(["train", "--data", "all.npy", "--standardize", "features", "--validation-split", "0.2", "--seed", "5",
                             "--epochs", "1", "--output", "split.json", "--quiet"], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        let (train, _) = try Dataset<Double>.splitIndices(sampleCount: m.rows, validationFraction: 0.2, seed: 5)
        let trainX = Matrix(rows: train.count, cols: 3) { i, j in m[train[i], j] }
        let s = try #require(try ModelDocument.load(from: URL(fileURLWithPath: dir.path("split.json"))).standardization)
        #expect(s.featureMeans == Standardization(fitting: trainX).means && s.targetMeans == nil)
    }

    /// Features and targets in two .npy files: the first non-finite value in row order is reported
    /// (here a target, in an earlier row than the bad feature), and --drop-nonfinite drops every row
    /// that holds one in either file.
    @Test func nonFiniteRowsAcrossTwoFiles() throws {
        let dir = try TempDirectory()
        var x = Matrix<Double>(rows: 300, cols: 2) { i, j in Double(i + j) }
        var y = Matrix<Double>(rows: 300, cols: 1) { i, _ in Double(i) }
        x[200, 1] = .nan; x[250, 0] = .infinity
        y[120, 0] = -.infinity; y[200, 0] = .nan
        try NPYFile.write(x, to: URL(fileURLWithPath: dir.path("x.npy")))
        try NPYFile.write(y, to: URL(fileURLWithPath: dir.path("y.npy")))
        let e = try CLI.run(["train", "--data", "x.npy", "--targets", "y.npy", "--epochs", "1", "-o", "m.json"], in: dir.url)
        #expect(e.status != 0 && e.stderr.contains("row 120 (0-based), target column 0 is -inf; values must be finite"), "\(e.stderr)")
        let ok = try CLI.run(["train", "--data", "x.npy", "--targets", "y.npy", "--drop-nonfinite", "--epochs", "1", "-o", "m.json"], in: dir.url)
        #expect(ok.status == 0 && ok.stdout.contains("297 samples") && ok.stdout.contains("3 rows with NaN/Inf dropped"), "\(ok.stdout)\(ok.stderr)")
    }
}
