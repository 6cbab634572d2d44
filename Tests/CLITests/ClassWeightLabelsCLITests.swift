import Foundation
import Testing
import Descent

/// `--class-weight label=weight` keys are class labels, as scikit-learn's `class_weight` dict keys
/// are: SGDClassifier(class_weight={-1: 2, 1: 0.5}) on ±1 labels and {-1: 0.3, 3: 2.5} on labels
/// -1 and 3 (`ClassWeightLabelsSklearnReference`, scripts/reference/class_weight_labels_sklearn.py)
/// give Descent's per-sample model; on softmax labels the keys are the labels too (the same model as
/// one-hot targets keyed by class index); a key that is no class is a one-line error listing them.
@Suite struct ClassWeightLabelsCLITests {
    typealias R = ClassWeightLabelsSklearnReference

    func csv(_ x: [[Double]], _ labels: [Int]) -> String {
        let rows: [String] = zip(x, labels).map { (r: [Double], l: Int) -> String in
            (r.map { "\($0)" } + ["\(l)"]).joined(separator: ",")
        }
        return (["a,b,y"] + rows).joined(separator: "\n") + "\n"
    }

    func coefficients(_ dir: TempDirectory, _ name: String) throws -> (classes: [Double]?, values: [Double]) {
        let m = try ModelDocument.load(from: URL(fileURLWithPath: dir.path(name)))
        return (m.classLabels, m.layers[0].weights.map { $0[0] } + (m.layers[0].bias ?? []))
    }

    struct Fit: Sendable, CustomStringConvertible {
        var name: String
        var labels: [Int]
        var classWeight: String
        var classes: [Double]
        var expected: [Double]
        var description: String { name }
    }

    static let fits: [Fit] = [
        Fit(name: "plusMinusOne", labels: R.plusMinusOneLabels, classWeight: R.plusMinusOneClassWeight, classes: R.plusMinusOneClasses,
            expected: R.plusMinusOneCoef + [R.plusMinusOneIntercept]),
        Fit(name: "minusOneThree", labels: R.minusOneThreeLabels, classWeight: R.minusOneThreeClassWeight, classes: R.minusOneThreeClasses,
            expected: R.minusOneThreeCoef + [R.minusOneThreeIntercept]),
    ]

    @Test(arguments: fits) func logisticMatchesScikitLearn(fit: Fit) throws {
        let (name, labels, classWeight, classes, expected) = (fit.name, fit.labels, fit.classWeight, fit.classes, fit.expected)
        let dir = try TempDirectory()
        try dir.write("d.csv", csv(R.x, labels))
        // The value after a separate --class-weight starts with a dash ("-1=…"): it is still the value.
        let r = try CLI.run(["train", "--data", "d.csv", "--loss", "logistic", "--batch-size", "1", "--shuffle", "none",
                             "--lr", "\(R.eta0)", "--epochs", "\(R.epochs)", "--class-weight", classWeight, "-o", "m.json", "--quiet"],
                            in: dir.url)
        #expect(r.status == 0, "\(name): \(r.stderr)")
        let (got, values) = try coefficients(dir, "m.json")
        #expect(got == classes)
        for (g, e) in zip(values, expected) {
            #expect(abs(g - e) <= 1e-10 * Swift.max(1, abs(e)), "\(name): \(values) vs \(expected)")
        }
        // The model file's record names the classes by their labels.
        let json = try JSONSerialization.jsonObject(with: dir.bytes("m.json")) as! [String: Any]
        let record = try #require(json["training"] as? [String: String])
        // As given, then the weight used for each class (here the same pairs).
        #expect(record["classWeights"] == classWeight + ": " + classWeight, "\(record)")
        // Without the class weights the fit is another one.
        #expect(abs(values[0] - R.unweightedCoef[0]) > 0.01 && abs(values[1] - R.unweightedCoef[1]) > 0.01)
    }

