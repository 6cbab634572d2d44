import Foundation
import Testing
import Descent

/// `descent train`, `predict` and `evaluate` on sparse files (svmlight, scipy's .npz) against the
/// same runs on the same rows written densely (CSV, .npy): the dense path is checked against torch
/// and scikit-learn elsewhere, and a sparse run must give the same model to rounding.
@Suite struct SparseDataCLITests {
    /// 120 rows over 30 features, about 5 stored per row (1-based in the file), labels ±1 from a
    /// hidden linear rule; and the same rows as a dense CSV (header f0…f29, y).
    static func files(in dir: TempDirectory, labels: (Int, Double) -> String = { _, s in s > 0 ? "1" : "-1" }) throws -> [[Double]] {
        var g = SeededGenerator(seed: 5)
        var svm = "# a comment line\n", csv = (0..<30).map { "f\($0)" }.joined(separator: ",") + ",y\n"
        var rows: [[Double]] = []
        for i in 0..<120 {
            var row = [Double](repeating: 0, count: 30)
            for j in 0..<30 where Double.random(in: 0..<1, using: &g) < 0.17 { row[j] = (Double.random(in: 0.5...4, using: &g) * 4).rounded() / 4 }
            let score = row.enumerated().reduce(0.0) { $0 + $1.element * (Double($1.offset % 7) - 3) } + 0.5
            let label = labels(i, score)
            svm += label + row.enumerated().filter { $0.element != 0 }.map { " \($0.offset + 1):\($0.element)" }.joined() + "\n"
            csv += row.map { "\($0)" }.joined(separator: ",") + ",\(label)\n"
            rows.append(row)
        }
        try dir.write("train.svm", svm)
        try dir.write("train.csv", csv)
        return rows
    }

    static func weights(_ path: String) throws -> [Double] {
        let doc = try ModelDocument.load(from: URL(fileURLWithPath: path))
        return doc.layers.flatMap { $0.weights.flatMap { $0 } + ($0.bias ?? []) }
    }

