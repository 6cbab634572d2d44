import Foundation
import Testing
import Descent

/// A run that ends without a non-finite value but did not learn gets one `warning:` line naming
/// the cause and the fix; `--fail-on-warning` makes it exit 4. `train` confirms every file it wrote.
@Suite struct RunWarningTests {
    /// The README's house table without --standardize: features up to 100 against a target of
    /// ~100s; at lr 1e-4 plain SGD ends worse than the mean (R² < 0) without overflowing.
    func houses() throws -> TempDirectory {
        let dir = try TempDirectory()
        var g = SeededGenerator(seed: 7)
        var csv = "rooms,age,distance,price\n"
        for _ in 0..<2000 {
            let r = Double(Int.random(in: 1...6, using: &g)), a = Double.random(in: 0..<100, using: &g), d = Double.random(in: 0..<30, using: &g)
            csv += "\(r),\(a),\(d),\(50 + 40 * r - 0.8 * a - 3 * d + 10 * (Double.random(in: 0..<1, using: &g) - 0.5))\n"
        }
        try dir.write("houses.csv", csv)
        return dir
    }

    static let run = ["train", "--data", "houses.csv", "--target", "price", "--epochs", "3", "--lr", "1e-4", "--quiet"]

    @Test func runThatDidNotLearnIsFlagged() throws {
        let dir = try houses()
        let r = try CLI.run(Self.run, in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        let warnings = r.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: ") }
        #expect(warnings.count == 1 && warnings[0].hasPrefix("warning: this run did not learn: the training R² is -"), "\(r.stderr)")
        #expect(warnings.first?.contains("try --standardize all, a lower --lr, or `descent lr-find`") == true)
        // The independent check: the summary's R² is indeed negative.
        let json = try CLI.run(Self.run + ["--json"], in: dir.url)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((object?["trainingR2"] as? Double ?? 1) < 0)
        #expect((object?["warning"] as? String)?.hasPrefix("this run did not learn") == true)

        let strict = try CLI.run(Self.run + ["--fail-on-warning", "--output", "m.json"], in: dir.url)
        #expect(strict.status == 4 && !strict.signaled, "status \(strict.status): \(strict.stderr)")
        #expect(dir.exists("m.json"), "--fail-on-warning still writes the files")
        #expect(!strict.stderr.contains("error:"))

        // The same data standardised learns: no warning.
        let fine = try CLI.run(["train", "--data", "houses.csv", "--target", "price", "--epochs", "3", "--standardize", "all",
                                "--fail-on-warning", "--quiet"], in: dir.url)
        #expect(fine.status == 0 && !fine.stderr.contains("warning:"), "\(fine.stderr)")
    }

    @Test func weightGrowthIsFlagged() {
        let good = Evaluation(sampleCount: 1, loss: 0.5, r2: 0.9)
        #expect(RunWarning.check(firstEpochLoss: 1, final: good, initial: [0.5, -2], parameters: [1e6, 0], standardized: true,
                                 isClassification: false) == nil)
        let grown = RunWarning.check(firstEpochLoss: 1, final: good, initial: [0.5, -2], parameters: [3e6, 0], standardized: true,
                                     isClassification: false)
        #expect(grown?.findings == ["the largest weight grew to 3e+06 from 2"])
        #expect(grown?.advice.hasPrefix("The learning rate is probably too high") == true)
        let rose = RunWarning.check(firstEpochLoss: 1, final: Evaluation(sampleCount: 1, loss: 2.08e25, r2: -7.6e21), initial: [0.0],
                                    parameters: [1.0], standardized: false, isClassification: false)
        #expect(rose?.findings == ["the training loss ended at 2.08e+25, above its first epoch's 1",
                                   "the training R² is -7.6e+21, worse than predicting the mean"])
    }

    @Test func everyWrittenFileIsConfirmed() throws {
        let dir = try houses()
        let r = try CLI.run(["train", "--data", "houses.csv", "--target", "price", "--standardize", "all", "--epochs", "2", "--quiet",
                             "-o", "m.json", "--metrics", "m.csv", "--plot", "p.svg", "--checkpoint", "c.json"], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        for line in ["model written to m.json", "metrics written to m.csv", "plot written to p.svg", "checkpoint written to c.json"] {
            #expect(r.stdout.contains(line), "missing “\(line)” in \(r.stdout)")
        }
        // With -q there is no table, so the summary does not point at one.
        #expect(!r.stdout.contains("the table above") && r.stdout.contains("training ran on standardised targets"))
    }
}
