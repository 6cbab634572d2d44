import ArgumentParser
import Descent
import Foundation

/// `descent evaluate`: a model's loss and metrics on labelled data.
struct Evaluate: ParsableCommand, PrecisionGeneric {
    static let configuration = CommandConfiguration(
        abstract: "Loss and metrics of a model on labelled data (regression: RMSE, MAE, R², explained variance; classification: accuracy, log-loss, ROC-AUC, per-class precision/recall/F1, confusion matrix).",
        discussion: """
        The model file's standardisation is applied to the features and undone on the outputs, so \
        the loss and metrics are in the targets' own units.

        Examples:
          descent evaluate --model model.json --data test.csv --target price
          descent evaluate --model model.json --data x.npy --targets y.npy --json
          descent evaluate --model model.json --data test.csv --sample-weight w.csv
          descent evaluate --model sparse.json --data test.svm
        """)

    @Option(name: .long, help: ArgumentHelp("Model file written by `descent train`.", valueName: "path"))
    var model: String

    @OptionGroup(title: "Data") var data: RequiredDataOptions
    @OptionGroup(title: "Computation") var compute: ComputeOptions

    @Option(name: .long, help: ArgumentHelp("Per-sample weights for the loss and every metric: a .npy vector or a one-column CSV with one weight (finite, ≥ 0) per data row, or column:NAME for a column of the data file, as train's --sample-weight (scikit-learn's sample_weight of its metric functions).", valueName: "path"))
    var sampleWeight: String?

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        try compute.apply()
        try compute.run(self)
    }

    func run<Scalar: BLASScalar>(_: Scalar.Type) throws {
        let loaded = try SavedModel<Scalar>(path: model)
        var spec = try data.spec(for: loaded)
        spec.weights = WeightSpec(sampleWeights: sampleWeight)
        if spec.isSparse { return try report(sparse: spec, loaded) }
        var input = try spec.load(Scalar.self, withTargets: true)
        if input.skippedIndexColumns > 0 { Terminal.note("note: \(input.source): " + TrainingSetup<Scalar>.indexColumnNote(input.skippedIndexColumns)) }
        // Class labels (one column) are encoded through the model's classes, as training encoded them.
        if let labels = loaded.classLabels, loaded.loss.isClassification, input.y.cols == 1 {
            input.y = try ClassLabels(labels: labels).targets(input.y, loss: loaded.loss, file: spec.targetsPath ?? input.source,
                                                              rowName: spec.targetRowNamer(droppedRows: input.droppedRows))
        }
        try loaded.checkCompatible(featureCount: input.x.cols, targetCount: input.y.cols, file: input.source)
        let weights = try spec.weights.readSampleWeights(Scalar.self, rows: input.y.rows, dropped: input.droppedRows,
                                                         columnValues: input.sampleWeights, dataFile: input.source)?.weights
        let prediction = try loaded.predict(input.x, dataFile: input.source)
        let e = DataUnits.evaluate(prediction: prediction, target: input.y, loss: loaded.loss, weights: weights)
        print(e, loaded, source: input.source)
    }

    /// `evaluate` on sparse data (svmlight with its labels, or .npz with --targets).
    func report<Scalar: BLASScalar>(sparse spec: DataSpec, _ loaded: SavedModel<Scalar>) throws {
        var input = try spec.loadSparse(Scalar.self, withTargets: true, featureCount: loaded.shape.inputCount)
        if let labels = loaded.classLabels, loaded.loss.isClassification, input.y.cols == 1 {
            let file = spec.targetsPath ?? input.source
            input.y = try ClassLabels(labels: labels).targets(input.y, loss: loaded.loss, file: file,
                                                              rowName: ClassLabels.rowNamer(file: file, npy: true, droppedRows: 0))
        }
        try loaded.checkCompatible(featureCount: input.x.cols, targetCount: input.y.cols, file: input.source)
        let prediction = try loaded.predict(input.x, dataFile: input.source)
        print(DataUnits.evaluate(prediction: prediction, target: input.y, loss: loaded.loss), loaded, source: input.source)
    }

    /// The evaluation as text or JSON.
    func print<Scalar: BLASScalar>(_ e: Evaluation, _ loaded: SavedModel<Scalar>, source: String) {
        if json { Terminal.out(JSONText.encode(e)); return }
        var rows = [("model", "\(model) (\(loaded.shape), loss \(loaded.loss))"), ("data", "\(source), \(e.sampleCount) samples"),
                    ("loss", Format.number(e.loss))]
        if let sampleWeight { rows.insert(("sample weights", sampleWeight), at: 2) }
        if let a = e.accuracy { rows.append(("accuracy", Format.number(a))) }
        if let l = e.logLoss { rows.append(("log-loss", Format.number(l))) }
        if let a = e.rocAUC { rows.append(("ROC-AUC", Format.number(a))) }
        if let r = e.rmse { rows.append(("RMSE", Format.number(r))) }
        if let m = e.mae { rows.append(("MAE", Format.number(m))) }
        if let r2 = e.r2 { rows.append(("R²", Format.number(r2))) }
        if let v = e.explainedVariance { rows.append(("explained variance", Format.number(v))) }
        // One column for the values, after the longest label.
        let width = rows.map(\.0.count).max()! + 2
        for (label, value) in rows { Terminal.out((label + ":").padding(toLength: width, withPad: " ", startingAt: 0) + value) }
        if let matrix = e.confusionMatrix, let p = e.precision, let r = e.recall, let f = e.f1, let s = e.support {
            let names = Self.classNames(loaded, count: matrix.count)
            Terminal.out("")
            Terminal.out(Self.table(header: ["class", "precision", "recall", "F1", "support"],
                                    rows: names.indices.map { [names[$0], Format.number(p[$0]), Format.number(r[$0]),
                                                               Format.number(f[$0]), Format.number(s[$0])] }))
            Terminal.out("")
            Terminal.out("confusion matrix (rows: true class, columns: predicted class):")
            Terminal.out(Self.table(header: [""] + names, rows: names.indices.map { [names[$0]] + matrix[$0].map { Format.number($0) } }))
        }
    }

    /// The classes' names: the model's class labels when it has them, else the class indices.
    static func classNames<Scalar>(_ model: SavedModel<Scalar>, count: Int) -> [String] {
        if let labels = model.classLabels, labels.count == count { return labels.map(SavedModel<Scalar>.labelText) }
        return (0..<count).map(String.init)
    }

    /// Right-aligned columns after a left-aligned first column.
    static func table(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { j in all.map { $0[j].count }.max()! }
        return all.map { row in
            row.indices.map { j in
                let pad = String(repeating: " ", count: widths[j] - row[j].count)
                return j == 0 ? row[j] + pad : "  " + pad + row[j]
            }.joined()
        }.joined(separator: "\n")
    }
}