    static func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count)
        return zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    @Test func svmlightLogisticAdaGradEndToEnd() throws {
        let dir = try TempDirectory()
        _ = try Self.files(in: dir)
        let flags = ["--loss", "logistic", "--optimizer", "adagrad", "--lr", "0.2", "--epochs", "4", "--batch-size", "16",
                     "--validation-split", "0.25", "--json"]
        let sparse = try CLI.json(["train", "--data", "train.svm", "--output", "sparse.json"] + flags, in: dir.url)
        let dense = try CLI.json(["train", "--data", "train.csv", "--target", "y", "--output", "dense.json"] + flags, in: dir.url)
        #expect(Self.maxDifference(try Self.weights(dir.path("sparse.json")), try Self.weights(dir.path("dense.json"))) < 1e-13)
        let (sv, dv) = (sparse["validation"] as? [String: Any], dense["validation"] as? [String: Any])
        #expect(sv?["accuracy"] as? Double == dv?["accuracy"] as? Double)
        #expect(abs((sparse["trainingLoss"] as? Double ?? .nan) - (dense["trainingLoss"] as? Double ?? 0)) < 1e-13)

        // predict: the labels of the file, as the dense model predicts them.
        let p = try CLI.run(["predict", "--model", "sparse.json", "--data", "train.svm", "--classes"], in: dir.url)
        #expect(p.status == 0, "\(p.stderr)")
        let q = try CLI.run(["predict", "--model", "dense.json", "--data", "train.csv", "--target", "y", "--classes"], in: dir.url)
        #expect(p.stdout.split(separator: "\n").dropFirst() == q.stdout.split(separator: "\n").dropFirst())
        #expect(Set(p.stdout.split(separator: "\n").dropFirst()).isSubset(of: ["1", "-1"]))
        let proba = try CLI.run(["predict", "--model", "sparse.json", "--data", "train.svm", "--proba"], in: dir.url)
        #expect(proba.stdout.hasPrefix("P(-1),P(1)\n"))

        // evaluate: the same metrics as the dense model on the dense file.
        let es = try CLI.json(["evaluate", "--model", "sparse.json", "--data", "train.svm", "--json"], in: dir.url)
        let ed = try CLI.json(["evaluate", "--model", "dense.json", "--data", "train.csv", "--target", "y", "--json"], in: dir.url)
        #expect(es["accuracy"] as? Double == ed["accuracy"] as? Double)
        #expect(abs((es["loss"] as? Double ?? .nan) - (ed["loss"] as? Double ?? 0)) < 1e-13)
        #expect((es["accuracy"] as? Double ?? 0) > 0.8, "the rule is learnable: \(es)")
    }

    /// --standardize features scales without centring: the same model as a dense run on the
    /// features divided by their population deviation (worked out here), with no standardisation.
    @Test func standardisationScalesWithoutCentring() throws {
        let dir = try TempDirectory()
        let rows = try Self.files(in: dir, labels: { _, s in String(format: "%.3f", s / 4) })
        let n = Double(rows.count)
        let scales = (0..<30).map { j -> Double in
            let m = rows.reduce(0) { $0 + $1[j] } / n
            let v = rows.reduce(0) { $0 + ($1[j] - m) * ($1[j] - m) } / n
            return v > 0 ? v.squareRoot() : 1
        }
        let text = try String(contentsOfFile: dir.path("train.csv"), encoding: .utf8).split(separator: "\n")
        var scaled = String(text[0]) + "\n"
        for (i, line) in text.dropFirst().enumerated() {
            let y = line.split(separator: ",").last!
            scaled += (0..<30).map { "\(rows[i][$0] / scales[$0])" }.joined(separator: ",") + ",\(y)\n"
        }
        try dir.write("scaled.csv", scaled)
        let flags = ["--optimizer", "sgd", "--lr", "0.05", "--epochs", "3", "--batch-size", "8", "-q"]
        #expect(try CLI.run(["train", "--data", "train.svm", "--standardize", "features", "--output", "s.json"] + flags, in: dir.url).status == 0)
        #expect(try CLI.run(["train", "--data", "scaled.csv", "--target", "y", "--output", "d.json"] + flags, in: dir.url).status == 0)
        #expect(Self.maxDifference(try Self.weights(dir.path("s.json")), try Self.weights(dir.path("d.json"))) < 1e-12)
        let doc = try ModelDocument.load(from: URL(fileURLWithPath: dir.path("s.json")))
        #expect(doc.standardization?.featureMeans == [Double](repeating: 0, count: 30))
        #expect(Self.maxDifference(doc.standardization?.featureScales ?? [], scales) < 1e-13)
        // predict applies the stored scaling to sparse and dense rows alike.
        let a = try CLI.run(["predict", "--model", "s.json", "--data", "train.svm"], in: dir.url)
        let b = try CLI.run(["predict", "--model", "s.json", "--data", "train.csv", "--target", "y"], in: dir.url)
        let pa = a.stdout.split(separator: "\n").dropFirst().compactMap { Double($0) }
        let pb = b.stdout.split(separator: "\n").dropFirst().compactMap { Double($0) }
        #expect(pa.count == 120 && Self.maxDifference(pa, pb) < 1e-12)
    }

    /// A scipy .npz matrix with targets in a .npy file: the same model as the dense .npy run.
    @Test func npzWithTargetsMatchesTheDenseArrays() throws {
        let dir = try TempDirectory()
        let fixture = CLI.packageRoot.appendingPathComponent("Tests/DataFilesTests/Fixtures/sparse/csr_f8_deflate.npz")
        let x = try NPZSparseReader.read(fixture, as: Double.self)
        try FileManager.default.copyItem(at: fixture, to: dir.url.appendingPathComponent("x.npz"))
        let y = Matrix<Double>(rows: x.rows, cols: 1) { i, _ in Double(i % 4) - 1.5 }
        try NPYFile.write(y, to: URL(fileURLWithPath: dir.path("y.npy")))
        try NPYFile.write(x.toDense(), to: URL(fileURLWithPath: dir.path("x.npy")))
        let flags = ["--targets", "y.npy", "--optimizer", "adam", "--lr", "0.01", "--epochs", "5", "--batch-size", "2", "-q"]
        #expect(try CLI.run(["train", "--data", "x.npz", "--output", "s.json"] + flags, in: dir.url).status == 0)
        #expect(try CLI.run(["train", "--data", "x.npy", "--output", "d.json"] + flags, in: dir.url).status == 0)
        #expect(Self.maxDifference(try Self.weights(dir.path("s.json")), try Self.weights(dir.path("d.json"))) < 1e-13)
        let e = try CLI.run(["evaluate", "--model", "s.json", "--data", "x.npz"], in: dir.url)
        #expect(e.status != 0 && e.stderr.contains("--targets"), "a .npz file holds no targets: \(e.stderr)")
    }

    /// Lazy updates (SGD without momentum, AdaGrad, plain RMSProp) train the model of the dense
    /// updates, which the run takes when a setting needs every coordinate (here early stopping, which
    /// changes nothing else as the patience is never used up): the header says which, and the two agree.
    @Test(arguments: ["rmsprop:alpha=0.9", "adagrad:lr_decay=0.01,initial_accumulator_value=0.1", "sgd"])
    func lazyAndDenseUpdatesAgree(_ optimizer: String) throws {
        let dir = try TempDirectory()
        _ = try Self.files(in: dir)
        let flags = ["--loss", "logistic", "--optimizer", optimizer, "--lr", "0.01", "--epochs", "3", "--batch-size", "8",
                     "--validation-split", "0.2", "--schedule", "cosine:T=3,unit=epoch"]
        let lazy = try CLI.run(["train", "--data", "train.svm", "--output", "lazy.json"] + flags, in: dir.url)
        let dense = try CLI.run(["train", "--data", "train.svm", "--output", "dense.json", "--early-stopping", "50"] + flags, in: dir.url)
        #expect(lazy.status == 0 && dense.status == 0, "\(lazy.stderr)\(dense.stderr)")
        #expect(lazy.stdout.contains("updates:   lazy, each O(non-zeros of its batch)"), "\(lazy.stdout)")
        #expect(dense.stdout.contains("updates:   dense, each O(parameters): lazy updates do not cover early stopping"), "\(dense.stdout)")
        #expect(Self.maxDifference(try Self.weights(dir.path("lazy.json")), try Self.weights(dir.path("dense.json"))) < 1e-13)
        let dog = try CLI.run(["train", "--data", "train.svm", "--optimizer", "dog", "--epochs", "1"], in: dir.url)
        #expect(dog.stdout.contains("updates:   dense, each O(parameters): lazy updates do not cover the optimizer dog"), "\(dog.stdout)")
        let l1 = try CLI.run(["train", "--data", "train.svm", "--optimizer", "sgd:l1=0.001", "--epochs", "1"], in: dir.url)
        #expect(l1.stdout.contains("updates:   dense, each O(parameters): lazy updates do not cover SGD's L1 penalty"), "\(l1.stdout)")
        // Replayed missed updates would cost more than dense ones: such runs take dense updates.
        for replayed in ["adam", "sgd:momentum=0.9", "adagrad:weight_decay=0.01"] {
            let r = try CLI.run(["train", "--data", "train.svm", "--optimizer", replayed, "--epochs", "1"], in: dir.url)
            #expect(r.stdout.contains("updates:   dense, each O(parameters): lazy updates do not cover missed updates that move the weights"),
                    "\(replayed): \(r.stdout)")
        }
    }

    @Test func unsupportedSettingsAndBadFilesAreClearErrors() throws {
        let dir = try TempDirectory()
        _ = try Self.files(in: dir)
        let mlp = try CLI.run(["train", "--data", "train.svm", "--model", "mlp", "-q"], in: dir.url)
        #expect(mlp.status != 0 && mlp.stderr.contains("linear models only"), "\(mlp.stderr)")
        let checkpoint = try CLI.run(["train", "--data", "train.svm", "--checkpoint", "c.ckpt", "-q"], in: dir.url)
        #expect(checkpoint.status != 0 && checkpoint.stderr.contains("--checkpoint"), "\(checkpoint.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("c.ckpt")))
        let columns = try CLI.run(["train", "--data", "train.svm", "--features", "1,2", "-q"], in: dir.url)
        #expect(columns.status != 0 && columns.stderr.contains("not to sparse data"), "\(columns.stderr)")
        try dir.write("bad.svm", "1 1:0.5 3:2\n-1 2:x\n")
        let bad = try CLI.run(["train", "--data", "bad.svm", "--output", "m.json", "-q"], in: dir.url)
        #expect(bad.status != 0 && bad.stderr.contains("bad.svm:2:"), "line and column: \(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("m.json")))
        // A model of 30 features does not take an index beyond them.
        #expect(try CLI.run(["train", "--data", "train.svm", "--output", "m.json", "-q"], in: dir.url).status == 0)
        try dir.write("wide.svm", "1 31:1\n")
        let wide = try CLI.run(["predict", "--model", "m.json", "--data", "wide.svm"], in: dir.url)
        #expect(wide.status != 0 && wide.stderr.contains("wide.svm"), "\(wide.stderr)")
        // A file with fewer features than the model is read at the model's width.
        try dir.write("narrow.svm", "1 2:1\n-1 1:0.5\n")
        let narrow = try CLI.run(["predict", "--model", "m.json", "--data", "narrow.svm"], in: dir.url)
        #expect(narrow.status == 0 && narrow.stdout.split(separator: "\n").count == 3, "\(narrow.stderr)")
    }
}
