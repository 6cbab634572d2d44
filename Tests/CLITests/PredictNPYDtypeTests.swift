import Foundation
import Testing
import Descent

/// `descent predict` from a float `.npy` to a `.npy` keeps the input's dtype (float32 in, float32
/// out; float64 in, float64 out) whatever `--dtype` computes in; CSV and integer `.npy` input give
/// `--dtype`'s. Values against `PredictEvaluateTests.linear`, the model's equation worked out by hand.
@Suite struct PredictNPYDtypeTests {
    /// The .npy header dictionary (after the 10-byte prefix of version 1.0).
    func npyHeader(_ data: Data) -> String {
        let length = Int(data[8]) | Int(data[9]) << 8
        return String(decoding: data[10..<(10 + length)], as: UTF8.self)
    }

    /// A version 1.0 .npy of int64 values, shape (rows, cols), written byte by byte as numpy does.
    func int64NPY(_ rows: [[Int64]]) -> Data {
        var header = "{'descr': '<i8', 'fortran_order': False, 'shape': (\(rows.count), \(rows[0].count)), }"
        header += String(repeating: " ", count: (64 - (10 + header.count + 1) % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)]) + Data(header.utf8)
        for row in rows { for v in row { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } } }
        return data
    }

    @Test(arguments: ["double", "float"]) func outputDtypeFollowsTheInputFile(dtype: String) throws {
        let dir = try TempDirectory()
        try PredictEvaluateTests.linearModel.save(to: URL(fileURLWithPath: dir.path("linear.json")))
        let inputs = PredictEvaluateTests.inputs
        try NPYFile.write(Matrix(inputs.map { $0.map { Float($0) } }), to: URL(fileURLWithPath: dir.path("x32.npy")))
        try NPYFile.write(Matrix(inputs), to: URL(fileURLWithPath: dir.path("x64.npy")))
        try dir.write("x.csv", Problems.featuresCSV(inputs))
        let integers: [[Int64]] = [[0, 0], [1, 2], [-3, 1], [2, -1], [0, -4]]
        try int64NPY(integers).write(to: URL(fileURLWithPath: dir.path("xi.npy")))
        let computed = dtype == "float" ? "<f4" : "<f8"
        let cases: [(input: String, descr: String, rows: [[Double]])] = [
            ("x32.npy", "<f4", inputs), ("x64.npy", "<f8", inputs), ("x.csv", computed, inputs),
            ("xi.npy", computed, integers.map { $0.map { Double($0) } }),
        ]
        for c in cases {
            let r = try CLI.run(["predict", "--model", "linear.json", "--data", c.input, "-o", "p.npy", "--dtype", dtype], in: dir.url)
            #expect(r.status == 0, "\(r.stderr)")
            let header = npyHeader(try dir.bytes("p.npy"))
            #expect(header.hasPrefix("{'descr': '\(c.descr)', 'fortran_order': False, 'shape': (5,), }"), "\(c.input), --dtype \(dtype): \(header)")
            let p = try NPYFile.read(URL(fileURLWithPath: dir.path("p.npy")), as: Double.self)
            // float32 anywhere on the way (input, computation or output) allows float32 rounding.
            let tolerance = c.descr == "<f4" || dtype == "float" ? 1e-6 : 1e-12
            for (i, x) in c.rows.enumerated() {
                let expected = PredictEvaluateTests.linear(x)
                #expect(abs(p[i, 0] - expected) <= tolerance * abs(expected), "\(c.input), --dtype \(dtype), row \(i): \(p[i, 0]) vs \(expected)")
            }
        }
    }

    /// Probabilities keep the input's dtype too, as a 2-D (n, classes) array.
    @Test func probabilitiesFromFloat32AreFloat32() throws {
        let dir = try TempDirectory()
        try PredictClassesTests.logistic.save(to: URL(fileURLWithPath: dir.path("logistic.json")))
        let inputs = PredictClassesTests.inputs
        try NPYFile.write(Matrix(inputs.map { $0.map { Float($0) } }), to: URL(fileURLWithPath: dir.path("x32.npy")))
        let r = try CLI.run(["predict", "--model", "logistic.json", "--data", "x32.npy", "--proba", "-o", "p.npy"], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        let header = npyHeader(try dir.bytes("p.npy"))
        #expect(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (5, 2), }"), "\(header)")
        let p = try NPYFile.read(URL(fileURLWithPath: dir.path("p.npy")), as: Double.self)
        for (i, x) in inputs.enumerated() {
            let s = PredictClassesTests.sigma(PredictClassesTests.z(x))
            #expect(abs(p[i, 1] - s) <= 1e-6 && abs(p[i, 0] - (1 - s)) <= 1e-6, "row \(i): \(p[i, 0]), \(p[i, 1]) vs σ = \(s)")
        }
    }
}
