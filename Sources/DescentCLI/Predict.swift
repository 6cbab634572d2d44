import ArgumentParser
import Descent
import Foundation

/// `descent predict`: a model's outputs for every row of a data file, as CSV or .npy.
struct Predict: ParsableCommand, PrecisionGeneric {
    static let configuration = CommandConfiguration(
        abstract: "Write a model's predictions for a data file (CSV, .npy, svmlight or .npz).",
        discussion: """
        The data holds features only (every column), unless --target names columns to leave out. \
        The model file's standardisation is applied to the features and undone on the outputs, so \
        predictions are in the targets' own units. Classification models output raw scores (logits), \
        or with --proba the class probabilities (logistic: two columns P(negative), P(positive), as \
        scikit-learn's predict_proba; softmax: one per class) and with --classes the predicted class's \
        label. A .npy file holds one output as a vector (n,), like scikit-learn's predict, and --classes \
        as int64 when every label is an integer; otherwise its dtype is the input's when the features \
        come from a float32 or float64 .npy file, else --dtype's.

        Examples:
          descent predict --model model.json --data new.csv --output predictions.csv
          descent predict --model model.json --data x.npy --output predictions.npy
          descent predict --model model.json --data test.csv --target price \\
              --output p.csv
          descent predict --model classifier.json --data x.csv --proba
          descent predict --model sparse.json --data test.svm --classes
        """)

    @Option(name: .long, help: ArgumentHelp("Model file written by `descent train`.", valueName: "path"))
    var model: String

    @OptionGroup(title: "Data") var data: RequiredDataOptions

    @Option(name: [.short, .long], help: ArgumentHelp("Predictions file: .csv (with a header) or .npy; without it, or with -, CSV on stdout.", valueName: "path"))
    var output: String?

    @Flag(name: .long, help: "Write class probabilities (classification models): P(<label>) per class.")
    var proba = false

    @Flag(name: .long, help: "Write the predicted class's label (classification models).")
    var classes = false

    @OptionGroup(title: "Computation") var compute: ComputeOptions

    func run() throws {
        try compute.apply()
        if proba && classes { throw CLIError("--proba and --classes: choose one") }
        if let o = output, o != OutputPath.standardOutput {
            guard o.hasSuffix(".csv") || o.hasSuffix(".npy") else { throw CLIError("--output \(o): the file name must end in .csv or .npy") }
            try OutputPath.checkWritable(o, option: "--output")
        }
        try compute.run(self)
    }

    func run<Scalar: BLASScalar>(_: Scalar.Type) throws {
        let loaded = try SavedModel<Scalar>(path: model)
        // The three kinds of output, on dense or sparse rows.
        let probabilities: () throws -> Matrix<Scalar>, predictedClasses: () throws -> [Double], outputs: () throws -> Matrix<Scalar>
        let spec = try data.spec(for: loaded)
        if spec.isSparse {
            let input = try spec.loadSparse(Scalar.self, withTargets: false, featureCount: loaded.shape.inputCount)
            probabilities = { try loaded.predictProbabilities(input.x, dataFile: input.source, file: model) }
            predictedClasses = { try loaded.predictClasses(input.x, dataFile: input.source, file: model) }
            outputs = { try loaded.predict(input.x, dataFile: input.source) }
        } else {
            let input = try data.loadFeatures(for: loaded)
            if input.skippedIndexColumns > 0 { Terminal.note("note: \(input.source): " + TrainingSetup<Scalar>.indexColumnNote(input.skippedIndexColumns)) }
            probabilities = { try loaded.predictProbabilities(input.x, dataFile: input.source, file: model) }
            predictedClasses = { try loaded.predictClasses(input.x, dataFile: input.source, file: model) }
            outputs = { try loaded.predict(input.x, dataFile: input.source) }
        }
        let predictions: Matrix<Scalar>, names: [String]
        var labels: [Double]? = nil
        if proba {
            predictions = try probabilities()
            names = loaded.classNames.map { "P(\($0))" }
        } else if classes {
            let predicted = try predictedClasses()
            labels = predicted
            predictions = Matrix<Scalar>(rows: predicted.count, cols: 1) { i, _ in Scalar(predicted[i]) }
            names = [loaded.targetNames.count == 1 ? loaded.targetNames[0] : "class"]
        } else {
            predictions = try outputs()
            names = loaded.targetNames.count == predictions.cols
                ? loaded.targetNames : (0..<predictions.cols).map { "prediction\(predictions.cols == 1 ? "" : "\($0)")" }
        }
        if let o = output, o.hasSuffix(".npy") {
            let url = URL(fileURLWithPath: o)
            let asVector = predictions.cols == 1 && !proba
            if let labels, loaded.integerClassLabels {
                try NPYFile.write(int64: labels.map { Int64($0) }, to: url)
            } else {
                // Features from a float .npy: the output in the same dtype (as numpy keeps a float32
                // array float32); from CSV or an integer .npy, in the computation's precision.
                let inputSize = data.data.lowercased().hasSuffix(".npy") ? try NPYFile.floatElementSize(of: URL(fileURLWithPath: data.data)) : nil
                switch inputSize {
                case MemoryLayout<Float>.size where Scalar.self != Float.self:
                    try NPYFile.write(Matrix<Float>(rows: predictions.rows, cols: predictions.cols) { i, j in Float(predictions[i, j]) },
                                      to: url, asVector: asVector)
                case MemoryLayout<Double>.size where Scalar.self != Double.self:
                    try NPYFile.write(Matrix<Double>(rows: predictions.rows, cols: predictions.cols) { i, j in Double(predictions[i, j]) },
                                      to: url, asVector: asVector)
                default:
                    try NPYFile.write(predictions, to: url, asVector: asVector)
                }
            }
        } else {
            var text = names.joined(separator: ",") + "\n"
            text.reserveCapacity(predictions.rows * 24 * predictions.cols)
            for i in 0..<predictions.rows {
                if let labels { text += SavedModel<Scalar>.labelText(labels[i]) + "\n"; continue }
                text += (0..<predictions.cols).map { "\(predictions[i, $0])" }.joined(separator: ",") + "\n"
            }
            try OutputPath.write(Data(text.utf8), to: output ?? OutputPath.standardOutput)
        }
        if let o = output, o != OutputPath.standardOutput { Terminal.note("\(predictions.rows) predictions written to \(o)") }
    }
}
