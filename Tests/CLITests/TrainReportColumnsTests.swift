import Foundation
import Testing
import Descent

/// The epoch table's validation columns (`TrainReport`): the loss and the loss kind's primary
/// metric, then what --monitor / --schedule-metric watch when neither shows it. Each cell is the
/// run's own record of that quantity (the `--metrics` JSON file), printed to 6 digits.
@Suite struct TrainReportColumnsTests {
    /// Header cells (split at two or more spaces) and the data rows' cells.
    func table(_ stdout: String) throws -> (header: [String], rows: [[String]]) {
        let lines = stdout.split(separator: "\n").map(String.init)
        let start = try #require(lines.firstIndex { $0.hasPrefix("epoch ") }, "no table in \(stdout)")
        let header = lines[start].split(separator: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let rows = lines[(start + 1)...].prefix { $0.trimmingCharacters(in: .whitespaces).first?.isNumber == true }
            .map { $0.split(separator: " ").map(String.init) }
        return (header, Array(rows))
    }

    /// Checks every row's cells against the recorded quantities, column by column.
    func check(_ t: (header: [String], rows: [[String]]), against records: [EpochRecord], columns: [(String, MonitoredQuantity)]) {
        #expect(t.rows.count == records.count)
        for (row, record) in zip(t.rows, records) {
            for (name, q) in columns {
                guard let j = t.header.firstIndex(of: name), j < row.count else { Issue.record("no column \(name) in \(t.header)"); continue }
                let v = record.value(of: q)
                #expect(v != nil && Double(row[j]).map { abs($0 - v!) <= 5e-6 * max(abs(v!), 1e-300) } == true,
                        "epoch \(record.epoch + 1) \(name): printed \(row[j]), recorded \(v.map { "\($0)" } ?? "none")")
            }
        }
    }

    @Test func regressionAddsTheMonitoredAndScheduleMetrics() throws {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 90, weights: [2, -1], bias: 0.3, noise: 0.2, seed: 13)
        try dir.write("d.csv", Problems.csv(x, y))
        let r = try CLI.run(["train", "--data", "d.csv", "--epochs", "4", "--validation-split", "0.3", "--early-stopping", "50",
                             "--monitor", "val-mae", "--schedule", "plateau:patience=1", "--schedule-metric", "val-rmse",
                             "--metrics", "m.json"], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        let t = try table(r.stdout)
        #expect(t.header == ["epoch", "train loss", "val loss", "val R²", "val MAE", "val RMSE", "lr", "updates", "seconds"], "\(t.header)")
        let records = try JSONDecoder().decode([EpochRecord].self, from: dir.bytes("m.json"))
        check(t, against: records, columns: [("val loss", .validationLoss), ("val R²", .validationR2), ("val MAE", .validationMAE),
                                              ("val RMSE", .validationRMSE)])
    }

    /// Monitoring what the table already shows (the loss, the primary metric by either name) adds nothing.
    @Test(arguments: ["val-loss", "val-metric", "val-r2", "train-loss"]) func shownQuantitiesAreNotRepeated(monitor: String) throws {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 60, weights: [1, 2], bias: 0, noise: 0.1, seed: 2)
        try dir.write("d.csv", Problems.csv(x, y))
        let r = try CLI.run(["train", "--data", "d.csv", "--epochs", "2", "--validation-split", "0.25", "--early-stopping", "5",
                             "--monitor", monitor], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try table(r.stdout).header == ["epoch", "train loss", "val loss", "val R²", "lr", "updates", "seconds"])
    }

    /// A classifier: loss (the cross-entropy) and accuracy, plus the monitored ROC-AUC and log-loss.
    @Test func classificationShowsAccuracyAndTheMonitoredMetric() throws {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 80, weights: [1.5, -1], bias: 0.2, noise: 0.5, seed: 5)
        try dir.write("c.csv", Problems.csv(x, y.map { $0 > 0 ? 1 : 0 }))
        let base = ["train", "--data", "c.csv", "--loss", "logistic", "--epochs", "3", "--validation-split", "0.25"]
        let plain = try CLI.run(base, in: dir.url)
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(try table(plain.stdout).header == ["epoch", "train loss", "val loss", "val acc", "lr", "updates", "seconds"])
        let r = try CLI.run(base + ["--early-stopping", "9", "--monitor", "val-roc-auc", "--schedule", "plateau:patience=1",
                                    "--schedule-metric", "val-log-loss", "--metrics", "m.json"], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        let t = try table(r.stdout)
        #expect(t.header == ["epoch", "train loss", "val loss", "val acc", "val ROC-AUC", "val log-loss", "lr", "updates", "seconds"], "\(t.header)")
        let records = try JSONDecoder().decode([EpochRecord].self, from: dir.bytes("m.json"))
        check(t, against: records, columns: [("val loss", .validationLoss), ("val acc", .validationAccuracy),
                                              ("val ROC-AUC", .validationROCAUC), ("val log-loss", .validationLogLoss)])
    }
}
