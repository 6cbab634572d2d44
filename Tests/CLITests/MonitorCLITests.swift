import Foundation
import Testing
import Descent

/// `--monitor`/`--schedule-metric` by metric name, and the loss kind's validation metrics in the
/// `--metrics` files.
@Suite struct MonitorCLITests {
    /// The CSV gains the regression metrics (and not the classification ones), each equal to the
    /// JSON file's record; early stopping on val-mae reports the best epoch of that column.
    @Test func metricsFileHasTheRegressionMetrics() throws {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 90, weights: [2, -1], bias: 0.3, noise: 0.2, seed: 13)
        try dir.write("d.csv", Problems.csv(x, y))
        let common = ["train", "--data", "d.csv", "--epochs", "5", "--validation-split", "0.3", "--seed", "4",
                      "--early-stopping", "50", "--monitor", "val-mae"]
        _ = try CLI.json(common + ["--metrics", "m.csv", "--json"], in: dir.url)
        _ = try CLI.json(common + ["--metrics", "m.json", "--json"], in: dir.url)
        let csv = try dir.read("m.csv").split(separator: "\n")
        #expect(csv[0] == "epoch,training_loss,validation_loss,validation_metric,learning_rate,updates,seconds,"
                + "validation_rmse,validation_r2,validation_mae,validation_explained_variance")
        let records = try JSONDecoder().decode([EpochRecord].self, from: dir.bytes("m.json"))
        #expect(records.count == 5 && csv.count == 6)
        for (i, line) in csv.dropFirst().enumerated() {
            let c = line.split(separator: ",", omittingEmptySubsequences: false).map { Double($0) }
            #expect(c[7] == records[i].validationRMSE && c[8] == records[i].validationR2 && c[9] == records[i].validationMAE)
            #expect(c[10] == records[i].validationExplainedVariance && c[8] == records[i].validationMetric)
            #expect(records[i].validationAccuracy == nil && records[i].validationROCAUC == nil)
        }
    }

    @Test func refusesAMetricOfTheOtherKindAndAContradictoryPlateau() throws {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 40, weights: [1, 2], bias: 0, noise: 0.1, seed: 1)
        try dir.write("d.csv", Problems.csv(x, y))
        let base = ["train", "--data", "d.csv", "--epochs", "2", "--validation-split", "0.25", "-o", "out.json"]
        let cases: [([String], [String])] = [
            (["--early-stopping", "1", "--monitor", "val-accuracy"], ["validation accuracy", "classification loss"]),
            (["--schedule", "plateau:mode=min", "--schedule-metric", "val-r2"], ["mode=min", "validation R²", "mode=max"]),
            (["--monitor", "val-nope"], ["val-nope"]),
        ]
        for (extra, expected) in cases {
            let r = try CLI.run(base + extra, in: dir.url)
            #expect(r.status != 0)
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(r.stderr)")
            for e in expected { #expect(r.stderr.contains(e), "\(extra): \(r.stderr)") }
            #expect(!FileManager.default.fileExists(atPath: dir.path("out.json")))
        }
        // The plateau schedule follows a higher-is-better metric: mode=max in the recipe's schedule.
        let ok = try CLI.json(base.dropLast(2) + ["--schedule", "plateau:patience=1", "--schedule-metric", "val-r2", "--json"], in: dir.url)
        #expect((ok["schedule"] as? String)?.contains("mode=max") == true, "\(ok["schedule"] ?? "none")")
    }
}
