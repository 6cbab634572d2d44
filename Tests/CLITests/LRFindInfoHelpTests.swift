import Foundation
import Testing
import Descent

@Suite struct LRFindInfoHelpTests {
    /// Full-batch gradient descent on ½·mean(Xw + b − y)² is stable only for lr < 2/λ_max(H), with
    /// H = [X 1]ᵀ[X 1]/n (computed here). The range test's suggestions must lie below that bound and
    /// the table, CSV and SVG must be written.
    @Test func lrFindSuggestsAStableRate() throws {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 100, weights: [2, -1, 0.5], bias: 1, noise: 0.05, seed: 4)
        try dir.write("d.csv", Problems.csv(x, y))
        let json = try CLI.json(["lr-find", "--data", "d.csv", "--batch-size", "full", "--start", "1e-4", "--end", "10",
                                 "--iterations", "80", "--csv", "lr.csv", "--plot", "lr.svg", "--json"], in: dir.url)
        let bound = 2 / largestEigenvalue(x)
        let suggestions = try #require(json["suggestions"] as? [[String: Any]])
        #expect(suggestions.map { $0["rule"] as? String } == ["auto", "steepest", "valley", "minimum"])
        let rates = suggestions.compactMap { $0["learningRate"] as? Double }
        #expect(!rates.isEmpty, "at least one reliable suggestion: \(suggestions)")
        for r in rates { #expect(r > 0 && r < bound, "suggestion \(r), stability bound \(bound)") }
        for s in suggestions where s["learningRate"] != nil {
            #expect(abs((s["cyclicBase"] as? Double ?? 0) - (s["learningRate"] as! Double) / 4) < 1e-15)
        }
        let updates = try #require(json["updates"] as? Int)
        let csv = try dir.read("lr.csv").split(separator: "\n")
        #expect(csv.first == "lr,raw_loss,smoothed_loss" && csv.count == updates + 1)
        #expect(try dir.read("lr.svg").hasPrefix("<svg"))
        let text = try CLI.run(["lr-find", "--data", "d.csv", "--batch-size", "full", "--start", "1e-4", "--iterations", "80"], in: dir.url)
        #expect(text.status == 0 && text.stdout.contains("steepest:") && text.stdout.contains("valley:"))
    }

    /// λ_max of [X 1]ᵀ[X 1]/n by power iteration (in Double, independent of the program).
    func largestEigenvalue(_ x: [[Double]]) -> Double {
        let rows = x.map { $0 + [1] }, d = rows[0].count, n = Double(rows.count)
        var h = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        for r in rows { for i in 0..<d { for j in 0..<d { h[i][j] += r[i] * r[j] / n } } }
        var v = [Double](repeating: 1, count: d), lambda = 0.0
        for _ in 0..<500 {
            let w = (0..<d).map { i in (0..<d).map { h[i][$0] * v[$0] }.reduce(0, +) }
            lambda = w.map { $0 * $0 }.reduce(0, +).squareRoot()
            v = w.map { $0 / lambda }
        }
        return lambda
    }

    /// `info` reports the same OpenBLAS kernel this process sees, and honours --threads.
    @Test func infoReportsTheBLASRuntime() throws {
        let dir = try TempDirectory()
        let json = try CLI.json(["info", "--threads", "1", "--json"], in: dir.url)
        #expect(json["blasCore"] as? String == BLASRuntime.coreName)
        #expect(json["blasThreads"] as? Int == 1)
        #expect(json["modelFormatVersion"] as? Int == ModelDocument.currentFormatVersion)
        let text = try CLI.run(["info"], in: dir.url)
        #expect(text.status == 0 && text.stdout.contains("BLAS core"))
    }

    /// Every command has help with examples, and exits 0 for it.
    @Test(arguments: [[], ["train"], ["lr-find"], ["evaluate"], ["predict"], ["info"]])
    func helpHasExamples(_ command: [String]) throws {
        let dir = try TempDirectory()
        let r = try CLI.run(command + ["--help"], in: dir.url)
        #expect(r.status == 0)
        #expect(r.stdout.contains("Examples:"), "\(command) --help: \(r.stdout)")
        #expect(r.stdout.contains("descent \(command.first ?? "train")"))
    }
}
