import Foundation
import Testing
import Descent

/// `descent train`, driven as a subprocess.
@Suite struct TrainCommandTests {
    /// The README's main job: the built-in problem. Truths: the exact least-squares loss of a linear
    /// model on data with Gaussian noise σ is ≈ ½σ²·(n − d − 1)/n (σ = 0.1, n = 20 000, d = 20), and
    /// SGD must land next to the least-squares solution the command computes with LAPACK.
    @Test func defaultRunConvergesToLeastSquares() throws {
        let dir = try TempDirectory()
        let r = try CLI.run(["train"], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("exact least-squares loss"))
        #expect(r.stderr.isEmpty, "no progress bar or notes when stderr is not a terminal: \(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("   10 ") }, "a row per epoch, 10 epochs")

        let json = try CLI.json(["train", "--json"], in: dir.url)
        let ls = try #require(json["leastSquares"] as? [String: Any])
        let lsLoss = try #require(ls["leastSquaresLoss"] as? Double)
        let expected = 0.5 * 0.01 * Double(20_000 - 21) / 20_000
        #expect(abs(lsLoss - expected) / expected < 0.05, "least-squares loss \(lsLoss), noise floor \(expected)")
        let relativeGap = try #require(ls["relativeGap"] as? Double)
        #expect(relativeGap >= -1e-12 && relativeGap < 1e-3, "SGD's loss is within 0.1 % of the least-squares loss: \(relativeGap)")
        let distance = try #require(ls["relativeDistance"] as? Double)
        #expect(distance < 1e-3, "‖W − W*‖/‖W*‖ = \(distance)")
        #expect((json["history"] as? [Any])?.count == 10)
    }

