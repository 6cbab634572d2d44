import Descent
import Foundation

extension SavedModel {
    /// The model file named on the command line. Reading and validation errors name the file as
    /// `ModelDocument.load` does; the model's own errors (activation, loss) name `path` as given.
    init(path: String) throws {
        try self.init(document: ModelDocument.load(from: URL(fileURLWithPath: path)), file: path)
    }
}
