import DataFiles
import Foundation
import LinearAlgebra
import Training

/// `TrainingSetup` for sparse data (svmlight or .npz, `DataSpec.isSparse`): the data read as CSR,
/// class labels encoded, the validation split drawn (the same rows as for the same data in dense
/// form), and the features scaled without centring when standardisation is asked for
/// (`Standardization(scalingColumnsOf:)`, scikit-learn's `StandardScaler(with_mean=False)`:
/// centring would make the data dense). Regression targets are standardised as in dense runs with
/// `--standardize all`. The model is linear (the sparse objective is `SparseLinearObjective`).
public struct SparseTrainingSetup<Scalar: BLASScalar> {
    /// The training part, scaled when standardisation was asked for.
    public var train: SparseDataset<Scalar>
    /// The held-out part (the validation split), scaled likewise, or nil.
    public var validation: SparseDataset<Scalar>?
    /// The features' scaling (means 0), fitted on the training part, or nil.
    public var featureStandardization: Standardization?
    /// The regression targets' standardisation (`--standardize all`), or nil.
    public var targetStandardization: Standardization?
    /// The linear model's shape: the file's feature count to the targets' count.
    public var shape: ModelShape
    /// The model the objective evaluates.
    public var model: LinearModel<Scalar>
    /// The loss trained with.
    public var loss: Loss
    /// The start point: zeros, or a model file's parameters.
    public var initialParameters: [Scalar]
    /// "zeros" or "from model.json", for reports.
    public var initialDescription: String
    /// Names of the target columns ("y", or "y0", "y1", …).
    public var targetNames: [String]
    /// One line about the data, for reports and model files.
    public var dataDescription: String
    /// The data file, for messages.
    public var source: String
    /// XXH64 of the data as read (`LoadedSparseData.digest`).
    public var dataDigest: String
    /// The label of each class when the targets were one column of class labels (`ClassLabels`), or nil.
    public var classLabels: [Double]? = nil
    /// Whether the svmlight file's indices were 0-based (nil for .npz); the model file records it.
    public var zeroBased: Bool?
    /// The targets in the data's units when they were standardised for training (for reporting).
    public var rawTargets: (train: Matrix<Scalar>, validation: Matrix<Scalar>?)?
    /// Set when `--standardize all` was narrowed to the features (a classification loss).
    public let standardizationNote: String?

    /// Reads and prepares the data of `data` for the model of `options` (linear only: an MLP is a
    /// `TrainingDataError`), split and scaled as `preparation` says.
    public init(data: DataSpec, model options: ModelSpec, preparation: PreparationSpec) throws {
        guard options.kind == .linear else {
            throw TrainingDataError("sparse data (\(data.path ?? "")) trains linear models only; give --model linear")
        }
        var standardize = preparation.standardize
        if standardize == .all && options.loss.isClassification {
            standardize = .features
            standardizationNote = "--standardize all standardises only the features with the \(options.loss) loss (its targets are class labels)"
        } else {
            standardizationNote = nil
        }
        var loaded = try data.loadSparse(Scalar.self, withTargets: true)
        guard loaded.y.cols >= 1 else { throw DataError(.missingColumn, file: loaded.source, "no target column") }
        source = loaded.source
        zeroBased = loaded.zeroBased
        dataDigest = loaded.digest
        let targetFile = data.targetsPath ?? loaded.source
        if options.loss.isClassification && loaded.y.cols == 1 {
            let encoded = try ClassLabels.encode(loaded.y, loss: options.loss, file: targetFile,
                                                 rowName: ClassLabels.rowNamer(file: targetFile, npy: true, droppedRows: 0))
            loaded.y = encoded.targets
            classLabels = encoded.labels?.labels
        }
        let (x, y) = (loaded.x, loaded.y)
        targetNames = y.cols == 1 ? ["y"] : (0..<y.cols).map { "y\($0)" }
        let nonzeros = x.nonzeroCount
        dataDescription = "\(loaded.source): \(x.rows) samples, \(x.cols) features (sparse, \(nonzeros) stored, "
            + String(format: "%.3g", Double(nonzeros) / Double(max(1, x.rows))) + " per row), \(y.cols) target\(y.cols == 1 ? "" : "s")"
        var trainPart = try SparseDataset(x: x, y: y)
        loaded.x = SparseMatrix(rows: 0, cols: 0); loaded.y = Matrix(rows: 0, cols: 0)
        var validationPart: SparseDataset<Scalar>? = nil
        if preparation.validationSplit > 0 {
            (trainPart, validationPart) = try trainPart.splitting(validationFraction: preparation.validationSplit, seed: preparation.seed)
        }
        if standardize != .none {
            let fs = Standardization(scalingColumnsOf: trainPart.x)
            featureStandardization = fs
            trainPart = try trainPart.scaled(fs)
            validationPart = try validationPart.map { try $0.scaled(fs) }
            if standardize == .all {
                let ts = Standardization(fitting: trainPart.y)
                targetStandardization = ts
                rawTargets = (trainPart.y, validationPart?.y)
                trainPart.y = ts.applied(to: trainPart.y)
                if let v = validationPart { validationPart?.y = ts.applied(to: v.y) }
            }
        }
        train = trainPart
        validation = validationPart
        loss = options.loss
        shape = options.shape(inputs: trainPart.featureCount, outputs: trainPart.targetCount)
        model = LinearModel(inputs: trainPart.featureCount, outputs: trainPart.targetCount, intercept: options.intercept)
        switch options.initial ?? "zeros" {
        case "zeros", "random":   // a linear model starts from zeros either way (`LinearModel.initialize`)
            initialParameters = [Scalar](repeating: 0, count: model.parameterCount)
            initialDescription = "zeros"
        case let file:
            let saved = try SavedModel<Scalar>(path: file)
            guard saved.shape == shape else {
                throw DataError(.shapeMismatch, file: file, "the model file is \(saved.shape), this run needs \(shape)")
            }
            initialParameters = saved.parameters
            initialDescription = "from \(file)"
        }
    }

    /// The objective over the training part (the loss checked against the targets' file).
    public func objective(maximumBatchSize: Int) throws -> SparseLinearObjective<Scalar> {
        do { return try SparseLinearObjective(x: train.x, y: train.y, model: model, loss: loss, maximumBatchSize: maximumBatchSize) }
        catch let e as TrainingDataError { throw TrainingDataError("\(source): \(e)") }
    }

    /// The standardisation to store in the model file.
    public var documentStandardization: ModelDocument.Standardization? {
        featureStandardization.map { ModelDocument.Standardization(features: $0, targets: targetStandardization) }
    }
}
