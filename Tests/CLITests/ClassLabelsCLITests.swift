import Foundation
import Testing
import Descent

/// One column of class labels as the targets of `descent train` (`ClassLabels`): compared with the
/// same run on the equivalent one-hot / 0-1 targets (the already-verified path), with
/// scikit-learn's SGDClassifier on ±1 labels (`ClassLabelsSklearnReference`), and the labels
/// written to the model file, printed by `predict --classes` and mapped by `evaluate`.
@Suite struct ClassLabelsCLITests {
    /// 36 rows, 2 features; the label of row i is labels[class(i)], class from the features' sign pattern.
    static let x: [[Double]] = (0..<36).map { (i: Int) -> [Double] in
        let a: Double = Double(i % 6) / 2.5 - 1
        let b: Double = Double((i * 7) % 9) / 4 - 1
        return [a, b]
    }
    static func classOf(_ r: [Double]) -> Int { r[0] + 0.5 * r[1] > 0.3 ? 2 : (r[0] - r[1] > -0.2 ? 1 : 0) }

    func csv(_ header: [String], _ rows: [[String]]) -> String {
        ([header.joined(separator: ",")] + rows.map { $0.joined(separator: ",") }).joined(separator: "\n") + "\n"
    }
    func features(_ r: [Double]) -> [String] { r.map { "\($0)" } }

    func parameters(_ dir: TempDirectory, _ name: String) throws -> ModelDocument {
        try ModelDocument.load(from: URL(fileURLWithPath: dir.path(name)))
    }

    @Test(arguments: ["double", "float"]) func softmaxLabelsTrainAsOneHot(dtype: String) throws {
        let dir = try TempDirectory()
        let labels = [-4, 3, 10]   // sorted classes; written in the file out of order
        try dir.write("labels.csv", csv(["a", "b", "kind"], Self.x.map { features($0) + ["\(labels[Self.classOf($0)])"] }))
        try dir.write("onehot.csv", csv(["a", "b", "c0", "c1", "c2"], Self.x.map { r in
            features(r) + (0..<3).map { $0 == Self.classOf(r) ? "1" : "0" } }))
        let common = ["--loss", "softmax-cross-entropy", "--epochs", "3", "--batch-size", "4", "--lr", "0.2", "--dtype", dtype,
                      "--validation-split", "0.25", "--standardize", "features", "--quiet"]
        let a = try CLI.run(["train", "--data", "labels.csv", "--target", "kind", "-o", "l.json"] + common, in: dir.url)
        #expect(a.status == 0, "\(a.stderr)")
        let b = try CLI.run(["train", "--data", "onehot.csv", "--target", "c0", "--target", "c1", "--target", "c2", "-o", "o.json"] + common, in: dir.url)
        #expect(b.status == 0, "\(b.stderr)")
        let (l, o) = (try parameters(dir, "l.json"), try parameters(dir, "o.json"))
        #expect(l.classLabels == [-4, 3, 10] && o.classLabels == nil)
        #expect(l.layers == o.layers && l.outputCount == 3)

        // predict --classes prints the original labels; evaluate maps the labels through the model's classes.
        try dir.write("x.csv", csv(["a", "b"], Self.x.map(features)))
        let p = try CLI.run(["predict", "--model", "l.json", "--data", "x.csv", "--classes", "-o", "c.csv", "--dtype", dtype], in: dir.url)
        #expect(p.status == 0, "\(p.stderr)")
        let q = try CLI.run(["predict", "--model", "o.json", "--data", "x.csv", "--classes", "-o", "d.csv", "--dtype", dtype], in: dir.url)
        #expect(q.status == 0, "\(q.stderr)")
        let predicted = try dir.read("c.csv").split(separator: "\n").dropFirst().map(String.init)
        let indices = try dir.read("d.csv").split(separator: "\n").dropFirst().map { Int($0)! }
        #expect(predicted == indices.map { "\(labels[$0])" } && predicted.count == Self.x.count)
        let el = try CLI.json(["evaluate", "--model", "l.json", "--data", "labels.csv", "--target", "kind", "--json", "--dtype", dtype], in: dir.url)
        let eo = try CLI.json(["evaluate", "--model", "o.json", "--data", "onehot.csv", "--target", "c0", "--target", "c1", "--target", "c2", "--json", "--dtype", dtype], in: dir.url)
        #expect(NSDictionary(dictionary: el) == NSDictionary(dictionary: eo), "\(el) vs \(eo)")
        #expect(el["confusionMatrix"] != nil)
        // The text report names the classes by their labels.
        let text = try CLI.run(["evaluate", "--model", "l.json", "--data", "labels.csv", "--target", "kind", "--dtype", dtype], in: dir.url)
        #expect(text.status == 0 && text.stdout.contains("confusion matrix") && text.stdout.contains("-4"), "\(text.stdout)\(text.stderr)")
    }

