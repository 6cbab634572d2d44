import Foundation
import Testing
import Descent

/// Bad input: one `error: …` line on stderr naming the file and line/column (or the expected
/// shape), a non-zero exit, and no output file (nor a temporary one) left behind.
@Suite struct ErrorTests {
    struct Case: CustomStringConvertible, Sendable {
        var args: [String]
        /// Substrings the error line must contain.
        var expected: [String]
        var description: String { args.joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(args: ["train", "--data", "ragged.csv", "-o", "out.json"], expected: ["ragged.csv:3", "2 fields", "expected 3"]),
        Case(args: ["train", "--data", "text.csv", "-o", "out.json"], expected: ["text.csv:3:2", "\"x\"", "not a number"]),
        Case(args: ["train", "--data", "nan.csv", "-o", "out.json"], expected: ["nan.csv:3:2", "not finite", "--drop-nonfinite"]),
        Case(args: ["train", "--data", "inf.npy", "-o", "out.json"], expected: ["inf.npy", "row 1", "finite"]),
        Case(args: ["train", "--data", "empty.csv", "-o", "out.json"], expected: ["empty.csv", "empty"]),
        Case(args: ["train", "--data", "header.csv", "-o", "out.json"], expected: ["header.csv", "no data rows"]),
        Case(args: ["train", "--data", "good.csv", "--target", "price", "-o", "out.json"], expected: ["good.csv", "no target column named \"price\""]),
        Case(args: ["train", "--data", "good.csv", "--optimizer", "no-such-optimizer", "-o", "out.json"], expected: ["--optimizer", "no-such-optimizer"]),
        Case(args: ["train", "--data", "good.csv", "--shuffle", "sometimes", "-o", "out.json"], expected: ["sometimes", "--shuffle"]),
        Case(args: ["train", "--data", "good.csv", "--loss", "hinge", "-o", "out.json"], expected: ["--loss", "hinge"]),
        Case(args: ["train", "--data", "good.csv", "--early-stopping", "2", "--monitor", "val-loss", "-o", "out.json"], expected: ["--monitor", "needs --validation-split"]),
        Case(args: ["train", "--data", "good.csv", "--loss", "logistic", "-o", "out.json"], expected: ["good.csv", "logistic loss", "0 or 1"]),
        Case(args: ["train", "--data", "good.csv", "--schedule", "cosine:T=5,warp=2", "-o", "out.json"], expected: ["cosine.warp", "unknown field"]),
        Case(args: ["train", "--data", "good.csv", "--batch-size", "half", "-o", "out.json"], expected: ["--batch-size", "half"]),
        Case(args: ["train", "--data", "half.npy", "-o", "out.json"], expected: ["half.npy", "dtype '<f2'"]),
        Case(args: ["train", "--data", "fortran.npy", "-o", "out.json"], expected: ["fortran.npy", "Fortran"]),
        Case(args: ["train", "--data", "truncated.npy", "-o", "out.json"], expected: ["truncated.npy", "needs 72 data bytes", "holds 64"]),
        Case(args: ["train", "--data", "x.npy", "--targets", "y5.npy", "-o", "out.json"], expected: ["y5.npy", "5 rows", "have 3"]),
        Case(args: ["predict", "--model", "wide.json", "--data", "x.npy", "-o", "out.csv"], expected: ["x.npy", "takes 4 features", "has 3"]),
        Case(args: ["evaluate", "--model", "wide.json", "--data", "good.csv"], expected: ["good.csv", "takes 4 features"]),
        Case(args: ["train", "--data", "good.csv", "--initial", "wide.json", "-o", "out.json"], expected: ["wide.json", "linear 4→1", "linear 2→1"]),
        Case(args: ["predict", "--model", "v9.json", "--data", "x.npy", "-o", "out.csv"], expected: ["v9.json", "version 9", "(1)"]),
        Case(args: ["predict", "--model", "badlayer.json", "--data", "x.npy", "-o", "out.csv"], expected: ["badlayer.json", "expected shape 3×1", "found 2×1"]),
        Case(args: ["train", "--data", "good.csv", "-o", "missing/out.json"], expected: ["missing/out.json", "does not exist"]),
        Case(args: ["train", "--data", "good.csv", "-o", "adir"], expected: ["adir", "is a directory"]),
        Case(args: ["predict", "--model", "wide.json", "--data", "x.npy", "-o", "missing/out.csv"], expected: ["missing/out.csv", "does not exist"]),
        Case(args: ["train", "--data", "good.csv", "--lr", "1e6", "-o", "out.json"], expected: ["diverged at update", "not finite", "no model written"]),
        Case(args: ["train", "--data", "nowhere.csv", "-o", "out.json"], expected: ["nowhere.csv", "cannot open"]),
    ]

