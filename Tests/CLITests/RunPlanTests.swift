import Foundation
import Testing
import Descent

/// The library runs what `descent train` runs: a `RunPlan` for the built-in problem (and for a CSV
/// file with a validation split and standardisation) gives bit for bit the model the CLI writes.
@Suite struct RunPlanTests {
    @Test func builtInProblemEqualsTheCLI() throws {
        let dir = try TempDirectory()
        let r = try CLI.run(["train", "--epochs", "3", "-o", "m.json", "--quiet"], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        let cli = try ModelFile.read(from: dir.url.appendingPathComponent("m.json"), as: Double.self)
        var plan = RunPlan(data: DataSpec(path: nil), optimizer: try OptimizerSettings(parsing: "sgd:momentum=0.9"))
        plan.epochs = 3
        let prepared = try plan.prepare(Double.self)
        #expect(prepared.scheduleText == "cosine:T=939,unit=batch" && prepared.batch == 64)
        let result = try prepared.run()
        #expect(result.parameters == cli.parameters)
        #expect(prepared.recipe.trainingRecord(stopReason: "completed", batch: 64)["optimizer"] == cli.training["optimizer"])
    }

    @Test func csvWithSplitAndStandardisationEqualsTheCLI() throws {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 300, weights: [1, -1], bias: 0.5, noise: 0.05, seed: 2)
        try dir.write("d.csv", Problems.csv(x, y))
        let r = try CLI.run(["train", "--data", "d.csv", "--epochs", "4", "--validation-split", "0.2", "--standardize", "all",
                             "--optimizer", "dog", "-o", "m.json", "--quiet", "--dtype", "float"], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        let cli = try ModelFile.read(from: dir.url.appendingPathComponent("m.json"), as: Float.self)
        var plan = RunPlan(data: DataSpec(path: dir.url.appendingPathComponent("d.csv").path),
                           preparation: PreparationSpec(validationSplit: 0.2, standardize: .all),
                           optimizer: try OptimizerSettings(parsing: "dog"))
        plan.epochs = 4
        let result = try plan.prepare(Float.self).run()
        #expect(result.parameters == cli.parameters)
    }

    /// The README's `RunPlan` example, verbatim apart from its first line (the folder) and the checks.
    @Test func readmeExample() throws {
        let dir = try TempDirectory()
        var csv = "rooms,age,distance,price\n"
        var g = SeededGenerator(seed: 7)
        for _ in 0..<500 {
            let r = 1 + Int(6 * g.nextUnit()), a = 100 * g.nextUnit(), d = 30 * g.nextUnit()
            csv += "\(r),\(a),\(d),\(50 + 40 * Double(r) - 0.8 * a - 3 * d + 10 * (g.nextUnit() - 0.5))\n"
        }
        try dir.write("houses.csv", csv)
        // --- README: "A whole run, as descent train does it" ---
        let folder = dir.url
        var plan = RunPlan(data: DataSpec(path: folder.appendingPathComponent("houses.csv").path, targetColumns: [.name("price")]),
                           preparation: PreparationSpec(validationSplit: 0.2, standardize: .all),
                           optimizer: try OptimizerSettings(parsing: "sgd:momentum=0.9"))
        plan.learningRate = .given(0.2)
        plan.schedule = "cosine:T=15"
        plan.epochs = 15
        let run = try plan.prepare(Double.self)
        let result = try run.run()
        let model = SavedModel(shape: run.setup.shape, parameters: result.parameters, loss: run.setup.loss)
        try ModelFile.write(model, to: folder.appendingPathComponent("m.json"))
        // --- end of README example ---
        #expect(result.stopReason == .completed && result.history.count == 15)
        #expect(try ModelFile.read(from: folder.appendingPathComponent("m.json"), as: Double.self).parameters == result.parameters)
        #expect((result.history.last?.validationMetric ?? 0) > 0.99)   // R² of a nearly linear table
    }
}
