import Foundation
import Testing
import Descent

/// `--sample-weight column:NAME`: the weights are a column of the CSV data file. Checked against
/// the weights-file form (itself checked against scikit-learn in `SampleWeightSklearnTests` and
/// `EvaluateWeightsCLITests`): the same model and the same weighted metrics; the column is neither
/// a feature nor a target; it follows the rows `--drop-missing` drops, which a separate file cannot.
@Suite struct SampleWeightColumnCLITests {
    static let base = ["train", "--epochs", "3", "--batch-size", "1", "--shuffle", "none", "--lr", "0.02", "--quiet"]
    static let (x, y) = Problems.linear(n: 50, weights: [1, -2, 0.5], bias: 0.3, noise: 0.2, seed: 909)
    static let w: [Double] = (0..<50).map { 0.25 + Double(($0 * 7) % 5) / 2 }

    func model(_ dir: TempDirectory, _ name: String) throws -> ModelDocument {
        try ModelDocument.load(from: URL(fileURLWithPath: dir.path(name)))
    }

    /// f0,f1,w,f2,target: the weight column among the features.
    static func withColumn(_ rows: Range<Int> = 0..<50, emptyAt: Int? = nil) -> String {
        "f0,f1,w,f2,target\n" + rows.map { i in
            let f = x[i].map { "\($0)" }
            return [f[0], i == emptyAt ? "" : f[1], "\(w[i])", f[2], "\(y[i])"].joined(separator: ",")
        }.joined(separator: "\n") + "\n"
    }

    @Test func columnTrainsAndEvaluatesAsTheFile() throws {
        let dir = try TempDirectory()
        try dir.write("col.csv", Self.withColumn())
        try dir.write("plain.csv", Problems.csv(Self.x, Self.y))
        try dir.write("w.csv", Self.w.map { "\($0)" }.joined(separator: "\n") + "\n")
        let a = try CLI.run(Self.base + ["--data", "col.csv", "--sample-weight", "column:w", "-o", "a.json"], in: dir.url)
        let b = try CLI.run(Self.base + ["--data", "plain.csv", "--sample-weight", "w.csv", "-o", "b.json"], in: dir.url)
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        let (ma, mb) = (try model(dir, "a.json"), try model(dir, "b.json"))
        #expect(ma.layers == mb.layers && ma.featureNames == ["f0", "f1", "f2"] && ma.inputCount == 3)
        #expect(ma.training["sampleWeights"]?.hasPrefix("column:w") == true, "\(ma.training)")
        // By index (column 2) too; and evaluate weighs its metrics with the column as with the file.
        let c = try CLI.run(Self.base + ["--data", "col.csv", "--sample-weight", "column:2", "-o", "c.json"], in: dir.url)
        #expect(c.status == 0, "\(c.stderr)")
        #expect(try model(dir, "c.json").layers == ma.layers)
        let e1 = try CLI.run(["evaluate", "--model", "b.json", "--data", "col.csv", "--sample-weight", "column:w", "--json"], in: dir.url)
        let e2 = try CLI.run(["evaluate", "--model", "b.json", "--data", "plain.csv", "--sample-weight", "w.csv", "--json"], in: dir.url)
        let e3 = try CLI.run(["evaluate", "--model", "b.json", "--data", "plain.csv", "--json"], in: dir.url)
        #expect(e1.status == 0 && e2.status == 0, "\(e1.stderr) \(e2.stderr)")
        func loss(_ r: CLI.Result) -> Double? {
            (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])?["loss"] as? Double
        }
        #expect(loss(e1) != nil && loss(e1) == loss(e2) && loss(e1) != loss(e3), "\(e1.stdout) \(e2.stdout) \(e3.stdout)")
    }

    @Test func columnFollowsDroppedRows() throws {
        let dir = try TempDirectory()
        try dir.write("holes.csv", Self.withColumn(emptyAt: 7))
        try dir.write("kept.csv", Self.withColumn(0..<7) + Self.withColumn(8..<50).split(separator: "\n", maxSplits: 1)[1])
        let a = try CLI.run(Self.base + ["--data", "holes.csv", "--sample-weight", "column:w", "--drop-missing", "-o", "a.json"], in: dir.url)
        let b = try CLI.run(Self.base + ["--data", "kept.csv", "--sample-weight", "column:w", "-o", "b.json"], in: dir.url)
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        #expect(try model(dir, "a.json").layers == model(dir, "b.json").layers)
        // A weights file cannot follow dropped rows: the error says what to do instead.
        try dir.write("w.csv", Self.w.map { "\($0)" }.joined(separator: "\n") + "\n")
        let f = try CLI.run(Self.base + ["--data", "holes.csv", "--ignore", "w", "--sample-weight", "w.csv", "--drop-missing", "-o", "f.json"], in: dir.url)
        #expect(f.status != 0 && f.stderr.contains("put them in a column of the data (--sample-weight column:NAME)") && !dir.exists("f.json"), "\(f.stderr)")
    }

    @Test func columnErrors() throws {
        let dir = try TempDirectory()
        try dir.write("col.csv", Self.withColumn())
        let none = try CLI.run(Self.base + ["--data", "col.csv", "--sample-weight", "column:v"], in: dir.url)
        #expect(none.status != 0 && none.stderr.contains("no sample-weight column named \"v\""), "\(none.stderr)")
        let target = try CLI.run(Self.base + ["--data", "col.csv", "--sample-weight", "column:target"], in: dir.url)
        #expect(target.status != 0 && target.stderr.contains("chosen both as the sample-weight column and as a target"), "\(target.stderr)")
        let empty = try CLI.run(Self.base + ["--data", "col.csv", "--sample-weight", "column:"], in: dir.url)
        #expect(empty.status != 0 && empty.stderr.contains("the column name or index is missing"), "\(empty.stderr)")
        try dir.write("neg.csv", Self.withColumn().replacingOccurrences(of: ",\(Self.w[3]),", with: ",-1,"))
        let negative = try CLI.run(Self.base + ["--data", "neg.csv", "--sample-weight", "column:w"], in: dir.url)
        #expect(negative.status != 0 && negative.stderr.contains("of column \"w\": the sample weight is -1.0"), "\(negative.stderr)")
        try NPYFile.write(Matrix<Double>([[1, 2, 1], [2, 3, 1], [3, 5, 1]]), to: URL(fileURLWithPath: dir.path("d.npy")))
        let npy = try CLI.run(Self.base + ["--data", "d.npy", "--sample-weight", "column:1"], in: dir.url)
        #expect(npy.status != 0 && npy.stderr.contains("needs CSV data"), "\(npy.stderr)")
        for r in [none, target, empty, negative, npy] { #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)") }
    }
}
