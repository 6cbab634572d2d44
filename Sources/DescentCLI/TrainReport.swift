import Descent
import Foundation

/// What `train` prints: a header and a per-epoch table on stdout (unless --quiet or --json), then
/// a summary, or one JSON object with --json.
struct TrainReport {
    let json: Bool
    let quiet: Bool
    let hasValidation: Bool
    /// The epoch table's validation columns (with a validation set): see `validationColumns`.
    let columns: [MonitoredQuantity]

    init(json: Bool, quiet: Bool, hasValidation: Bool, isClassification: Bool, watched: [MonitoredQuantity] = []) {
        self.json = json; self.quiet = quiet; self.hasValidation = hasValidation
        columns = hasValidation ? Self.validationColumns(isClassification: isClassification, watched: watched) : []
    }

    /// The validation loss and the loss kind's primary metric (R², or accuracy: with the loss, which
    /// for a classification loss is the log-loss, the default ones), then each quantity that
    /// --monitor or --schedule-metric watches and these do not show, in the order given.
    static func validationColumns(isClassification: Bool, watched: [MonitoredQuantity]) -> [MonitoredQuantity] {
        var columns: [MonitoredQuantity] = [.validationLoss, isClassification ? .validationAccuracy : .validationR2]
        for q in watched where q.needsValidation && q != .validationMetric && !columns.contains(q) { columns.append(q) }
        return columns
    }

    /// A column's header, at most 12 characters.
    static func header(_ q: MonitoredQuantity) -> String {
        switch q {
        case .trainingLoss: "train loss"
        case .validationLoss: "val loss"
        case .validationMetric: "val metric"
        case .validationRMSE: "val RMSE"
        case .validationR2: "val R²"
        case .validationMAE: "val MAE"
        case .validationExplainedVariance: "val expl var"
        case .validationAccuracy: "val acc"
        case .validationLogLoss: "val log-loss"
        case .validationROCAUC: "val ROC-AUC"
        }
    }

    var showTable: Bool { !json && !quiet }

    func header<Scalar: BLASScalar>(_ run: PreparedRun<Scalar>, processes: String?, resumedNote: String?) {
        header(recipe: run.recipe, batch: run.batch, learningRate: run.learningRate, dataDescription: run.setup.dataDescription,
               shape: run.setup.shape, loss: run.setup.loss, initialDescription: run.setup.initialDescription,
               rangeTest: run.rangeTestNote.map { (run.rangeTestSource, $0) }, scheduleWarning: run.scheduleWarning,
               notes: [run.setup.standardizationNote].compactMap { $0 } + run.setup.dataNotes,
               processes: processes, resumedNote: resumedNote)
    }

    func header<Scalar: BLASScalar>(_ run: SparsePreparedRun<Scalar>) {
        header(recipe: run.recipe, batch: run.batch, learningRate: run.learningRate, dataDescription: run.setup.dataDescription,
               shape: run.setup.shape, loss: run.setup.loss, initialDescription: run.setup.initialDescription,
               rangeTest: run.rangeTestNote.map { ("range test on the batch losses of the \(run.setup.train.sampleCount) training rows", $0) },
               scheduleWarning: run.scheduleWarning, notes: [run.setup.standardizationNote].compactMap { $0 },
               processes: nil, resumedNote: nil,
               updates: run.perSampleObstacle == nil ? "per-sample kernel (SparseLinearSGD), each O(non-zeros of its row)"
                   : run.lazyObstacle.map { "dense, each O(parameters): lazy updates do not cover \($0)" }
                   ?? "lazy, each O(non-zeros of its batch)")
    }

    /// The notes on stderr, then (with the table) the data, model and optimizer lines and the
    /// table's column headers.
    func header(recipe: TrainingRecipe, batch: Int, learningRate: Double, dataDescription: String, shape: ModelShape, loss: Loss,
                initialDescription: String, rangeTest: (source: String, note: String)?, scheduleWarning: String?, notes: [String],
                processes: String?, resumedNote: String?, updates: String? = nil) {
        if let (source, note) = rangeTest {
            Terminal.note("--lr auto: \(source); suggests \(Format.number(learningRate)) (\(note))")
        }
        if let note = resumedNote { Terminal.note(note) }
        if let warning = scheduleWarning { Terminal.note("warning: \(warning)") }
        for note in notes { Terminal.note("note: \(note)") }
        guard showTable else { return }
        Terminal.out("data:      \(dataDescription)")
        Terminal.out("model:     \(shape), loss \(loss.description), start \(initialDescription), \(recipe.precision)")
        Terminal.out("optimizer: \(recipe.optimizerSummary), lr \(Format.number(recipe.learningRate))"
                     + (recipe.schedule.map { ", schedule \($0)" } ?? "")
                     + ", batch \(batch), \(recipe.epochs) epochs")
        if let p = processes { Terminal.out("processes: \(p)") }
        if let u = updates { Terminal.out("updates:   \(u)") }
        var columns = ["epoch", "train loss"]
        columns += self.columns.map(Self.header)
        columns += ["lr", "updates", "seconds"]
        Terminal.out(columns.map { Format.padLeft($0, width($0)) }.joined(separator: "  "))
    }

