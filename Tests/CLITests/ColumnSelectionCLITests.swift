import Foundation
import Testing
import Descent

/// `--features` / `--ignore` on `train`, and `predict`/`evaluate` choosing a CSV file's columns by
/// the model's feature names. The truth: a model trained on the chosen columns of one file predicts
/// exactly as the same model on a file holding only those columns.
@Suite struct ColumnSelectionCLITests {
    static func rows() -> (x: [[Double]], y: [Double]) {
        Problems.linear(n: 40, weights: [1.5, -0.5], bias: 0.25, noise: 0.05, seed: 715)
    }

    /// id (text), a, noise, b, y.
    static func wideCSV(_ x: [[Double]], _ y: [Double]) -> String {
        var s = "id,a,noise,b,y\n"
        for (i, (r, t)) in zip(x, y).enumerated() { s += "r\(i),\(r[0]),\(Double(i) * 0.37),\(r[1]),\(t)\n" }
        return s
    }

    @Test func trainWithIgnoreMatchesTheNarrowFileAndPredictSelectsByName() throws {
        let dir = try TempDirectory()
        let (x, y) = Self.rows()
        try dir.write("wide.csv", Self.wideCSV(x, y))
        try dir.write("narrow.csv", Problems.csv(x, y, names: ["a", "b", "y"]))
        let common = ["--epochs", "3", "--batch-size", "8", "--lr", "0.05", "--seed", "9"]
        let w = try CLI.run(["train", "--data", "wide.csv", "--ignore", "id,noise", "-o", "w.json"] + common, in: dir.url)
        #expect(w.status == 0, "\(w.stderr)")
        let f = try CLI.run(["train", "--data", "wide.csv", "--features", "a", "--features", "3", "-o", "f.json"] + common, in: dir.url)
        #expect(f.status == 0, "\(f.stderr)")
        let n = try CLI.run(["train", "--data", "narrow.csv", "-o", "n.json"] + common, in: dir.url)
        #expect(n.status == 0, "\(n.stderr)")
        let wide = try ModelDocument.load(from: URL(fileURLWithPath: dir.path("w.json")))
        let narrow = try ModelDocument.load(from: URL(fileURLWithPath: dir.path("n.json")))
        #expect(wide.featureNames == ["a", "b"])
        #expect(wide.layers.map(\.weights) == narrow.layers.map(\.weights) && wide.layers.map(\.bias) == narrow.layers.map(\.bias))
        let byFeatures = try ModelDocument.load(from: URL(fileURLWithPath: dir.path("f.json")))
        #expect(byFeatures.featureNames == ["a", "b"] && byFeatures.layers.map(\.weights) == wide.layers.map(\.weights))

        // predict on the wide file (text column, extra column, target) without repeating the flags,
        // on the narrow file, and on a headerless file with exactly the model's columns.
        let plain = x.map { "\($0[0]),\($0[1])" }.joined(separator: "\n") + "\n"
        try dir.write("plain.csv", plain)
        var outputs: [String] = []
        for data in ["wide.csv", "narrow.csv", "plain.csv"] {
            let args = ["predict", "--model", "w.json", "--data", data, "-o", "p-\(data)"] + (data == "plain.csv" ? [] : ["--target", "y"])
            let r = try CLI.run(args, in: dir.url)
            #expect(r.status == 0, "\(data): \(r.stderr)")
            outputs.append(try dir.read("p-\(data)"))
        }
        #expect(outputs[0] == outputs[1] && outputs[1] == outputs[2])
        let e1 = try CLI.run(["evaluate", "--model", "w.json", "--data", "wide.csv", "--json"], in: dir.url)
        let e2 = try CLI.run(["evaluate", "--model", "w.json", "--data", "narrow.csv", "--json"], in: dir.url)
        #expect(e1.status == 0 && e2.status == 0 && e1.stdout == e2.stdout, "\(e1.stderr)\(e2.stderr)")
    }

    @Test func badSelectionsAreOneLineErrors() throws {
        let dir = try TempDirectory()
        let (x, y) = Self.rows()
        try dir.write("wide.csv", Self.wideCSV(x, y))
        try NPYFile.write(Matrix(x), to: URL(fileURLWithPath: dir.path("x.npy")))
        let cases: [([String], [String])] = [
            (["--features", "a,zz"], ["wide.csv", "no feature column named \"zz\""]),
            (["--ignore", "id,7"], ["wide.csv", "ignored column index 7 is out of range", "5 columns"]),
            (["--ignore", "id", "--features", "a,y"], ["wide.csv", "column \"y\" is chosen both as a feature and as a target"]),
            (["--ignore", "id,y"], ["wide.csv", "column \"y\" is chosen both as a target and as ignored"]),
            (["--features", "a,,b"], ["--features", "empty column name"]),
        ]
        for (flags, expected) in cases {
            let r = try CLI.run(["train", "--data", "wide.csv", "-o", "o.json"] + flags, in: dir.url)
            let lines = r.stderr.split(separator: "\n")
            #expect(r.status != 0 && lines.count == 1 && lines[0].hasPrefix("error: "), "\(flags): \(r.stderr)")
            for s in expected { #expect(r.stderr.contains(s), "\(flags): \(r.stderr)") }
            #expect(!dir.exists("o.json"))
        }
        let npy = try CLI.run(["train", "--data", "x.npy", "--ignore", "2", "-o", "o.json"], in: dir.url)
        #expect(npy.status != 0 && npy.stderr.contains("x.npy") && npy.stderr.contains("ignored column index 2 is out of range"), "\(npy.stderr)")
    }
}
