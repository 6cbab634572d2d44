import DataFiles
import Foundation
import LinearAlgebra

/// Model files (JSON, the format `descent train` writes and `descent predict`/`evaluate` read),
/// for programs using the library. The format is described in `docs/model-file.md`, with a JSON
/// Schema in `docs/model-file.schema.json`; `ModelDocument` is the document itself and
/// `SavedModel` its content in training terms (flat parameters in the training precision; the
/// weight layout of both is documented on `SavedModel`).
///
///     let model = LinearModel<Double>(inputs: 3, outputs: 1)
///     // … train `parameters` …
///     try ModelFile.write(SavedModel(shape: model.shape, parameters: parameters, loss: .squaredError), to: url)
///     let back = try ModelFile.read(from: url, as: Double.self)   // back.parameters == parameters, bit for bit
///     let predictions = try back.predict(x)
public enum ModelFile {
    /// Validates `model` and writes its document atomically (a temporary file renamed into place,
    /// so a failed write leaves no partial file). Numbers are printed with the shortest digits
    /// that parse back to the same Double, so the parameters round-trip exactly.
    public static func write<Scalar: BLASScalar>(_ model: SavedModel<Scalar>, to url: URL) throws {
        try model.document().save(to: url)
    }

    /// Reads, validates and converts a model file, with the parameters in `Scalar`; errors are
    /// `DataError`s naming `url.path` (unreadable file, bad JSON, another format version, shapes
    /// that do not agree, non-finite numbers, an unsupported activation or an unknown loss).
    public static func read<Scalar: BLASScalar>(from url: URL, as _: Scalar.Type = Scalar.self) throws -> SavedModel<Scalar> {
        try SavedModel(document: ModelDocument.load(from: url), file: url.path)
    }
}
