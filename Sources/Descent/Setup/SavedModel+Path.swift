import DataFiles
import Foundation
import LinearAlgebra
import Training

extension SavedModel {
    /// The model file at `path` (as a user typed it). Reading and validation errors name the file as
    /// `ModelDocument.load` does; the model's own errors (activation, loss) name `path` as given.
    public init(path: String) throws {
        try self.init(document: ModelDocument.load(from: URL(fileURLWithPath: path)), file: path)
    }
}
