import Foundation
import Testing
import Descent

/// Empty CSV cells (missing values) and pandas' row-index column through the built executable,
/// against scikit-learn on pandas' own files (`MissingValuesSklearnReference`, made by
/// `scripts/reference/missing_values_sklearn.py`): `--fill-missing mean|zero` must store
/// `SimpleImputer`'s statistics, train to the `SimpleImputer` + `SGDRegressor` pipeline's weights,
/// and make `predict` fill new rows with the training statistics as the pipeline does. pandas'
/// index column (and the second one a read-back-and-saved frame gets) is left out of the features.
@Suite struct MissingValuesCLITests {
    typealias Ref = MissingValuesSklearnReference

    func problem() throws -> TempDirectory {
        let dir = try TempDirectory()
        try dir.write("train.csv", Ref.trainCSV)
        try dir.write("resaved.csv", Ref.resavedCSV)
        try dir.write("test.csv", Ref.testCSV)
        return dir
    }

    func base(_ data: String = "train.csv", dtype: String = "double") -> [String] {
        ["train", "--data", data, "--target", "y", "--batch-size", "1", "--shuffle", "none", "--lr", "\(Ref.eta0)",
         "--epochs", "\(Ref.epochs)", "--dtype", dtype, "--quiet"]
    }

    func model(_ dir: TempDirectory, _ name: String) throws -> ModelDocument {
        try ModelDocument.load(from: URL(fileURLWithPath: dir.path(name)))
    }