    @Test(arguments: ["double", "float"]) func plusMinusOneLogisticTrainsAsZeroOne(dtype: String) throws {
        let dir = try TempDirectory()
        let y = Self.x.map { Self.classOf($0) == 2 ? 1 : 0 }
        try dir.write("pm.csv", csv(["a", "b", "y"], zip(Self.x, y).map { features($0) + [$1 == 1 ? "1" : "-1"] }))
        try dir.write("zo.csv", csv(["a", "b", "y"], zip(Self.x, y).map { features($0) + ["\($1)"] }))
        // .npy targets, 1-D int64 ±1: the same labels from a targets file.
        try dir.write("xf.csv", csv(["a", "b"], Self.x.map(features)))
        let common = ["--loss", "logistic", "--epochs", "4", "--batch-size", "3", "--lr", "0.3", "--dtype", dtype, "--quiet"]
        for (data, out) in [("pm.csv", "pm.json"), ("zo.csv", "zo.json")] {
            let r = try CLI.run(["train", "--data", data, "-o", out] + common, in: dir.url)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let (pm, zo) = (try parameters(dir, "pm.json"), try parameters(dir, "zo.json"))
        #expect(pm.classLabels == [-1, 1] && zo.classLabels == nil)
        #expect(pm.layers == zo.layers)
        var header = "{'descr': '<i8', 'fortran_order': False, 'shape': (\(y.count),), }"
        header += String(repeating: " ", count: (64 - (10 + header.count + 1) % 64) % 64) + "\n"
        var npy = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)]) + Data(header.utf8)
        for v in y { withUnsafeBytes(of: Int64(v == 1 ? 1 : -1).littleEndian) { npy.append(contentsOf: $0) } }
        try npy.write(to: URL(fileURLWithPath: dir.path("y.npy")))
        let n = try CLI.run(["train", "--data", "xf.csv", "--targets", "y.npy", "-o", "npy.json"] + common, in: dir.url)
        #expect(n.status == 0, "\(n.stderr)")
        let fromNPY = try parameters(dir, "npy.json")
        #expect(fromNPY.classLabels == [-1, 1] && fromNPY.layers == zo.layers)
        // evaluate on ±1 labels equals evaluate on 0/1.
        let e1 = try CLI.json(["evaluate", "--model", "pm.json", "--data", "pm.csv", "--json", "--dtype", dtype], in: dir.url)
        let e0 = try CLI.json(["evaluate", "--model", "zo.json", "--data", "zo.csv", "--json", "--dtype", dtype], in: dir.url)
        #expect(NSDictionary(dictionary: e1) == NSDictionary(dictionary: e0), "\(e1) vs \(e0)")
    }

    /// scikit-learn's SGDClassifier(log_loss, constant rate, no penalty, shuffle=False) on ±1 labels.
    @Test func logisticOnPlusMinusOneMatchesScikitLearn() throws {
        let dir = try TempDirectory()
        let ref = ClassLabelsSklearnReference.self
        try dir.write("d.csv", csv(["a", "b", "y"], zip(ref.x, ref.labels).map { r, l in r.map { "\($0)" } + ["\(l)"] }))
        let r = try CLI.run(["train", "--data", "d.csv", "--loss", "logistic", "--batch-size", "1", "--shuffle", "none",
                             "--lr", "\(ref.eta0)", "--epochs", "\(ref.epochs)", "-o", "m.json", "--quiet"], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        let m = try parameters(dir, "m.json")
        #expect(m.classLabels == ref.classes)
        let w = m.layers[0].weights.map { $0[0] }, b = try #require(m.layers[0].bias?.first)
        for (got, want) in zip(w + [b], ref.coef + [ref.intercept]) {
            #expect(abs(got - want) <= 1e-10 * Swift.max(1, abs(want)), "\(w), \(b) vs \(ref.coef), \(ref.intercept)")
        }
    }

    @Test func labelErrorsNameTheFileAndRow() throws {
        let dir = try TempDirectory()
        try dir.write("frac.csv", "a,y\n1,0\n2,1\n3,2.5\n")
        let f = try CLI.run(["train", "--data", "frac.csv", "--loss", "softmax-cross-entropy", "-o", "m.json"], in: dir.url)
        #expect(f.status != 0 && f.stderr.contains("frac.csv:4:2: label 2.5 is not an integer"), "\(f.stderr)")
        #expect(f.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1, "\(f.stderr)")
        try dir.write("three.csv", "a,y\n1,-1\n2,1\n3,1\n4,5\n")
        let t = try CLI.run(["train", "--data", "three.csv", "--loss", "logistic", "-o", "m.json"], in: dir.url)
        #expect(t.status != 0 && t.stderr.contains("three.csv:5:2: a third label (5, after -1 and 1)"), "\(t.stderr)")
        // The line and field of the file as it is: after a blank line and a dropped row, in a separate targets file.
        try dir.write("gaps.csv", "y,a\n0,1\n\n1,nan\n1,2\n2.5,3\n")
        let g = try CLI.run(["train", "--data", "gaps.csv", "--target", "y", "--drop-nonfinite", "--loss", "softmax-cross-entropy", "-o", "m.json"], in: dir.url)
        #expect(g.status != 0 && g.stderr.contains("gaps.csv:6:1: label 2.5 is not an integer"), "\(g.stderr)")
        try dir.write("x.csv", "a\n1\n2\n3\n")
        try dir.write("y.csv", "y\n-1\n7\n1\n")
        let s = try CLI.run(["train", "--data", "x.csv", "--targets", "y.csv", "--loss", "logistic", "-o", "m.json"], in: dir.url)
        #expect(s.status != 0 && s.stderr.contains("y.csv:4:1: a third label (1, after -1 and 7)"), "\(s.stderr)")
        try dir.write("one.csv", "a,y\n1,4\n2,4\n")
        let o = try CLI.run(["train", "--data", "one.csv", "--loss", "softmax-cross-entropy", "-o", "m.json"], in: dir.url)
        #expect(o.status != 0 && o.stderr.contains("one.csv: every target is the label 4"), "\(o.stderr)")
        // evaluate: a label the model has no class for.
        try dir.write("pm.csv", "a,y\n1,-1\n2,1\n3,1\n")
        let ok = try CLI.run(["train", "--data", "pm.csv", "--loss", "logistic", "--epochs", "1", "-o", "pm.json", "--quiet"], in: dir.url)
        #expect(ok.status == 0, "\(ok.stderr)")
        try dir.write("test.csv", "a,y\n1,1\n2,0\n")
        let e = try CLI.run(["evaluate", "--model", "pm.json", "--data", "test.csv"], in: dir.url)
        #expect(e.status != 0 && e.stderr.contains("test.csv:3:2: label 0 is not one of the model's classes -1, 1"), "\(e.stderr)")
    }
}
