import Foundation
import Testing
import Descent

/// `--tol` / `--n-iter-no-change` through the built executable, against scikit-learn's
/// `SGDRegressor` run on the same CSV (`ToleranceStopCLIReference`, made by
/// `scripts/reference/sgd_tol_cli_sklearn.py`): per-sample SGD in file order at a constant rate must
/// stop after sklearn's `n_iter_` epochs with its last `coef_` and `intercept_`. Plus the one-line
/// errors, the model file's record, and the setting in the checkpoint fingerprint.
@Suite struct ToleranceStopCLITests {
    typealias Ref = ToleranceStopCLIReference

    func problem() throws -> TempDirectory {
        let dir = try TempDirectory()
        try dir.write("d.csv", Ref.csv + "\n")
        return dir
    }

    var base: [String] {
        ["train", "--data", "d.csv", "--batch-size", "1", "--shuffle", "none", "--lr", "\(Ref.learningRate)",
         "--epochs", "\(Ref.maxIter)", "--quiet"]
    }

    @Test func stopsWhereSklearnStops() throws {
        let dir = try problem()
        let r = try CLI.run(base + ["--tol", "\(Ref.tol)", "--n-iter-no-change", "\(Ref.nIterNoChange)",
                                    "-o", "m.json", "--metrics", "h.csv"], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try ModelDocument.load(from: URL(fileURLWithPath: dir.path("m.json")))
        let mine = doc.layers[0].weights.map { $0[0] } + [doc.layers[0].bias?[0] ?? .nan]
        let theirs = Ref.coef + [Ref.intercept]
        for (a, b) in zip(mine, theirs) {
            #expect(abs(a - b) <= 1e-10 * Swift.max(abs(b), 1), "\(mine) vs sklearn \(theirs)")
        }
        let rows = try String(contentsOfFile: dir.path("h.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(rows.count == Ref.nIter, "\(rows.count) epochs, sklearn ran \(Ref.nIter)")
        #expect(doc.training["tol"] == "\(Ref.tol)" && doc.training["nIterNoChange"] == "\(Ref.nIterNoChange)")
    }

    @Test(arguments: [(["--tol", "0.001", "--early-stopping", "3"], "--early-stopping"),
                      (["--n-iter-no-change", "3"], "needs --tol"),
                      (["--tol", "0.001", "--n-iter-no-change", "0"], "at least 1"),
                      (["--tol", "nan"], "finite")])
    func badCombinationIsAOneLineError(_ flags: [String], _ expected: String) throws {
        let dir = try problem()
        let r = try CLI.run(base + ["-o", "m.json"] + flags, in: dir.url)
        #expect(r.status != 0)
        let lines = r.stderr.split(separator: "\n").filter { $0.contains(expected) }
        #expect(lines.count == 1, "\(r.stderr)")
    }

    @Test func resumeWithOtherTolIsRefused() throws {
        let dir = try problem()
        let first = try CLI.run(base.dropLast(3) + ["--epochs", "2", "--quiet", "--tol", "0.001", "--checkpoint", "ck.json", "-o", "a.json"], in: dir.url)
        #expect(first.status == 0, "\(first.stderr)")
        let other = try CLI.run(base.dropLast(3) + ["--epochs", "4", "--quiet", "--tol", "0.01", "--resume", "ck.json", "-o", "b.json"], in: dir.url)
        #expect(other.status != 0 && other.stderr.contains("ck.json"), "\(other.stderr)")
        let same = try CLI.run(base.dropLast(3) + ["--epochs", "4", "--quiet", "--tol", "0.001", "--resume", "ck.json", "-o", "c.json"], in: dir.url)
        #expect(same.status == 0, "\(same.stderr)")
    }
}
