import ArgumentParser
import Descent
import Foundation

/// `descent evaluate`: a model's loss and metrics on labelled data.
struct Evaluate: ParsableCommand, PrecisionGeneric {
    static let configuration = CommandConfiguration(
        abstract: "Loss and metrics (RMSE and R², or accuracy) of a model on labelled data.",
        discussion: """
        The model file's standardisation is applied to the features and undone on the outputs, so \
        the loss and metrics are in the targets' own units.

        Examples:
          descent evaluate --model model.json --data test.csv --target price
          descent evaluate --model model.json --data x.npy --targets y.npy --json
        """)

    @Option(name: .long, help: ArgumentHelp("Model file written by `descent train`.", valueName: "path"))
    var model: String

    @OptionGroup(title: "Data") var data: RequiredDataOptions
    @OptionGroup(title: "Computation") var compute: ComputeOptions

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        try compute.apply()
        try compute.run(self)
    }

    func run<Scalar: BLASScalar>(_: Scalar.Type) throws {
        let loaded = try SavedModel<Scalar>(path: model)
        let input = try data.spec().load(Scalar.self, withTargets: true)
        try loaded.checkCompatible(featureCount: input.x.cols, targetCount: input.y.cols, file: input.source)
        let prediction = try loaded.predict(input.x, dataFile: input.source)
        let e = DataUnits.evaluate(prediction: prediction, target: input.y, loss: loaded.loss)
        if json { Terminal.out(JSONText.encode(e)); return }
        var rows = [("model", "\(model) (\(loaded.shape), loss \(loaded.loss))"), ("data", "\(input.source), \(e.sampleCount) samples"),
                    ("loss", Format.number(e.loss))]
        if let a = e.accuracy { rows.append(("accuracy", Format.number(a))) }
        if let r = e.rmse { rows.append(("RMSE", Format.number(r))) }
        if let r2 = e.r2 { rows.append(("R²", Format.number(r2))) }
        // One column for the values, after the longest label.
        let width = rows.map(\.0.count).max()! + 2
        for (label, value) in rows { Terminal.out((label + ":").padding(toLength: width, withPad: " ", startingAt: 0) + value) }
    }
}