    /// Full-batch gradient descent on a CSV file reaches the least-squares solution computed here by
    /// LAPACK (`LeastSquares.solve` in Double), read back from the written model file.
    func leastSquaresOnCSV(dtype: String, tolerance: Double) throws {
        let dir = try TempDirectory()
        let w = [1.5, -2.0, 0.5]
        let (x, y) = Problems.linear(n: 200, weights: w, bias: 3, noise: 0.1, seed: 7)
        try dir.write("d.csv", Problems.csv(x, y))
        let r = try CLI.run(["train", "--data", "d.csv", "--batch-size", "full", "--epochs", "400", "--lr", "0.5",
                             "--dtype", dtype, "--output", "m.json", "--quiet"], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try ModelDocument.load(from: URL(fileURLWithPath: dir.path("m.json")))
        let exact = try LeastSquares.solve(Matrix(x), Matrix(y.map { [$0] }), intercept: true)
        for j in 0..<3 {
            #expect(abs(doc.layers[0].weights[j][0] - exact.weights[j, 0]) < tolerance, "weight \(j)")
        }
        #expect(abs((doc.layers[0].bias?[0] ?? .nan) - exact.bias[0]) < tolerance)
        #expect(doc.featureNames == ["f0", "f1", "f2"] && doc.targetNames == ["target"])
        #expect(doc.training["dtype"] == dtype)
    }

    @Test func leastSquaresOnCSVDouble() throws { try leastSquaresOnCSV(dtype: "double", tolerance: 1e-9) }
    @Test func leastSquaresOnCSVFloat() throws { try leastSquaresOnCSV(dtype: "float", tolerance: 1e-4) }

    /// Metrics (CSV and JSON) hold one record per epoch and agree with each other and with --json;
    /// the SVG plot has a validation series when a validation split is asked for.
    @Test func metricsAndPlotFiles() throws {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 120, weights: [1, 2], bias: 0, noise: 0.1, seed: 3)
        try dir.write("d.csv", Problems.csv(x, y))
        let common = ["train", "--data", "d.csv", "--epochs", "4", "--validation-split", "0.25", "--standardize", "all", "--seed", "5"]
        let json = try CLI.json(common + ["--metrics", "m.csv", "--plot", "loss.svg", "--json"], in: dir.url)
        _ = try CLI.json(common + ["--metrics", "m.json", "--json"], in: dir.url)
        let csv = try dir.read("m.csv").split(separator: "\n")
        #expect(csv.count == 5 && csv[0].hasPrefix("epoch,training_loss,validation_loss"))
        // Both files carry the exact numbers (shortest round-tripping digits), read back exactly.
        let records = try JSONDecoder().decode([EpochRecord].self, from: dir.bytes("m.json"))
        let history = try #require(json["history"] as? [[String: Any]])
        #expect(records.count == 4 && history.count == 4)
        for (i, line) in csv.dropFirst().enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            #expect(Double(cells[1]) == records[i].trainingLoss)
            #expect(Double(cells[2]) == records[i].validationLoss)
            #expect(Int(cells[5]) == records[i].steps)
            // The --json history (parsed here by JSONSerialization) agrees to the last bits.
            let v = try #require(history[i]["validationLoss"] as? Double)
            #expect(abs(v - records[i].validationLoss!) <= 4 * v.ulp)
        }
        let svg = try dir.read("loss.svg")
        #expect(svg.hasPrefix("<svg") && svg.contains("validation loss") && svg.contains("training loss"))
    }

    /// `--lr auto` runs the range test with lr-find's defaults and trains with its `auto` suggestion
    /// (`LRConsensus`); a one-cycle schedule then peaks at that rate.
    @Test func autoLearningRateUsesTheRangeTest() throws {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 2000, weights: [1, -1, 2], bias: 1, noise: 0.1, seed: 11)
        try dir.write("d.csv", Problems.csv(x, y))
        let data = ["--data", "d.csv", "--batch-size", "16"]
        let finder = try CLI.json(["lr-find"] + data + ["--json"], in: dir.url)
        let suggestions = try #require(finder["suggestions"] as? [[String: Any]])
        let suggested = try #require(suggestions.first { $0["rule"] as? String == "auto" }?["learningRate"] as? Double)
        let trained = try CLI.json(["train"] + data + ["--lr", "auto", "--epochs", "2", "--schedule", "onecycle:steps=250", "--json"], in: dir.url)
        #expect(trained["learningRate"] as? Double == suggested)
        #expect((trained["schedule"] as? String)?.contains("max=\(suggested)") == true)
        let history = try #require(trained["history"] as? [[String: Any]])
        #expect(history.allSatisfy { ($0["learningRate"] as? Double ?? .infinity) <= suggested * (1 + 1e-12) })
        // Smith's rule, as the README says, for both cyclic kinds: the cycle starts at max/4.
        let onecycle = try parseSchedule(try #require(trained["schedule"] as? String), baseLearningRate: suggested)
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * b }
        #expect(close(try onecycle.learningRate(at: 0, metrics: []), suggested / 4))
        let cyclic = try CLI.json(["train"] + data + ["--lr", "auto", "--epochs", "1", "--schedule", "cyclic:up=20", "--json"], in: dir.url)
        let cyclicText = try #require(cyclic["schedule"] as? String)
        #expect(close(try parseSchedule(cyclicText, baseLearningRate: suggested).learningRate(at: 0, metrics: []), suggested / 4), "\(cyclicText)")
        // A divisor the user gives is kept.
        let own = try CLI.json(["train"] + data + ["--lr", "auto", "--epochs", "1", "--schedule", "onecycle:steps=125,div=10", "--json"], in: dir.url)
        let ownText = try #require(own["schedule"] as? String)
        #expect(close(try parseSchedule(ownText, baseLearningRate: suggested).learningRate(at: 0, metrics: []), suggested / 10), "\(ownText)")
    }

    /// Every optimizer in the registry trains from the command line by its name with its defaults
    /// (default learning rate included), and in its text form with a field set.
    @Test(arguments: OptimizerRegistry.all.map(\.name))
    func everyRegisteredOptimizerTrains(name: String) throws {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 300, weights: [1, -1], bias: 0.5, noise: 0.05, seed: 2)
        try dir.write("d.csv", Problems.csv(x, y))
        let spec = try OptimizerRegistry.spec(named: name)
        for text in [name, name + ":weight_decay=1e-6"] where text == name || spec.field(named: "weight_decay") != nil {
            let json = try CLI.json(["train", "--data", "d.csv", "--epochs", "20", "--json", "--optimizer", text], in: dir.url)
            let history = try #require(json["history"] as? [[String: Any]])
            let first = try #require(history.first?["trainingLoss"] as? Double)
            let final = try #require(json["trainingLoss"] as? Double)
            #expect(final < 0.5 * first, "\(text): loss \(first) → \(final)")
        }
    }

    /// Every optimizer the library has is reachable by name (microsoftml spellings included) and
    /// lowers the training loss on a well-posed problem.
    @Test(arguments: [["--optimizer", "sgd", "--momentum", "0.9", "--nesterov"],
                      ["--optimizer", "sgd_optimizer", "--momentum", "0.5", "--nag", "--weight_decay", "1e-4"],
                      ["--optimizer", "adadelta_optimizer", "--decay", "0.9", "--cond", "1e-6"],
                      ["--optimizer", "dog"], ["--optimizer", "ldog"], ["--optimizer", "dadapt-sgd"],
                      ["--optimizer", "schedule-free", "--lr", "0.5"], ["--optimizer", "lfm"],
                      ["--optimizer", "sgd", "--lr", "0.05", "--average-from", "50", "--model", "mlp", "--hidden", "8,4"]])
    func everyOptimizerTrains(_ options: [String]) throws {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 300, weights: [1, -1], bias: 0.5, noise: 0.05, seed: 2)
        try dir.write("d.csv", Problems.csv(x, y))
        let json = try CLI.json(["train", "--data", "d.csv", "--epochs", "20", "--json"] + options, in: dir.url)
        let history = try #require(json["history"] as? [[String: Any]])
        let first = try #require(history.first?["trainingLoss"] as? Double)
        let final = try #require(json["trainingLoss"] as? Double)
        #expect(final < 0.5 * first, "\(options): loss \(first) → \(final)")
        #expect(json["stopReason"] as? String == "completed")
    }
}