    func close(_ a: [Double], _ b: [Double], _ tolerance: Double) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * Swift.max(abs($1), 1) }
    }

    @Test(arguments: [("mean", "double", 1e-12), ("zero", "double", 1e-12), ("mean", "float", 2e-5)])
    func fillMatchesSimpleImputerPipeline(strategy: String, dtype: String, tolerance: Double) throws {
        let dir = try problem()
        let r = try CLI.run(base(dtype: dtype) + ["--fill-missing", strategy, "-o", "m.json"], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        let cells = Ref.missingPerColumn.reduce(0, +)
        #expect(r.stderr.contains("\(cells) empty cells in 3 columns filled with"), "\(r.stderr)")
        #expect(r.stderr.contains("column 0 has no name (pandas' row index) and is not a feature"), "\(r.stderr)")
        let doc = try model(dir, "m.json")
        let (statistics, coef, intercept, predictions) = strategy == "mean"
            ? (Ref.meanStatistics, Ref.meanCoef, Ref.meanIntercept, Ref.meanTestPredictions)
            : (Ref.zeroStatistics, Ref.zeroCoef, Ref.zeroIntercept, Ref.zeroTestPredictions)
        #expect(doc.featureNames == ["a", "b", "c"] && doc.missingValues?.strategy == strategy)
        #expect(close(doc.missingValues?.values ?? [], statistics, dtype == "float" ? 1e-7 : 1e-15),
                "\(doc.missingValues?.values ?? []) vs SimpleImputer \(statistics)")
        let mine = doc.layers[0].weights.map { $0[0] } + [doc.layers[0].bias?[0] ?? .nan]
        #expect(close(mine, coef + [intercept], tolerance), "\(mine) vs sklearn \(coef + [intercept])")

        // predict fills the test rows' empty cells with the training statistics.
        let p = try CLI.run(["predict", "--model", "m.json", "--data", "test.csv", "-o", "p.csv", "--dtype", dtype], in: dir.url)
        #expect(p.status == 0, "\(p.stderr)")
        let predicted = try dir.read("p.csv").split(separator: "\n").dropFirst().map { Double($0)! }
        #expect(close(predicted, predictions, tolerance), "\(predicted) vs sklearn \(predictions)")
    }

    @Test func resavedFrameTrainsTheSameModel() throws {
        let dir = try problem()
        #expect(try CLI.run(base() + ["--fill-missing", "mean", "-o", "a.json"], in: dir.url).status == 0)
        let r = try CLI.run(base("resaved.csv") + ["--fill-missing", "mean", "-o", "b.json"], in: dir.url)
        #expect(r.status == 0 && r.stderr.contains("columns 0–1 are unnamed (pandas' row index) and are not features"), "\(r.stderr)")
        let (a, b) = (try model(dir, "a.json"), try model(dir, "b.json"))
        #expect(a.layers == b.layers && a.missingValues == b.missingValues && b.featureNames == ["a", "b", "c"])
    }

    @Test func keepIndexColumnMakesItAFeature() throws {
        let dir = try problem()
        let r = try CLI.run(base() + ["--fill-missing", "zero", "--keep-index-column", "--standardize", "features", "-o", "k.json"], in: dir.url)
        #expect(r.status == 0 && !r.stderr.contains("pandas"), "\(r.stderr)")
        let doc = try model(dir, "k.json")
        #expect(doc.inputCount == 4 && doc.featureNames == ["", "a", "b", "c"])
        // Choosing it by index keeps it too, without the flag.
        let s = try CLI.run(base() + ["--fill-missing", "zero", "--features", "0,a,b,c", "--standardize", "features", "-o", "s.json"], in: dir.url)
        #expect(s.status == 0 && !s.stderr.contains("pandas"), "\(s.stderr)")
        #expect(try model(dir, "s.json").layers == doc.layers)
    }

    @Test func emptyCellIsAnErrorNamingLineColumnAndFlags() throws {
        let dir = try problem()
        let r = try CLI.run(base() + ["-o", "m.json"], in: dir.url)
        // Row 1 (line 3) has no b: field 3 of the line (the index column is field 1).
        #expect(r.status != 0 && !dir.exists("m.json"))
        #expect(r.stderr == "error: train.csv:3:3: empty cell in column \"b\" (a missing value) [--drop-missing drops such rows; train --fill-missing mean|zero fills feature cells]\n",
                "\(r.stderr)")
    }

    @Test func dropMissingTrainsOnTheCompleteRows() throws {
        let dir = try problem()
        // The complete rows, without the index column, in the same order.
        let lines = Ref.trainCSV.split(separator: "\n").map(String.init)
        let complete = lines.dropFirst().filter { !$0.contains(",,") && !$0.hasSuffix(",") }
            .map { $0.split(separator: ",", maxSplits: 1)[1] }
        try dir.write("complete.csv", "a,b,c,y\n" + complete.joined(separator: "\n") + "\n")
        let dropped = lines.count - 1 - complete.count
        var args = base() + ["--drop-missing", "-o", "d.json"]
        args.removeAll { $0 == "--quiet" }
        let r = try CLI.run(args, in: dir.url)
        #expect(r.status == 0 && r.stdout.contains("\(complete.count) samples") && r.stdout.contains("(\(dropped) rows with an empty cell dropped)"),
                "\(r.stdout)\(r.stderr)")
        #expect(try CLI.run(base("complete.csv") + ["-o", "c.json"], in: dir.url).status == 0)
        #expect(try model(dir, "d.json").layers == model(dir, "c.json").layers)
        #expect(try model(dir, "d.json").missingValues == nil)
    }

    @Test func errors() throws {
        let dir = try problem()
        // A missing target cannot be filled.
        try dir.write("t.csv", "a,y\n1,2\n2,\n3,4\n")
        let t = try CLI.run(["train", "--data", "t.csv", "--fill-missing", "mean", "-o", "t.json"], in: dir.url)
        #expect(t.status != 0 && t.stderr == "error: t.csv:3:2: empty cell in target column \"y\": a missing target cannot be filled (drop such rows instead)\n", "\(t.stderr)")
        let both = try CLI.run(base() + ["--fill-missing", "mean", "--drop-missing"], in: dir.url)
        #expect(both.status != 0 && both.stderr.contains("--drop-missing and --fill-missing: choose one"), "\(both.stderr)")
        try NPYFile.write(Matrix<Double>([[1, 2], [2, 3], [3, 5]]), to: URL(fileURLWithPath: dir.path("d.npy")))
        let npy = try CLI.run(["train", "--data", "d.npy", "--fill-missing", "mean"], in: dir.url)
        #expect(npy.status != 0 && npy.stderr.contains("a .npy file has none") && npy.stderr.split(separator: "\n").count == 1, "\(npy.stderr)")

        // A model trained without a fill cannot predict on rows with empty cells; --fill-missing is a training option.
        #expect(try CLI.run(base() + ["--drop-missing", "-o", "d.json"], in: dir.url).status == 0)
        let p = try CLI.run(["predict", "--model", "d.json", "--data", "test.csv"], in: dir.url)
        #expect(p.status != 0 && p.stderr.hasPrefix("error: test.csv:") && p.stderr.contains("empty cell in column") && p.stderr.split(separator: "\n").count == 1,
                "\(p.stderr)")
        let f = try CLI.run(["predict", "--model", "d.json", "--data", "test.csv", "--fill-missing", "mean"], in: dir.url)
        #expect(f.status != 0 && f.stderr.contains("--fill-missing is a training option"), "\(f.stderr)")
    }
}
