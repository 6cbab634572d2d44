// Model files: `ModelDocument.decode` (JSON, version, kind, validation), then what `descent
// predict --model m.json` does with a valid one: `SavedModel` in both precisions and a prediction.
// A valid document must encode and decode back to itself, and its layers must survive the trip
// through `SavedModel`'s flat parameters unchanged.
import Descent
import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModel(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    return accept {
        let document = try ModelDocument.decode(input.data, file: "model.json")
        let again = try ModelDocument.decode(document.encoded(file: "model.json"), file: "model.json")
        expect(again == document, "a valid model document does not decode back to itself after encoding")

        _ = try? SavedModel<Float>(document: document, file: "model.json")
        let model = try SavedModel<Double>(document: document, file: "model.json")
        let rebuilt = try model.document()
        expect(rebuilt.layers == document.layers, "the layers differ after SavedModel's flat parameters")
        let x = Matrix<Double>(rows: 2, cols: model.shape.inputCount) { i, j in i == 0 ? 0 : Double(j % 7) - 3 }
        let y = try model.predict(x, dataFile: "data.csv")
        expect(y.rows == 2 && y.cols == model.shape.outputCount, "prediction of shape \(y.shape)")
        do {
            _ = try model.predict(Matrix<Double>(rows: 1, cols: model.shape.inputCount + 1), dataFile: "data.csv")
            expect(false, "data with a column too many was accepted")
        } catch {}
    }
}
