import Descent
import Foundation

/// The data and model a training (or range-test) run works on, prepared from the options: data
/// loaded (or the built-in problem made), split into training and validation parts, standardised
/// by the training part, the model built and its start point chosen.
struct TrainingSetup<Scalar: BLASScalar> {
    var train: Dataset<Scalar>
    var validation: Dataset<Scalar>?
    var featureStandardization: Standardization?
    var targetStandardization: Standardization?
    var shape: ModelShape
    var model: any Model<Scalar>
    var loss: Loss
    var initialParameters: [Scalar]
    var initialDescription: String
    var featureNames: [String]
    var targetNames: [String]
    var dataDescription: String
    /// The data file (or "built-in problem"), for messages.
    var source: String
    var isEmbedded: Bool
    /// Digest of the data as read (`DataScan.digest`, for checkpoint fingerprints).
    var dataDigest: String
    /// The targets in the data's units when they were standardised for training (for reporting).
    var rawTargets: (train: Matrix<Scalar>, validation: Matrix<Scalar>?)?

    init(data: DataOptions, model options: ModelOptions, training: TrainingOptions) throws {
        // Without a split, the standardisation is fitted on all the data: its moments come from
        // the pass that checks the values as they are read (when no row is dropped); with one,
        // from the pass that moves the training rows into place.
        let fitAtLoad = training.standardize != .none && training.validationSplit == 0
        let scanning = DataOptions.LoadScan(digest: true, featureMoments: fitAtLoad,
                                            targetMoments: fitAtLoad && training.standardize == .all)
        var loaded: LoadedData<Scalar>
        if data.data == nil {
            guard data.targets == nil else { throw CLIError("--targets needs --data") }
            let (x, y) = EmbeddedProblem.make(Scalar.self)
            var scan = DataScan<Scalar>(featureCount: x.cols, targetCount: y.cols, digest: true,
                                        featureMoments: scanning.featureMoments, targetMoments: scanning.targetMoments)
            scan.add(features: x, targets: y)
            loaded = LoadedData(x: x, y: y, featureNames: EmbeddedProblem.featureNames, targetNames: ["y"], droppedRows: 0,
                                source: "built-in regression problem", digest: scan.digest,
                                featureMoments: scan.featureMoments, targetMoments: scan.targetMoments,
                                valuesChecked: scan.firstNonFinite == nil)
            isEmbedded = true
            dataDescription = "built-in regression problem: \(x.rows) samples, \(x.cols) correlated features, noise σ = \(EmbeddedProblem.noise)"
        } else {
            loaded = try data.load(Scalar.self, withTargets: true, scanning: scanning)
            isEmbedded = false
            dataDescription = "\(loaded.source): \(loaded.x.rows) samples, \(loaded.x.cols) features, \(loaded.y.cols) target\(loaded.y.cols == 1 ? "" : "s")"
                + (loaded.droppedRows > 0 ? " (\(loaded.droppedRows) rows with NaN/Inf dropped)" : "")
        }
        guard loaded.y.cols >= 1 else { throw DataError(.missingColumn, file: loaded.source, "no target column") }
        guard loaded.x.cols >= 1 else { throw DataError(.missingColumn, file: loaded.source, "no feature column (every column is a target)") }
        featureNames = loaded.featureNames
        source = data.data ?? "built-in problem"
        targetNames = loaded.targetNames
        // The split and the standardisation are functions of the data as read and of settings
        // that the checkpoint fingerprint holds (fraction, seed, mode), so the digest of the data
        // as read identifies the data trained on.
        dataDigest = loaded.digest ?? "-"

        // The matrices move from `loaded` to the dataset, so that they are uniquely referenced
        // and the standardisation below can work in place (no copy of a large data set).
        var trainPart = try Dataset(x: loaded.x, y: loaded.y, checkingValues: !loaded.valuesChecked)
        var (featureMoments, targetMoments) = (loaded.featureMoments, loaded.targetMoments)
        loaded.x = Matrix(rows: 0, cols: 0); loaded.y = loaded.x
        var validationPart: Dataset<Scalar>? = nil
        if training.validationSplit > 0 {
            // The training rows move up in place; their moments are taken as they move.
            let split = try (consume trainPart).splitting(validationFraction: training.validationSplit, seed: training.seed,
                                                          featureMoments: training.standardize != .none,
                                                          targetMoments: training.standardize == .all)
            trainPart = split.training; validationPart = split.validation
            (featureMoments, targetMoments) = (split.featureMoments, split.targetMoments)
        }
        if training.standardize != .none {
            let fs = featureMoments.map(Standardization.init(moments:)) ?? Standardization(fitting: trainPart.x)
            featureStandardization = fs
            var ts: Standardization? = nil
            if training.standardize == .all {
                ts = targetMoments.map(Standardization.init(moments:)) ?? Standardization(fitting: trainPart.y)
            }
            targetStandardization = ts
            if ts != nil { rawTargets = (trainPart.y, validationPart?.y) }
            trainPart = try (consume trainPart).standardized(features: fs, targets: ts)
            if let v = validationPart.take() { validationPart = try v.standardized(features: fs, targets: ts) }
        }
        train = trainPart
        validation = validationPart
        loss = try options.parsedLoss()
        shape = try options.shape(inputs: train.featureCount, outputs: train.targetCount)
        model = try shape.makeModel(Scalar.self)

        let initial = options.initial ?? (options.model == .linear ? "zeros" : "random")
        switch initial {
        case "zeros":
            initialParameters = [Scalar](repeating: 0, count: model.parameterCount)
            initialDescription = "zeros"
        case "random":
            initialParameters = model.initialParameters(seed: training.seed)
            initialDescription = "random (seed \(training.seed))"
        default:
            let file = try ModelFile.load(initial, as: Scalar.self)
            guard file.shape == shape else {
                throw DataError(.shapeMismatch, file: initial, "the model file is \(file.shape), this run needs \(shape)")
            }
            initialParameters = file.parameters
            initialDescription = "from \(initial)"
        }
    }

    /// The objective over the training part; a loss that does not fit the targets (e.g. logistic
    /// loss on values other than 0/1) is reported against the data file.
    /// `threads`: the batch-splitting worker pool's size (nil: every core).
    func objective(maximumBatchSize: Int, threads: Int?) throws -> SupervisedObjective<Scalar> {
        do {
            return try SupervisedObjective(dataset: train, model: model, loss: loss, maximumBatchSize: maximumBatchSize,
                                           threads: threads)
        }
        catch let e as TrainingDataError { throw CLIError("\(source): \(e)") }
    }

    /// The standardisation to store in the model file.
    var documentStandardization: ModelDocument.Standardization? {
        guard let f = featureStandardization else { return nil }
        return ModelDocument.Standardization(featureMeans: f.means, featureScales: f.scales,
                                             targetMeans: targetStandardization?.means, targetScales: targetStandardization?.scales)
    }
}
