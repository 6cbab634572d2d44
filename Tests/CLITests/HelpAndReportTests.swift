import Foundation
import Testing
import Descent

/// What the help texts and reports promise, through the built executable (issue 14, points 5–6).
@Suite struct HelpAndReportTests {
    func problem() throws -> TempDirectory {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 200, weights: [1, -2], bias: 0.5, noise: 0.1, seed: 9)
        try dir.write("d.csv", Problems.csv(x, y))
        var labels = "a,b,label\n"
        for (row, t) in zip(x, y) { labels += "\(row[0]),\(row[1]),\(t > 0.5 ? 1 : 0)\n" }
        try dir.write("labels.csv", labels)
        return dir
    }

    /// lr-find's help shows the batch and preparation options it uses, not train's rate, schedule,
    /// epochs or early stopping; no example line is wider than the 80 columns help is wrapped to.
    @Test func lrFindHelpShowsWhatItUses() throws {
        let dir = try problem()
        let help = try CLI.run(["lr-find", "--help"], in: dir.url).stdout
        for used in ["--batch-size", "--shuffle", "--validation-split", "--standardize", "--seed", "--start", "--iterations", "--rule"] {
            #expect(help.contains(used), "lr-find --help lacks \(used)")
        }
        for unused in ["--lr ", "--learning-rate", "--schedule ", "--epochs", "--early-stopping", "--min-delta", "--monitor", "--checkpoint"] {
            #expect(!help.contains("\n  \(unused)") && !help.contains(", \(unused)"), "lr-find --help shows \(unused), which it does not use")
        }
        for command in ["train", "lr-find", "predict", "evaluate", "bench"] {
            let text = try CLI.run([command, "--help"], in: dir.url).stdout
            let examples = text.components(separatedBy: "\n").drop { !$0.hasPrefix("Examples:") }.prefix { !$0.hasPrefix("USAGE:") }
            for line in examples where line.hasPrefix("  descent") || line.hasPrefix("      ") {
                #expect(line.count <= 80, "\(command): an example line of \(line.count) columns: \(line)")
            }
            // A wrapped example would continue on a line that starts with an option, not indented.
            #expect(!examples.contains { $0.hasPrefix("--") || $0.hasPrefix("lr.svg") }, "\(command): an example wraps")
        }
    }

    @Test func requiredOptionsAreRequired() throws {
        let dir = try problem()
        for command in ["predict", "evaluate"] {
            let help = try CLI.run([command, "--help"], in: dir.url).stdout
            #expect(help.contains("--model <path> --data <path>") && !help.contains("[--data <path>]"), "\(command): \(help.prefix(400))")
            let r = try CLI.run([command, "--model", "m.json"], in: dir.url)
            #expect(r.status == 64 && r.stderr.contains("Missing expected argument '--data <path>'"), "\(command): \(r.status) \(r.stderr)")
        }
        let optimizer = try CLI.run(["train", "--help"], in: dir.url).stdout.replacingOccurrences(of: "\n", with: " ")
        #expect(optimizer.contains("sgd_optimizer") && optimizer.contains("adadelta_optimizer"))
        #expect(optimizer.contains("4 with --fail-on-warning"))
    }

    /// --epochs 0 writes the starting model (zeros for a linear model), which predicts the bias 0.
    @Test func zeroEpochsWritesTheStartingModel() throws {
        let dir = try problem()
        let r = try CLI.run(["train", "--data", "d.csv", "--epochs", "0", "-o", "m.json", "--quiet"], in: dir.url)
        #expect(r.status == 0 && r.stdout.contains("completed, 0 updates") && r.stdout.contains("model written to m.json"), "\(r.stderr)")
        let model = try JSONSerialization.jsonObject(with: dir.bytes("m.json")) as? [String: Any]
        let layer = try #require((model?["layers"] as? [[String: Any]])?.first)
        #expect((layer["weights"] as? [[Double]])?.joined().allSatisfy { $0 == 0 } == true)
        #expect((layer["bias"] as? [Double]) == [0])
        #expect(!r.stderr.contains("warning:"), "nothing was trained, so nothing is flagged: \(r.stderr)")
    }

    /// A one-cycle schedule longer than the run: a warning with the run's length and the fix.
    @Test func scheduleLengthIsChecked() throws {
        let dir = try problem()
        // 200 rows in batches of 20 = 10 updates per epoch, 5 epochs = 50 updates.
        let r = try CLI.run(["train", "--data", "d.csv", "--batch-size", "20", "--epochs", "5", "--lr", "0.05",
                             "--schedule", "onecycle:steps=2000", "--quiet"], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("warning: --schedule onecycle lasts 2000 updates, the run has 50 (5 epochs of 10): "
                                  + "the rate never anneals to its final value; give steps=50 or --epochs 200"), "\(r.stderr)")
        let cosine = try CLI.run(["train", "--data", "d.csv", "--batch-size", "20", "--epochs", "5", "--lr", "0.05",
                                  "--schedule", "cosine:T=5", "--quiet"], in: dir.url)
        #expect(!cosine.stderr.contains("warning:"), "a schedule of the run's length gets no warning: \(cosine.stderr)")
    }

    /// `--standardize all` with a logistic loss keeps the 0/1 labels (it used to standardise them
    /// and then blame the file), says so, and `evaluate` aligns accuracy with the other labels.
    @Test func classificationKeepsItsLabels() throws {
        let dir = try problem()
        let r = try CLI.run(["train", "--data", "labels.csv", "--loss", "logistic", "--standardize", "all", "--epochs", "3",
                             "-o", "c.json", "--quiet"], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("note: --standardize all standardises only the features with the logistic loss"), "\(r.stderr)")
        let e = try CLI.run(["evaluate", "--model", "c.json", "--data", "labels.csv"], in: dir.url)
        // The "label: value" block, up to the per-class table after the first blank line.
        let lines = e.stdout.split(separator: "\n", omittingEmptySubsequences: false).prefix { !$0.isEmpty }.map(String.init)
        let columns = Set(lines.map { line in line.distance(from: line.startIndex, to: line.firstIndex(of: ":")!) + 1
            + line.drop { $0 != ":" }.dropFirst().prefix { $0 == " " }.count })
        #expect(columns.count == 1, "the values do not start in one column:\n\(e.stdout)")
        #expect(lines.contains { $0.hasPrefix("accuracy:") })
    }
}
