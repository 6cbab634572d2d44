import Descent
import Foundation

/// What `train` prints: a header and a per-epoch table on stdout (unless --quiet or --json), then
/// a summary, or one JSON object with --json.
struct TrainReport {
    let json: Bool
    let quiet: Bool
    let hasValidation: Bool
    let isClassification: Bool

    var showTable: Bool { !json && !quiet }

    func header(context: TrainRun<some BLASScalar>.RunContext, dtype: String, resumedNote: String?) {
        if let note = context.lrNote { Terminal.note(note) }
        if let note = resumedNote { Terminal.note(note) }
        guard showTable else { return }
        Terminal.out("data:      \(context.setup.dataDescription)")
        Terminal.out("model:     \(context.setup.shape), loss \(LossName.name(context.setup.loss)), start \(context.setup.initialDescription), \(dtype)")
        Terminal.out("optimizer: \(context.optimizerSummary), lr \(Format.number(context.learningRate))"
                     + (context.scheduleText.map { ", schedule \($0)" } ?? "")
                     + ", batch \(context.batchSize), \(context.epochs) epochs")
        var columns = ["epoch", "train loss"]
        if hasValidation { columns += ["val loss", isClassification ? "val acc" : "val R²"] }
        columns += ["lr", "updates", "seconds"]
        Terminal.out(columns.map { Format.padLeft($0, width($0)) }.joined(separator: "  "))
    }

    private func width(_ column: String) -> Int { column == "epoch" ? 5 : 12 }

    func row(_ r: EpochRecord) {
        guard showTable else { return }
        var cells = [Format.padLeft("\(r.epoch + 1)", 5), Format.padLeft(Format.number(r.trainingLoss), 12)]
        if hasValidation {
            cells.append(Format.padLeft(r.validationLoss.map(Format.number) ?? "-", 12))
            cells.append(Format.padLeft(r.validationMetric.map(Format.number) ?? "-", 12))
        }
        cells += [Format.padLeft(Format.number(r.learningRate), 12), Format.padLeft("\(r.steps)", 12),
                  Format.padLeft(String(format: "%.3f", r.seconds), 12)]
        Terminal.out(cells.joined(separator: "  "))
    }

    struct Summary: Encodable {
        var stopReason: String
        var steps: Int
        var learningRate: Double
        var schedule: String?
        var trainingLoss: Double
        var trainingRMSE: Double?
        var trainingR2: Double?
        var trainingAccuracy: Double?
        var validation: Evaluation?
        var leastSquares: LeastSquaresComparison?
        var model: String?
        var history: [EpochRecord]
    }

    func finish<S: BLASScalar>(result: TrainingResult<S>, training: Evaluation, validation: Evaluation?,
                               comparison: LeastSquaresComparison?, modelPath: String?, learningRate: Double, schedule: String?) {
        if json {
            let summary = Summary(stopReason: result.stopReason.description, steps: result.steps, learningRate: learningRate,
                                  schedule: schedule, trainingLoss: training.loss, trainingRMSE: training.rmse,
                                  trainingR2: training.r2, trainingAccuracy: training.accuracy, validation: validation,
                                  leastSquares: comparison, model: modelPath, history: result.history)
            Terminal.out(JSONText.encode(summary))
            return
        }
        var lines = ["\(result.stopReason), \(result.steps) updates"]
        var t = "training loss \(Format.number(training.loss))"
        if let a = training.accuracy { t += ", accuracy \(Format.number(a))" }
        if let r = training.rmse, let r2 = training.r2 { t += ", RMSE \(Format.number(r)), R² \(Format.number(r2))" }
        lines.append(t)
        if let v = validation {
            var s = "validation loss \(Format.number(v.loss))"
            if let a = v.accuracy { s += ", accuracy \(Format.number(a))" }
            if let r = v.rmse, let r2 = v.r2 { s += ", RMSE \(Format.number(r)), R² \(Format.number(r2))" }
            lines.append(s)
        }
        if let c = comparison { lines.append("SGD against the exact answer on the same data:"); lines += c.lines }
        if let m = modelPath { lines.append("model written to \(m)") }
        for l in lines { Terminal.out(l) }
    }
}

/// Sorted, pretty JSON for --json output.
enum JSONText {
    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// How close SGD came to the exact least-squares answer on the built-in problem.
struct LeastSquaresComparison: Encodable {
    /// The loss at the least-squares solution (the lowest a linear model can reach).
    var leastSquaresLoss: Double
    var sgdLoss: Double
    /// sgdLoss − leastSquaresLoss (≥ 0 up to rounding).
    var gap: Double
    var relativeGap: Double
    /// ‖θ − θ*‖/‖θ*‖ over weights and intercept (linear model with intercept only).
    var relativeDistance: Double?

    static func make<S: BLASScalar>(setup: TrainingSetup<S>, parameters: [S], sgdLoss: Double) throws -> LeastSquaresComparison {
        let x = setup.train.x, y = setup.train.y
        let exact = try LeastSquares.solve(x, y, intercept: true)
        let linear = LinearModel<S>(inputs: x.cols, outputs: y.cols, intercept: true)
        let star = linear.parameters(weights: exact.weights, bias: exact.bias)
        let objective = try SupervisedObjective(x: x, y: y, model: linear, loss: setup.loss, maximumBatchSize: 4096)
        let lsLoss = objective.evaluate(parameters: star).loss
        var distance: Double? = nil
        if setup.shape == linear.shape {
            var num = 0.0, den = 0.0
            for (a, b) in zip(parameters, star) { num += Double(a - b) * Double(a - b); den += Double(b) * Double(b) }
            distance = (num / den).squareRoot()
        }
        return LeastSquaresComparison(leastSquaresLoss: lsLoss, sgdLoss: sgdLoss, gap: sgdLoss - lsLoss,
                                      relativeGap: (sgdLoss - lsLoss) / lsLoss, relativeDistance: distance)
    }

    var lines: [String] {
        var l = ["  exact least-squares loss  \(Format.number(leastSquaresLoss))   (LAPACK gelsd)",
                 "  SGD loss                  \(Format.number(sgdLoss))",
                 "  gap                       \(Format.scientific(gap))   (\(Format.scientific(relativeGap)) relative)"]
        if let d = relativeDistance { l.append("  ‖W − W*‖ / ‖W*‖           \(Format.scientific(d))") }
        return l
    }
}

/// Per-epoch metrics files and the loss plot.
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
        try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: path))
    }

    static func writePlot(_ history: [EpochRecord], to path: String, hasValidation: Bool) throws {
        let epochs = history.map { Double($0.epoch + 1) }
        var series = [PlotSeries(name: "training loss", x: epochs, y: history.map(\.trainingLoss))]
        if hasValidation {
            series.append(PlotSeries(name: "validation loss", x: epochs, y: history.map { $0.validationLoss ?? .nan }))
        }
        let positive = series.allSatisfy { $0.y.allSatisfy { !$0.isFinite || $0 > 0 } }
        let plot = LinePlot(title: "Loss per epoch", xLabel: "epoch", yLabel: "loss", yScale: positive ? .log10 : .linear, series: series)
        try AtomicFile.write(Data(plot.svg().utf8), to: URL(fileURLWithPath: path))
    }
}
