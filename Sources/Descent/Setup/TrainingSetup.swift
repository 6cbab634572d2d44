import Collective
import DataFiles
import Foundation
import LinearAlgebra
import Training

/// The data and model a training (or range-test) run works on, prepared from the options: data
/// loaded (or the built-in problem made), split into training and validation parts, standardised
/// by the training part, the model built and its start point chosen. `descent train` and
/// `descent lr-find` share it, and so can any program.
public struct TrainingSetup<Scalar: BLASScalar> {
    /// The training part of the data (after the split, standardised when asked).
    public var train: Dataset<Scalar>
    /// The validation part, nil without a validation split.
    public var validation: Dataset<Scalar>?
    /// The features' standardisation, fitted on the training part; nil when not standardised.
    public var featureStandardization: Standardization?
    /// The targets' standardisation, fitted on the training part; nil when not standardised.
    public var targetStandardization: Standardization?
    /// The model's kind and layer sizes.
    public var shape: ModelShape
    /// The model built from `shape`.
    public var model: any Model<Scalar>
    /// The training loss.
    public var loss: Loss
    /// The start point, in the model's flat parameter layout.
    public var initialParameters: [Scalar]
    /// The start point in words: "zeros", "random (seed N)" or the model file it came from.
    public var initialDescription: String
    /// One name per feature.
    public var featureNames: [String]
    /// One name per target.
    public var targetNames: [String]
    /// One line about the data, for reports.
    public var dataDescription: String
    /// The data file (or "built-in problem"), for messages.
    public var source: String
    /// The file the targets came from (`source` unless a separate targets file was given), for
    /// messages about the targets.
    public var targetSource: String
    /// Whether the data is the built-in problem.
    public var isEmbedded: Bool
    /// Digest of the data as read (`DataScan.digest`, for checkpoint fingerprints).
    public var dataDigest: String
    /// The targets in the data's units when they were standardised for training (for reporting).
    public var rawTargets: (train: Matrix<Scalar>, validation: Matrix<Scalar>?)?
    /// Set when the standardisation asked for was narrowed (`all` with a classification loss).
    public let standardizationNote: String?
    /// The sample and class weights trained with (nil: none; see `WeightSpec`).
    public var weights: TrainingRecipe.Weights? = nil
    /// The label value of each class when the targets were one column of class labels, encoded at
    /// load (`ClassLabels`; nil for one-hot, 0/1 or probability targets). The model file records it.
    public var classLabels: [Double]? = nil
    /// How missing feature values were filled (`DataSpec.missing == .keepAsNaN`: fitted on the
    /// training rows by `DataSpec.fillStrategy`), or nil. The model file records it.
    public var missingValueFill: MissingValueFill? = nil
    /// Notes about how the data was read, for the report: missing cells filled, pandas' index
    /// column left out.
    public var dataNotes: [String] = []