    private func width(_ column: String) -> Int { column == "epoch" ? 5 : 12 }

    func row(_ r: EpochRecord) {
        guard showTable else { return }
        var cells = [Format.padLeft("\(r.epoch + 1)", 5), Format.padLeft(Format.number(r.trainingLoss), 12)]
        for q in columns { cells.append(Format.padLeft(r.value(of: q).map(Format.number) ?? "-", 12)) }
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
        /// With standardised targets (`--standardize all`): the final evaluations in the data's units
        /// (what `evaluate` reports); the fields above and `history` are on the standardised targets.
        var dataUnits: DataUnitsSummary?
        var leastSquares: LeastSquaresComparison?
        var model: String?
        var history: [EpochRecord]
        /// --distributed: processes, and seconds this process spent in collectives (allreduce, broadcast).
        var processes: Int?
        var communicationSeconds: Double?
        /// `RunWarning`'s line when the run did not learn (also printed on stderr as `warning:`).
        var warning: String?
        /// What was written where: "model", "metrics", "plot", "checkpoint" → path.
        var files: [String: String]
    }

    struct DataUnitsSummary: Encodable {
        var training: Evaluation
        var validation: Evaluation?
    }

    /// The summary. `training`/`validation` are the objective's evaluations (on standardised targets
    /// with `--standardize all`); `dataUnits`, given then, are the same in the data's units, which the
    /// text summary prints instead, labelled (the JSON object carries both).
    func finish<S: BLASScalar>(result: TrainingResult<S>, training: Evaluation, validation: Evaluation?,
                               dataUnits: (training: Evaluation, validation: Evaluation?)?,
                               comparison: LeastSquaresComparison?, modelPath: String?, learningRate: Double, schedule: String?,
                               communication: (processes: Int, seconds: Double)? = nil,
                               written: [(what: String, path: String)] = [], warning: RunWarning? = nil) {
        defer { if let warning { Terminal.note("warning: \(warning)") } }
        if json {
            let summary = Summary(stopReason: result.stopReason.description, steps: result.steps, learningRate: learningRate,
                                  schedule: schedule, trainingLoss: training.loss, trainingRMSE: training.rmse,
                                  trainingR2: training.r2, trainingAccuracy: training.accuracy, validation: validation,
                                  dataUnits: dataUnits.map { DataUnitsSummary(training: $0.training, validation: $0.validation) },
                                  leastSquares: comparison, model: modelPath, history: result.history,
                                  processes: communication?.processes, communicationSeconds: communication?.seconds,
                                  warning: warning?.description,
                                  files: Dictionary(written.map { ($0.what, $0.path) }, uniquingKeysWith: { a, _ in a }))
            Terminal.out(JSONText.encode(summary))
            return
        }
        var lines = ["\(result.stopReason), \(result.steps) updates"]
        if dataUnits != nil {
            lines.append(showTable ? "in the targets' own units (as `evaluate` reports; the table above is on standardised targets):"
                                   : "in the targets' own units (as `evaluate` reports; training ran on standardised targets):")
        }
        lines.append(Self.line("training", dataUnits?.training ?? training))
        if let v = dataUnits?.validation ?? validation { lines.append(Self.line("validation", v)) }
        if let c = comparison { lines.append("SGD against the exact answer on the same data:"); lines += c.lines }
        for (what, path) in written {
            lines.append("\(what) written to \(path == OutputPath.standardOutput ? "standard output" : path)")
        }
        for l in lines { Terminal.out(l) }
    }

    /// "training loss 4.2, RMSE 2.9, R² 0.998" (or accuracy for classification losses).
    static func line(_ part: String, _ e: Evaluation) -> String {
        var t = "\(part) loss \(Format.number(e.loss))"
        if let a = e.accuracy { t += ", accuracy \(Format.number(a))" }
        if let r = e.rmse, let r2 = e.r2 { t += ", RMSE \(Format.number(r)), R² \(Format.number(r2))" }
        return t
    }
}
