import Foundation
import Testing
import Descent

/// `--lr auto` on problems no other test uses, through the built executable: each run ends within
/// `factor` of the training loss of the best rate of a half-decade grid over the same settings (the
/// "tuned grid"), and says what it swept and which rule it took.
///
/// Measured (debug build, this machine), auto / best grid loss: README houses with a split 1.002,
/// without 1.007, MLP on a nonlinear target 1.70, unscaled features 1.004, logistic regression 1.009.
@Suite struct AutoLearningRateTests {
    static let factor = 2.0

    struct Problem {
        var name: String
        var args: [String]
        var grid: [Double]
    }

    /// Half-decades from 10^lo to 10^hi.
    static func halfDecades(_ lo: Int, _ hi: Int) -> [Double] {
        (2 * lo...2 * hi).map { pow(10, Double($0) / 2) }
    }

    /// Writes the problems' files: the README's house table (its own awk command), an MLP target,
    /// unscaled features and 0/1 labels.
    static func files(_ dir: TempDirectory) throws {
        let readme = try String(contentsOf: CLI.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let awk = try #require(readme.split(separator: "\n").first { $0.hasPrefix("$ awk ") && $0.hasSuffix("> houses.csv") })
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", String(awk.dropFirst(2))]
        shell.currentDirectoryURL = dir.url
        try shell.run()
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0 && dir.exists("houses.csv"))

        var g = SeededGenerator(seed: 11)
        var mlp = "a,b,c,d,e,y\n", unscaled = "size,ratio,count,y\n", logit = "a,b,c,label\n"
        for _ in 0..<2000 {
            let x = (0..<5).map { _ in g.nextGaussian() }
            let y = Foundation.sin(2 * x[0]) + x[1] * x[2] + 0.5 * x[3] * x[3] + 0.05 * g.nextGaussian()
            mlp += (x + [y]).map { String($0) }.joined(separator: ",") + "\n"
        }
        for _ in 0..<3000 {
            let size = Double.random(in: 500..<3000, using: &g), ratio = Double.random(in: 0..<0.02, using: &g)
            let count = Double(Int.random(in: 1...9, using: &g))
            unscaled += "\(size),\(ratio),\(count),\(0.05 * size + 400 * ratio + 3 * count + g.nextGaussian())\n"
            let x = (0..<3).map { _ in g.nextGaussian() }
            let p = 1 / (1 + Foundation.exp(-(1.5 * x[0] - 2 * x[1] + 0.5 * x[2] + 0.3)))
            logit += x.map { String($0) }.joined(separator: ",") + ",\(Double.random(in: 0..<1, using: &g) < p ? 1 : 0)\n"
        }
        try dir.write("mlp.csv", mlp)
        try dir.write("unscaled.csv", unscaled)
        try dir.write("logit.csv", logit)
    }

    static let problems: [Problem] = [
        Problem(name: "README houses, validation split",
                args: ["--data", "houses.csv", "--target", "price", "--standardize", "all", "--validation-split", "0.2", "--epochs", "15"],
                grid: halfDecades(-4, 0)),
        Problem(name: "README houses", args: ["--data", "houses.csv", "--target", "price", "--standardize", "all", "--epochs", "15"],
                grid: halfDecades(-4, 0)),
        Problem(name: "MLP 5→32→16→1, nonlinear target",
                args: ["--data", "mlp.csv", "--model", "mlp", "--hidden", "32,16", "--standardize", "all", "--epochs", "30"],
                grid: halfDecades(-3, 0)),
        Problem(name: "unscaled features", args: ["--data", "unscaled.csv", "--epochs", "15"], grid: halfDecades(-9, -5)),
        Problem(name: "logistic regression",
                args: ["--data", "logit.csv", "--loss", "logistic", "--standardize", "features", "--epochs", "15"],
                grid: halfDecades(-3, 1)),
    ]

    /// The final training loss of one run (nil when it failed, e.g. diverged), and its stderr.
    static func loss(_ args: [String], in dir: TempDirectory) throws -> (Double?, String) {
        let r = try CLI.run(["train"] + args + ["--json"], in: dir.url)
        guard r.status == 0 else { return (nil, r.stderr) }
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        return (object?["trainingLoss"] as? Double, r.stderr)
    }

    @Test(arguments: 0..<problems.count) func autoIsWithinAFactorOfTheTunedGrid(_ index: Int) throws {
        let problem = Self.problems[index]
        let dir = try TempDirectory()
        try Self.files(dir)
        let (auto, note) = try Self.loss(problem.args + ["--lr", "auto"], in: dir)
        let autoLoss = try #require(auto, "\(problem.name): --lr auto failed: \(note)")
        #expect(note.contains("--lr auto: range test on the batch losses of the"), "\(note)")
        var best = (loss: Double.infinity, rate: 0.0)
        for rate in problem.grid {
            if let l = try Self.loss(problem.args + ["--lr", "\(rate)"], in: dir).0, l < best.loss { best = (l, rate) }
        }
        #expect(best.loss.isFinite, "\(problem.name): no grid rate trained")
        print("[lr auto] \(problem.name): auto loss \(autoLoss), best grid loss \(best.loss) at lr \(best.rate), ratio \(autoLoss / best.loss)")
        #expect(autoLoss <= Self.factor * best.loss, "\(problem.name): auto \(autoLoss) vs grid \(best.loss) at \(best.rate); \(note)")
    }

    /// The split is named in what the sweep ran on, in `lr-find` as in `train --lr auto`.
    @Test func theSweptRowsAreNamed() throws {
        let dir = try TempDirectory()
        try Self.files(dir)
        let r = try CLI.run(["lr-find", "--data", "houses.csv", "--target", "price", "--standardize", "all", "--validation-split", "0.2"],
                            in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("on:        the batch losses of the 4000 training rows (the 1000 validation rows are not used)"))
        #expect(r.stdout.contains("     auto: "))
    }
}
