import Descent
import Foundation

/// Per-epoch metrics files (`.json`, else CSV, also for `-`) and the loss plot.
enum MetricsFile {
    static func write(_ history: [EpochRecord], to path: String) throws {
        let text: String
        if path.hasSuffix(".json") {
            text = JSONText.encode(history) + "\n"
        } else {
            // The scalar validation metrics the history has (those of the loss kind), after the fixed columns.
            let extra = extraColumns.filter { c in history.contains { $0.value(of: c.quantity) != nil } }
            var s = "epoch,training_loss,validation_loss,validation_metric,learning_rate,updates,seconds"
                + extra.map { ",\($0.name)" }.joined() + "\n"
            for r in history {
                s += "\(r.epoch + 1),\(r.trainingLoss),\(r.validationLoss.map { "\($0)" } ?? ""),"
                    + "\(r.validationMetric.map { "\($0)" } ?? ""),\(r.learningRate),\(r.steps),\(r.seconds)"
                    + extra.map { ",\(r.value(of: $0.quantity).map { "\($0)" } ?? "")" }.joined() + "\n"
            }
            text = s
        }
        try OutputPath.write(Data(text.utf8), to: path)
    }

    /// CSV columns of the loss kinds' scalar validation metrics, in this order.
    static let extraColumns: [(name: String, quantity: MonitoredQuantity)] = [
        ("validation_rmse", .validationRMSE), ("validation_r2", .validationR2), ("validation_mae", .validationMAE),
        ("validation_explained_variance", .validationExplainedVariance), ("validation_accuracy", .validationAccuracy),
        ("validation_log_loss", .validationLogLoss), ("validation_roc_auc", .validationROCAUC),
    ]

    /// The loss plot (`LinePlot.trainingLoss`): the y label says whether the losses are on
    /// standardised targets or in data units, the best epoch and an early stop are marked.
    static func writePlot(_ history: [EpochRecord], to path: String, hasValidation: Bool, loss: Loss? = nil,
                          standardizedTargets: Bool = false, earlyStopping: EarlyStopping? = nil, stopReason: StopReason? = nil) throws {
        let units: LossPlotUnits = loss.map { $0.isClassification ? .none : (standardizedTargets ? .standardizedTargets : .dataUnits) } ?? .none
        let plot = LinePlot.trainingLoss(history, hasValidation: hasValidation, loss: loss, units: units,
                                         earlyStopping: earlyStopping, stopReason: stopReason)
        try OutputPath.write(Data(plot.svg().utf8), to: path)
    }
}
