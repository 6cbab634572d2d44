import DataFiles
import Foundation
import LinearAlgebra
import Training

/// A trained model as a model file holds it, in training terms: the architecture, the flat
/// parameters θ in the training precision, the loss, and the standardisation the data went through.
/// `ModelFile.write` and `ModelFile.read` store and load it; `descent train` writes and
/// `descent predict`/`evaluate` read the same files.
///
/// **Layout of `parameters`**: the layout `LinearModel` and `MLP` train. Layer by layer from the
/// input side, layer l (nᵢₙ inputs, nₒᵤₜ outputs, starting at offset o_l) stores its weights
/// out × in, row-major — the weight from input i to output j at `o_l + j·nᵢₙ + i` — followed by its
/// bias, output j's at `o_l + nᵢₙ·nₒᵤₜ + j` (a linear model without an intercept has none). The
/// file stores each layer transposed, `weights[i][j]` (in × out) and `bias[j]`; see
/// `docs/model-file.md`.
///
/// **Standardisation**: predictions are made on x′ = (x − μ)/s with the features' transform, and
/// the targets' transform is undone on the outputs (ŷ·s + μ), so `predict` works in the data's own
/// units. A file stores target statistics only beside feature statistics: writing a model with a
/// target transform and no feature transform stores the identity for the features (means 0,
/// scales 1, which leaves every value unchanged), and reading it back gives that identity.
public struct SavedModel<Scalar: BLASScalar>: Sendable, Equatable {
    /// The model's kind and layer sizes.
    public var shape: ModelShape
    /// θ, `shape`'s parameter count, in the layout above.
    public var parameters: [Scalar]
    /// The loss the model was trained with (it decides whether outputs are logits).
    public var loss: Loss
    /// The features' standardisation, applied before the model; nil when the features were not standardised.
    public var featureStandardization: Standardization?
    /// The targets' standardisation, undone on the outputs; nil when the targets were not standardised.
    public var targetStandardization: Standardization?
    /// One name per input, or [] (names of another count are not stored).
    public var featureNames: [String]
    /// One name per output, or [] (names of another count are not stored).
    public var targetNames: [String]
    /// The label value in the data of each class (classification losses: logistic [negative,
    /// positive], softmax one per output), or nil when the targets were one-hot rows or
    /// probabilities. `predict --classes` prints these.
    public var classLabels: [Double]?
    /// The fill of missing (NaN) feature values fitted in training (`MissingValueFill`), applied by
    /// `predict` before the feature transform; nil: the model was trained without one.
    public var missingValueFill: MissingValueFill? = nil
    /// A free-form record of how the model was trained (`descent train` stores its settings).
    public var training: [String: String]
    /// The program that wrote the file and its version.
    public var createdBy: String

    /// A model of `shape` with flat `parameters` (the model's own layout), trained with `loss`; the other
    /// fields are optional.
    public init(shape: ModelShape, parameters: [Scalar], loss: Loss,
                featureStandardization: Standardization? = nil, targetStandardization: Standardization? = nil,
                featureNames: [String] = [], targetNames: [String] = [], classLabels: [Double]? = nil,
                training: [String: String] = [:], createdBy: String = ModelDocument.defaultCreator) {
        self.shape = shape; self.parameters = parameters; self.loss = loss
        self.featureStandardization = featureStandardization; self.targetStandardization = targetStandardization
        self.featureNames = featureNames; self.targetNames = targetNames; self.classLabels = classLabels
        self.training = training; self.createdBy = createdBy
    }

    /// The model a document describes (validated first); errors are `DataError`s naming `file`:
    /// an invalid document, an unsupported activation, an unknown loss.
    public init(document: ModelDocument, file: String = "<model>") throws {
        let shape = try document.modelShape(file: file)
        let loss = try document.parsedLoss(file: file)
        self.init(shape: shape, parameters: try document.parameters(as: Scalar.self, file: file), loss: loss,
                  featureStandardization: try document.standardization?.features(),
                  targetStandardization: try document.standardization?.targets(),
                  featureNames: document.featureNames, targetNames: document.targetNames,
                  classLabels: document.classLabels, training: document.training, createdBy: document.createdBy)
        missingValueFill = document.missingValues.map {
            MissingValueFill(strategy: MissingValueFill.Strategy(rawValue: $0.strategy) ?? .mean, values: $0.values)
        }
    }

    /// The model file's document (throws `TrainingDataError` when `parameters` does not fit `shape`).
    public func document() throws -> ModelDocument {
        var statistics: ModelDocument.Standardization?
        if let f = featureStandardization {
            statistics = ModelDocument.Standardization(features: f, targets: targetStandardization)
        } else if let t = targetStandardization {
            let identity = try Standardization(means: Array(repeating: 0, count: shape.inputCount),
                                               scales: Array(repeating: 1, count: shape.inputCount))
            statistics = ModelDocument.Standardization(features: identity, targets: t)
        }
        return try ModelDocument(shape: shape, parameters: parameters, loss: loss, standardization: statistics,
                                 featureNames: featureNames, targetNames: targetNames, classLabels: classLabels,
                                 missingValues: missingValueFill, training: training,
                                 createdBy: createdBy)
    }

    /// The model `shape` describes (`LinearModel` or `MLP`), to evaluate `parameters` with.
    public func makeModel() throws -> any Model<Scalar> {
        try shape.makeModel(Scalar.self)
    }

    /// Checks data with `featureCount` columns (and `targetCount` target columns, when given)
    /// against the model; the `DataError` names `file`.
    public func checkCompatible(featureCount: Int, targetCount: Int? = nil, file: String) throws {
        try ModelDocument.checkCompatible(inputCount: shape.inputCount, outputCount: shape.outputCount,
                                          featureCount: featureCount, targetCount: targetCount, file: file)
    }

    /// Predictions in the targets' own units for the rows of `x` (features in their own units):
    /// the feature transform is applied to a copy of `x`, the model evaluated, and the target
    /// transform undone. A column count other than the model's inputs is a `DataError` naming
    /// `dataFile`; parameters that do not fit `shape` are a `TrainingDataError`.
    public func predict(_ x: Matrix<Scalar>, dataFile: String = "<data>") throws -> Matrix<Scalar> {
        try checkCompatible(featureCount: x.cols, file: dataFile)
        let model = try makeModel()
        guard parameters.count == model.parameterCount else {
            throw TrainingDataError("\(shape) has \(model.parameterCount) parameters, got \(parameters.count)")
        }
        var input = x
        missingValueFill?.apply(to: &input)
        featureStandardization?.apply(to: &input)
        var output = model.predict(parameters: parameters, x: input)
        targetStandardization?.invert(&output)
        return output
    }
}