    /// Softmax on labels -4, 3, 10 keyed by label equals one-hot targets keyed by class index
    /// (0, 1, 2): the same class weights, so the same model.
    @Test func softmaxKeysAreLabels() throws {
        let dir = try TempDirectory()
        let values = [-4, 3, 10]
        let classOf: [Int] = R.x.map { (r: [Double]) -> Int in r[0] > 0.5 ? 2 : (r[1] > 0 ? 1 : 0) }
        try dir.write("labels.csv", csv(R.x, classOf.map { values[$0] }))
        let oneHotRows: [String] = zip(R.x, classOf).map { (r: [Double], c: Int) -> String in
            let hot: [String] = (0..<3).map { (j: Int) -> String in j == c ? "1" : "0" }
            return (r.map { "\($0)" } + hot).joined(separator: ",")
        }
        try dir.write("onehot.csv", (["a,b,c0,c1,c2"] + oneHotRows).joined(separator: "\n") + "\n")
        let common = ["--loss", "softmax", "--epochs", "3", "--batch-size", "4", "--shuffle", "none", "--lr", "0.1", "--quiet"]
        let a = try CLI.run(["train", "--data", "labels.csv", "--class-weight", "-4=2,10=0.25", "-o", "l.json"] + common, in: dir.url)
        let b = try CLI.run(["train", "--data", "onehot.csv", "--target", "c0", "--target", "c1", "--target", "c2",
                             "--class-weight", "0=2,2=0.25", "-o", "o.json"] + common, in: dir.url)
        let c = try CLI.run(["train", "--data", "onehot.csv", "--target", "c0", "--target", "c1", "--target", "c2",
                             "-o", "u.json"] + common, in: dir.url)
        #expect(a.status == 0 && b.status == 0 && c.status == 0, "\(a.stderr) \(b.stderr) \(c.stderr)")
        let l = try ModelDocument.load(from: URL(fileURLWithPath: dir.path("l.json")))
        let o = try ModelDocument.load(from: URL(fileURLWithPath: dir.path("o.json")))
        let u = try ModelDocument.load(from: URL(fileURLWithPath: dir.path("u.json")))
        #expect(l.classLabels == [-4, 3, 10] && l.layers == o.layers)
        #expect(l.layers != u.layers)
    }

    @Test func unknownKeysNameTheClasses() throws {
        let dir = try TempDirectory()
        try dir.write("d.csv", csv(R.x, R.minusOneThreeLabels))
        try dir.write("z.csv", csv(R.x, R.minusOneThreeLabels.map { $0 == 3 ? 1 : 0 }))
        let cases: [(String, [String], String)] = [
            ("d.csv", ["--class-weight", "0=2,1=3"], "error: class weights: there is no class 0; the classes are -1, 3"),
            ("d.csv", ["--class-weight", "-1=2,-1=3"], "error: --class-weight: class weights: class -1 is given twice"),
            ("d.csv", ["--class-weight", "3=x"], "error: --class-weight: class weights: expected `balanced` or label=weight pairs"),
            ("z.csv", ["--class-weight", "2=1"], "error: class weights: there is no class 2; the classes are 0, 1"),
            ("z.csv", ["--class-weight", "-1=1"], "error: class weights: there is no class -1; the classes are 0, 1"),
        ]
        for (data, flags, prefix) in cases {
            let r = try CLI.run(["train", "--data", data, "--loss", "logistic", "--epochs", "1", "--quiet"] + flags, in: dir.url)
            #expect(r.status != 0 && r.stderr.hasPrefix(prefix), "\(flags): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(flags): \(r.stderr)")
        }
        // The class-index form on 0/1 labels still trains.
        let ok = try CLI.run(["train", "--data", "z.csv", "--loss", "logistic", "--epochs", "1", "--quiet", "--class-weight", "0=2,1=0.5"],
                             in: dir.url)
        #expect(ok.status == 0, "\(ok.stderr)")
    }
}
