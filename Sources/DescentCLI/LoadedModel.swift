import Descent
import Foundation

/// A model file ready to predict: the model, its parameters, and the stored standardisation,
/// applied to inputs on the way in and undone on targets on the way out.
struct LoadedModel<Scalar: BLASScalar> {
    let path: String
    let document: ModelDocument
    let shape: ModelShape
    let model: any Model<Scalar>
    let parameters: [Scalar]
    let loss: Loss

    init(path: String) throws {
        let file = try ModelFile.load(path, as: Scalar.self)
        self.path = path
        document = file.doc; shape = file.shape; parameters = file.parameters; loss = file.loss
        model = try shape.makeModel(Scalar.self)
    }

    /// Predictions in the targets' own units for the rows of `x` (features in file units).
    func predict(_ x: Matrix<Scalar>, dataFile: String) throws -> Matrix<Scalar> {
        try document.checkCompatible(featureCount: x.cols, file: dataFile)
        var input = x
        if let s = document.standardization {
            try Standardization(means: s.featureMeans, scales: s.featureScales).apply(to: &input)
        }
        var output = model.predict(parameters: parameters, x: input)
        if let s = document.standardization, let m = s.targetMeans, let sc = s.targetScales {
            try Standardization(means: m, scales: sc).invert(&output)
        }
        return output
    }
}

extension DataOptions {
    /// Features only (dropping --target columns when given).
    func loadFeatures<Scalar: BLASScalar>(_: Scalar.Type) throws -> LoadedData<Scalar> {
        target.isEmpty && targets == nil ? try load(Scalar.self, withTargets: false) : try load(Scalar.self, withTargets: true)
    }
}