    func writeInputs(_ dir: TempDirectory) throws {
        try dir.write("ragged.csv", "a,b,y\n1,2,3\n4,5\n")
        try dir.write("text.csv", "a,b,y\n1,2,3\n4,x,6\n")
        try dir.write("nan.csv", "a,b,y\n1,2,3\n4,nan,6\n7,8,9\n")
        try dir.write("empty.csv", "")
        try dir.write("header.csv", "a,b,y\n")
        let (x, y) = Problems.linear(n: 40, weights: [1, 2], bias: 0, noise: 0.1, seed: 1)
        try dir.write("good.csv", Problems.csv(x, y))
        try FileManager.default.createDirectory(atPath: dir.path("adir"), withIntermediateDirectories: false)
        let x3 = Matrix<Double>([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
        try NPYFile.write(x3, to: URL(fileURLWithPath: dir.path("x.npy")))
        try NPYFile.write(Matrix<Double>(rows: 5, cols: 1, repeating: 1), to: URL(fileURLWithPath: dir.path("y5.npy")), asVector: true)
        try NPYFile.write(Matrix<Double>([[1, 2], [3, .infinity]]), to: URL(fileURLWithPath: dir.path("inf.npy")))
        // Hand-made .npy files: int32, Fortran order, and a float64 (3, 3) payload cut short by 8 bytes.
        try Data(npy(descr: "<f2", fortran: false, shape: "(2, 2)") + [UInt8](repeating: 0, count: 8)).write(to: URL(fileURLWithPath: dir.path("half.npy")))
        try Data(npy(descr: "<f8", fortran: true, shape: "(2, 2)") + [UInt8](repeating: 0, count: 32)).write(to: URL(fileURLWithPath: dir.path("fortran.npy")))
        try Data(npy(descr: "<f8", fortran: false, shape: "(3, 3)") + [UInt8](repeating: 0, count: 64)).write(to: URL(fileURLWithPath: dir.path("truncated.npy")))
        let wide = ModelDocument(kind: .linear, inputCount: 4, outputCount: 1, layers: [.init(weights: [[1], [1], [1], [1]], bias: [0])],
                                 loss: "squared", createdBy: "test")
        try wide.save(to: URL(fileURLWithPath: dir.path("wide.json")))
        let three = ModelDocument(kind: .linear, inputCount: 3, outputCount: 1, layers: [.init(weights: [[1], [1], [1]], bias: [0])],
                                  loss: "squared", createdBy: "test")
        let json = String(decoding: try three.encoded(), as: UTF8.self)
        try dir.write("v9.json", json.replacingOccurrences(of: "\"formatVersion\" : 1", with: "\"formatVersion\" : 9"))
        var object = try #require(try JSONSerialization.jsonObject(with: three.encoded()) as? [String: Any])
        object["layers"] = [["weights": [[1], [1]], "bias": [0]]]
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: dir.path("badlayer.json")))
    }

    /// A version 1.0 .npy header (magic, version, little-endian length, dict padded to 64 bytes).
    func npy(descr: String, fortran: Bool, shape: String) -> [UInt8] {
        var dict = "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }"
        while (10 + dict.utf8.count + 1) % 64 != 0 { dict += " " }
        dict += "\n"
        let n = UInt16(dict.utf8.count)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(n & 0xff), UInt8(n >> 8)] + Array(dict.utf8)
    }

    @Test func eachErrorClassIsOneLineWithNothingLeftBehind() throws {
        let dir = try TempDirectory()
        try writeInputs(dir)
        let before = try dir.files()
        for c in Self.cases {
            let r = try CLI.run(c.args, in: dir.url)
            #expect(r.status != 0, "\(c): exit status")
            #expect(!r.signaled, "\(c): crashed")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines.first?.hasPrefix("error: ") == true, "\(c): stderr \(r.stderr)")
            for s in c.expected { #expect(r.stderr.contains(s), "\(c): \(r.stderr.trimmingCharacters(in: .newlines)) lacks \(s)") }
            let after = try dir.files()
            #expect(after == before, "\(c): files changed: \(after)")
        }
    }

    /// With the flags that allow it, the same inputs go through: NaN rows dropped, and a diverging
    /// run keeps its last finite model when asked (every weight finite).
    @Test func flagsThatAllowWhatIsOtherwiseAnError() throws {
        let dir = try TempDirectory()
        try writeInputs(dir)
        let r = try CLI.run(["train", "--data", "nan.csv", "--drop-nonfinite", "--epochs", "1", "-o", "ok.json"], in: dir.url)
        #expect(r.status == 0 && r.stdout.contains("2 samples") && r.stdout.contains("1 row with NaN/Inf dropped"), "\(r.stdout)\(r.stderr)")
        let n = try CLI.run(["train", "--data", "inf.npy", "--drop-nonfinite", "--epochs", "1", "-o", "npy.json"], in: dir.url)
        #expect(n.status == 0 && n.stdout.contains("1 samples") && n.stdout.contains("1 row with NaN/Inf dropped"), "\(n.stdout)\(n.stderr)")
        let d = try CLI.run(["train", "--data", "good.csv", "--lr", "1e6", "-o", "last.json", "--save-diverged"], in: dir.url)
        #expect(d.status != 0 && d.stderr.contains("wrote the last finite model to last.json"))
        let doc = try ModelDocument.load(from: URL(fileURLWithPath: dir.path("last.json")))
        #expect(doc.layers[0].weights.allSatisfy { $0.allSatisfy(\.isFinite) })
    }
}
