import Descent
import Foundation

/// Per-epoch metrics files (`.json`, else CSV, also for `-`) and the loss plot.
enum MetricsFile {
    static func write(_ history: [EpochRecord], to path: String) throws {
        let text: String
        if path.hasSuffix(".json") {
            text = JSONText.encode(history) + "\n"
        } else {
            var s = "epoch,training_loss,validation_loss,validation_metric,learning_rate,updates,seconds\n"
            for r in history {
                s += "\(r.epoch + 1),\(r.trainingLoss),\(r.validationLoss.map { "\($0)" } ?? ""),"
                    + "\(r.validationMetric.map { "\($0)" } ?? ""),\(r.learningRate),\(r.steps),\(r.seconds)\n"
            }
            text = s
        }
        try OutputPath.write(Data(text.utf8), to: path)
    }

    static func writePlot(_ history: [EpochRecord], to path: String, hasValidation: Bool) throws {
        let epochs = history.map { Double($0.epoch + 1) }
        var series = [PlotSeries(name: "training loss", x: epochs, y: history.map(\.trainingLoss))]
        if hasValidation {
            series.append(PlotSeries(name: "validation loss", x: epochs, y: history.map { $0.validationLoss ?? .nan }))
        }
        let positive = series.allSatisfy { $0.y.allSatisfy { !$0.isFinite || $0 > 0 } }
        let plot = LinePlot(title: "Loss per epoch", xLabel: "epoch", yLabel: "loss", yScale: positive ? .log10 : .linear, series: series)
        try OutputPath.write(Data(plot.svg().utf8), to: path)
    }
}
