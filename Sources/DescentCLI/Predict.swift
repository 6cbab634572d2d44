import ArgumentParser
import Descent
import Foundation

/// `descent predict`: a model's outputs for every row of a data file, as CSV or .npy.
struct Predict: ParsableCommand, PrecisionGeneric {
    static let configuration = CommandConfiguration(
        abstract: "Write a model's predictions for a data file (CSV or .npy).",
        discussion: """
        The data holds features only (every column), unless --target names columns to leave out. \
        The model file's standardisation is applied to the features and undone on the outputs, so \
        predictions are in the targets' own units. Classification models output raw scores (logits).

        Examples:
          descent predict --model model.json --data new.csv --output predictions.csv
          descent predict --model model.json --data x.npy --output predictions.npy
          descent predict --model model.json --data test.csv --target price \\
              --output p.csv
        """)

    @Option(name: .long, help: ArgumentHelp("Model file written by `descent train`.", valueName: "path"))
    var model: String

    @OptionGroup(title: "Data") var data: RequiredDataOptions

    @Option(name: [.short, .long], help: ArgumentHelp("Predictions file: .csv (with a header) or .npy; without it, or with -, CSV on stdout.", valueName: "path"))
    var output: String?

    @OptionGroup(title: "Computation") var compute: ComputeOptions

    func run() throws {
        try compute.apply()
        if let o = output, o != OutputPath.standardOutput {
            guard o.hasSuffix(".csv") || o.hasSuffix(".npy") else { throw CLIError("--output \(o): the file name must end in .csv or .npy") }
            try OutputPath.checkWritable(o, option: "--output")
        }
        try compute.run(self)
    }

    func run<Scalar: BLASScalar>(_: Scalar.Type) throws {
        let loaded = try SavedModel<Scalar>(path: model)
        let input = try data.loadFeatures(Scalar.self)
        let predictions = try loaded.predict(input.x, dataFile: input.source)
        if let o = output, o.hasSuffix(".npy") {
            try NPYFile.write(predictions, to: URL(fileURLWithPath: o))
        } else {
            let names = loaded.targetNames.count == predictions.cols
                ? loaded.targetNames : (0..<predictions.cols).map { "prediction\(predictions.cols == 1 ? "" : "\($0)")" }
            var text = names.joined(separator: ",") + "\n"
            text.reserveCapacity(predictions.rows * 24 * predictions.cols)
            for i in 0..<predictions.rows {
                text += (0..<predictions.cols).map { "\(predictions[i, $0])" }.joined(separator: ",") + "\n"
            }
            try OutputPath.write(Data(text.utf8), to: output ?? OutputPath.standardOutput)
        }
        if let o = output, o != OutputPath.standardOutput { Terminal.note("\(predictions.rows) predictions written to \(o)") }
    }
}
