import Foundation
import Testing
import Descent

/// With standardised targets, `train`'s final summary reports in the data's units, labelled, and
/// agrees with `evaluate` on the same rows; the standardised figures relate to them by the target scale.
@Suite struct DataUnitsSummaryTests {
    @Test(arguments: ["double", "float"])
    func summaryIsInTheDataUnits(dtype: String) throws {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 300, weights: [30, -20], bias: 100, noise: 5, seed: 4)
        try dir.write("d.csv", Problems.csv(x, y))
        let args = ["train", "--data", "d.csv", "--standardize", "all", "--epochs", "5", "--lr", "0.05", "--dtype", dtype, "-o", "m.json"]
        let json = try CLI.json(args + ["--json"], in: dir.url)
        let units = try #require(json["dataUnits"] as? [String: Any])
        let training = try #require(units["training"] as? [String: Any])
        let dataRMSE = try #require(training["rmse"] as? Double)
        let dataLoss = try #require(training["loss"] as? Double)
        let standardizedRMSE = try #require(json["trainingRMSE"] as? Double)
        let tolerance = dtype == "double" ? 1e-9 : 1e-4

        // Closed form: predictions and targets are both x·s + μ of their standardised values, so the
        // RMSE scales by the target scale s and the squared-error loss (½·MSE) by s².
        let model = try ModelDocument.load(from: URL(fileURLWithPath: dir.path("m.json")))
        let scale = try #require(model.standardization?.targetScales?.first)
        #expect(abs(dataRMSE - standardizedRMSE * scale) <= tolerance * dataRMSE)
        #expect(abs(dataLoss - 0.5 * dataRMSE * dataRMSE) <= tolerance * dataLoss)
        #expect(dataRMSE > 1, "the noise is σ = 5 in data units: \(dataRMSE)")

        // No validation split: the training rows are the whole file, as `evaluate` sees it.
        let evaluated = try CLI.json(["evaluate", "--model", "m.json", "--data", "d.csv", "--dtype", dtype, "--json"], in: dir.url)
        let evaluatedRMSE = try #require(evaluated["rmse"] as? Double)
        #expect(abs(evaluatedRMSE - dataRMSE) <= tolerance * dataRMSE, "evaluate \(evaluatedRMSE), train \(dataRMSE)")

        let text = try CLI.run(args, in: dir.url)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("in the targets' own units (as `evaluate` reports; the table above is on standardised targets):\ntraining loss "))

        // Without target standardisation there is nothing to convert: no extra section.
        let plain = try CLI.json(["train", "--data", "d.csv", "--standardize", "features", "--epochs", "1", "--dtype", dtype, "--json"], in: dir.url)
        #expect(plain["dataUnits"] == nil)
    }
}