    /// `dataParallel`: this process's place in a data-parallel run. Loading is agreed between the
    /// processes (a failure on one stops all, see `Communicator.agree`); in `.exact` mode every
    /// process reads all the data and they check that it is the same, in `.sharded` mode each reads
    /// only its rows of a .npy and the standardisation's moments and the data digest are combined
    /// over the processes.
    /// Empty feature cells kept by `data.missing == .keepAsNaN` are filled by `data.fillStrategy`,
    /// fitted on the training rows after the validation split (`MissingValueFill`).
    public init(data: DataSpec, model options: ModelSpec, preparation requested: PreparationSpec,
                dataParallel group: DataParallel? = nil) throws {
        // Class labels are not standardised: `all` standardises the features of a classification loss.
        var training = requested
        if requested.standardize == .all && options.loss.isClassification {
            training.standardize = .features
            standardizationNote = "--standardize all standardises only the features with the \(options.loss) loss (its targets are class labels)"
        } else {
            standardizationNote = nil
        }
        // Without a split, the standardisation is fitted on all the data: its moments come from
        // the pass that checks the values as they are read (when no row is dropped); with one,
        // from the pass that moves the training rows into place.
        let fitAtLoad = training.standardize != .none && training.validationSplit == 0
        let scanning = DataSpec.LoadScan(digest: true, featureMoments: fitAtLoad,
                                            targetMoments: fitAtLoad && training.standardize == .all)
        let sharded = group?.sharding == .sharded
        var (loaded, embedded, description) = try group.map { g in try g.communicator.agree { try Self.load(data, scanning: scanning, group: g) } }
            ?? Self.load(data, scanning: scanning, group: nil)
        isEmbedded = embedded; dataDescription = description
        if let group {
            // The digest of what this process read, as a number the processes can compare or combine.
            let digest = (loaded.digest ?? "-").utf8CString.withUnsafeBytes { XXH64.digest(of: $0).digest }
            if !sharded {
                guard try group.communicator.allAgree(digest) else {
                    throw TrainingDataError("the processes read different data from \(data.path ?? "the built-in problem") (a different file on "
                                            + "another machine?); exact sharding needs the same data everywhere")
                }
            } else {
                // One digest for the whole run: every shard's, in rank order.
                let parts = try group.communicator.allGather((0..<4).map { Double((digest >> (16 * UInt64($0))) & 0xFFFF) })
                var combined = XXH64()
                for part in parts { part.withUnsafeBytes { combined.update($0) } }
                loaded.digest = combined.hex
            }
        }
        guard loaded.y.cols >= 1 else { throw DataError(.missingColumn, file: loaded.source, "no target column") }
        guard loaded.x.cols >= 1 else { throw DataError(.missingColumn, file: loaded.source, "no feature column (every column is a target)") }
        featureNames = loaded.featureNames
        source = data.path ?? "built-in problem"
        targetSource = data.targetsPath ?? source
        targetNames = loaded.targetNames
        // The split and the standardisation are functions of the data as read and of settings
        // that the checkpoint fingerprint holds (fraction, seed, mode), so the digest of the data
        // as read identifies the data trained on.
        dataDigest = loaded.digest ?? "-"
        // One column of class labels becomes what the loss trains on; the classes are those of the
        // whole file, before the validation split (as scikit-learn's `classes_`).
        if options.loss.isClassification && loaded.y.cols == 1 {
            let file = targetSource
            let rowName = data.targetRowNamer(droppedRows: loaded.droppedRows)
            let encoded = try group.map { g in try g.communicator.agree { try ClassLabels.encode(loaded.y, loss: options.loss, file: file, rowName: rowName) } }
                ?? ClassLabels.encode(loaded.y, loss: options.loss, file: file, rowName: rowName)
            if let group, sharded {
                // Each process saw only its rows: the classes must be the same in every shard.
                let text = encoded.labels.map { $0.labels.map { "\($0)" }.joined(separator: ",") } ?? "-"
                guard try group.communicator.allAgree(text.utf8CString.withUnsafeBytes { XXH64.digest(of: $0).digest }) else {
                    throw TrainingDataError("\(file): the processes' shards hold different class labels; sharded training needs every class in every shard (use exact sharding, or one-hot targets)")
                }
            }
            loaded.y = encoded.targets
            classLabels = encoded.labels?.labels
        }

        // The matrices move from `loaded` to the dataset, so that they are uniquely referenced
        // and the standardisation below can work in place (no copy of a large data set).
        var trainPart = try Dataset(x: loaded.x, y: loaded.y, checkingValues: !loaded.valuesChecked)
        let sampleWeights = try data.weights.readSampleWeights(Scalar.self, rows: trainPart.sampleCount, dropped: loaded.droppedRows,
                                                               sharded: sharded, columnValues: loaded.sampleWeights,
                                                               dataFile: loaded.source)
        trainPart = trainPart.weighted(sampleWeights?.weights)
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
        if let group, sharded, training.standardize != .none {
            // Moments of every process's training part together.
            featureMoments = try (featureMoments ?? Self.moments(of: trainPart.x)).combined(over: group.communicator)
            if training.standardize == .all {
                targetMoments = try (targetMoments ?? Self.moments(of: trainPart.y)).combined(over: group.communicator)
            }
        }
        if data.missing == .keepAsNaN && data.isNPY {
            throw TrainingDataError("\(source): filling missing values applies to empty CSV cells, and a .npy file has none (a NaN there is a non-finite value: drop its rows with the drop-nonfinite option)")
        }
        if !loaded.missingCounts.isEmpty || data.missing == .keepAsNaN {
            // Filled before the standardisation, whose moments are then taken from the filled rows.
            let names = loaded.featureNames
            let fill = try MissingValueFill(fitting: trainPart.x, strategy: data.fillStrategy,
                                            columnName: { names.indices.contains($0) ? "\"\(names[$0])\"" : "column \($0)" })
            missingValueFill = fill
            let cells = loaded.missingCounts.reduce(0, +), columns = loaded.missingCounts.filter { $0 > 0 }.count
            if cells > 0 {
                dataNotes.append("\(cells) empty cell\(cells == 1 ? "" : "s") in \(columns) column\(columns == 1 ? "" : "s") filled with "
                                 + (data.fillStrategy == .mean ? "the training rows' mean" : "zero"))
            }
            trainPart = (consume trainPart).filled(fill)
            if let v = validationPart.take() { validationPart = v.filled(fill) }
            featureMoments = nil
        }
        if loaded.skippedIndexColumns > 0 {
            dataNotes.append(Self.indexColumnNote(loaded.skippedIndexColumns) + " (--keep-index-column keeps \(loaded.skippedIndexColumns == 1 ? "it" : "them"))")
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
        let classWeighted = try data.weights.applyClassWeights(train: trainPart, validation: validationPart, loss: options.loss,
                                                               labels: classLabels.map(ClassLabels.init(labels:)))
        (train, validation) = (classWeighted.train, classWeighted.validation)
        if !data.weights.isEmpty {
            weights = .init(samplePath: data.weights.sampleWeightSource, sampleDigest: sampleWeights?.digest,
                            classWeights: data.weights.classWeights?.description, classWeightValues: classWeighted.classWeights,
                            classLabels: data.weights.classWeights == nil ? nil : classLabels)
        }
        loss = options.loss
        shape = options.shape(inputs: train.featureCount, outputs: train.targetCount)
        model = try shape.makeModel(Scalar.self)

        let initial = options.initial ?? (options.kind == .linear ? "zeros" : "random")
        switch initial {
        case "zeros":
            initialParameters = [Scalar](repeating: 0, count: model.parameterCount)
            initialDescription = "zeros"
        case "random":
            initialParameters = model.initialParameters(seed: training.seed)
            initialDescription = "random (seed \(training.seed))"
        default:
            let file = try SavedModel<Scalar>(path: initial)
            guard file.shape == shape else {
                throw DataError(.shapeMismatch, file: initial, "the model file is \(file.shape), this run needs \(shape)")
            }
            initialParameters = file.parameters
            initialDescription = "from \(initial)"
        }
    }

    static func moments(of m: Matrix<Scalar>) -> ColumnMoments {
        var c = ColumnMoments(columnCount: m.cols)
        m.withView { c.add($0) }
        return c
    }

    /// This process's data: all of it for a plain run or `.exact` sharding (a data-parallel run maps
    /// .npy files, so processes on one machine share the pages), or its equal share of the rows of
    /// a .npy file, read from that row on (`.sharded`; the last `n mod N` rows are not used).
    static func load(_ data: DataSpec, scanning: DataSpec.LoadScan, group: DataParallel?) throws
        -> (LoadedData<Scalar>, embedded: Bool, description: String) {
        let sharded = group?.sharding == .sharded
        let (rank, size) = (group?.rank ?? 0, group?.size ?? 1)
        func share(_ n: Int) -> Range<Int> { let m = n / size; return (rank * m)..<((rank + 1) * m) }
        func shareNote(_ n: Int) -> String {
            let m = n / size, unused = n - m * size
            return "; \(size) processes × \(m) rows each" + (unused > 0 ? " (the last \(unused) not used)" : "")
        }
        if data.path == nil {
            var (x, y) = EmbeddedProblem.make(Scalar.self)
            var description = "built-in regression problem: \(x.rows) samples, \(x.cols) correlated features, noise σ = \(EmbeddedProblem.noise)"
            if sharded {
                let r = share(x.rows)
                description += shareNote(x.rows)
                func own(_ m: Matrix<Scalar>) -> Matrix<Scalar> {   // a copy of the share, so the rest is freed
                    var out = Matrix<Scalar>(rows: r.count, cols: m.cols)
                    m.gatherRows(Array(r), into: &out)
                    return out
                }
                x = own(x); y = own(y)
            }
            var scan = DataScan<Scalar>(featureCount: x.cols, targetCount: y.cols, digest: true,
                                        featureMoments: scanning.featureMoments, targetMoments: scanning.targetMoments)
            scan.add(features: x, targets: y)
            let loaded = LoadedData(x: x, y: y, featureNames: EmbeddedProblem.featureNames, targetNames: ["y"], droppedRows: 0,
                                    source: "built-in regression problem", digest: scan.digest,
                                    featureMoments: scan.featureMoments, targetMoments: scan.targetMoments,
                                    valuesChecked: scan.firstNonFinite == nil)
            return (loaded, true, description)
        }
        var loaded: LoadedData<Scalar>
        var note = ""
        if sharded {
            guard data.isNPY, data.targetsPath.map({ $0.lowercased().hasSuffix(".npy") }) ?? true else {
                throw TrainingDataError("sharded training reads each process's rows straight from .npy files; convert the data to .npy, or use exact sharding (--sharding exact)")
            }
            let n = try NPYFile.shape(of: URL(fileURLWithPath: data.path!)).rows
            guard n >= size else {
                throw DataError(.noDataRows, file: data.path!, "has \(n) rows, fewer than the \(size) processes that share them")
            }
            loaded = try data.load(Scalar.self, withTargets: true, scanning: scanning, rows: share(n), mapping: true)
            note = shareNote(n)
        } else {
            loaded = try data.load(Scalar.self, withTargets: true, scanning: scanning, mapping: group != nil)
        }
        let description = "\(loaded.source): \(loaded.x.rows * (sharded ? size : 1)) samples, \(loaded.x.cols) features, \(loaded.y.cols) target\(loaded.y.cols == 1 ? "" : "s")"
            + Self.droppedNote(loaded) + note
        return (loaded, false, description)
    }

    /// What was left out as pandas' row index.
    public static func indexColumnNote(_ count: Int) -> String {
        count == 1 ? "column 0 has no name (pandas' row index) and is not a feature"
            : "columns 0–\(count - 1) are unnamed (pandas' row index) and are not features"
    }

    /// "(3 rows with NaN/Inf dropped)", "(2 rows with an empty cell dropped)", or both.
    static func droppedNote(_ loaded: LoadedData<Scalar>) -> String {
        let missing = loaded.droppedForMissing, nonFinite = loaded.droppedRows - loaded.droppedForMissing
        var parts: [String] = []
        if nonFinite > 0 { parts.append("\(nonFinite) row\(nonFinite == 1 ? "" : "s") with NaN/Inf") }
        if missing > 0 { parts.append("\(missing) row\(missing == 1 ? "" : "s") with an empty cell") }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: " and ") + " dropped)"
    }

    /// The objective over the training part; a loss that does not fit the targets (e.g. logistic
    /// loss on values other than 0/1, softmax on one column) is reported against the file the
    /// targets came from (`--targets y.npy` when given).
    /// `threads`: the batch-splitting worker pool's size (nil: every core).
    public func objective(maximumBatchSize: Int, threads: Int?) throws -> SupervisedObjective<Scalar> {
        do {
            return try SupervisedObjective(dataset: train, model: model, loss: loss, maximumBatchSize: maximumBatchSize,
                                           threads: threads)
        }
        catch let e as TrainingDataError { throw TrainingDataError("\(targetSource): \(e)") }
    }

    /// The standardisation to store in the model file.
    public var documentStandardization: ModelDocument.Standardization? {
        featureStandardization.map { ModelDocument.Standardization(features: $0, targets: targetStandardization) }
    }
}
