import Foundation
import Testing
import Descent

/// A `.npy` data file with no rows is an error for every command that reads data, as a CSV file
/// with a header and no rows is: one `error:` line naming the file, exit status 1, no output file.
@Suite struct EmptyDataTests {
    func expectNoRowsError(_ args: [String], in dir: TempDirectory, file: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = try CLI.run(args, in: dir.url)
        #expect(!r.signaled && r.status == 1, "descent \(args.joined(separator: " ")): status \(r.status): \(r.stderr)",
                sourceLocation: sourceLocation)
        #expect(r.stderr == "error: \(file): the array has no data rows (its first dimension is 0)\n", "\(r.stderr)",
                sourceLocation: sourceLocation)
        #expect(!dir.exists("out.csv") && !dir.exists("out.json"), sourceLocation: sourceLocation)
    }

    @Test(arguments: ["double", "float"])
    func zeroRowNPY(dtype: String) throws {
        let dir = try TempDirectory()
        try PredictEvaluateTests().write(PredictEvaluateTests.linearModel, "m.json", in: dir)
        try NPYFile.write(Matrix<Double>(rows: 0, cols: 3), to: URL(fileURLWithPath: dir.path("xy.npy")))
        try NPYFile.write(Matrix<Double>(rows: 0, cols: 2), to: URL(fileURLWithPath: dir.path("x.npy")))
        try NPYFile.write(Matrix<Double>(rows: 0, cols: 1), to: URL(fileURLWithPath: dir.path("y.npy")), asVector: true)
        let d = ["--dtype", dtype]
        try expectNoRowsError(["evaluate", "--model", "m.json", "--data", "xy.npy"] + d, in: dir, file: "xy.npy")
        try expectNoRowsError(["evaluate", "--model", "m.json", "--data", "x.npy", "--targets", "y.npy"] + d, in: dir, file: "x.npy")
        try expectNoRowsError(["predict", "--model", "m.json", "--data", "x.npy", "-o", "out.csv"] + d, in: dir, file: "x.npy")
        try expectNoRowsError(["train", "--data", "xy.npy", "-o", "out.json"] + d, in: dir, file: "xy.npy")

        // One row is enough (so the check is about zero, not about small files).
        try NPYFile.write(Matrix<Double>([[1, 2]]), to: URL(fileURLWithPath: dir.path("x1.npy")))
        let one = try CLI.run(["predict", "--model", "m.json", "--data", "x1.npy", "-o", "out.csv"] + d, in: dir.url)
        #expect(one.status == 0, "\(one.stderr)")
        #expect(dir.exists("out.csv"))
    }
}
