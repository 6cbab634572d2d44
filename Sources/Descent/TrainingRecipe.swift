import Foundation

/// A training run as data: where the data comes from, the model, loss and start point, the
/// optimizer, the learning rate and schedule, batching, epochs, seeds, validation, early stopping,
/// averaging and the data-parallel mode. The command line fills one from its flags.
///
/// **The recipe is the checkpoint fingerprint.** `fingerprint` digests it, so a checkpoint resumes
/// only under the same recipe, apart from what may change between the run that wrote it and the run
/// that resumes it: the number of epochs (to train on), the file paths (the data enter through their
/// digest, so a moved file still matches) and the number of processes (`DataParallel` decides what
/// another count means). The model file's training record comes from it too (`trainingRecord`).
public struct TrainingRecipe: Codable, Equatable, Sendable {
    /// The training data.
    public struct DataSource: Codable, Equatable, Sendable {
        /// The data file (CSV or .npy), nil for the built-in problem.
        public var path: String?
        /// A separate targets file.
        public var targetsPath: String?
        /// Target columns as given (names, 0-based indices or `last`).
        public var targetColumns: [String]
        /// CSV reading: header mode and delimiter.
        public var header: String
        /// The CSV delimiter.
        public var delimiter: String
        /// Whether rows holding NaN or ±Inf were dropped.
        public var dropNonfinite: Bool
        /// XXH64 of the data as read (`DataScan.digest`).
        public var digest: String
        /// One line about the data, for reports and model files.
        public var description: String

        /// A description of the training data.
        public init(path: String?, targetsPath: String?, targetColumns: [String], header: String, delimiter: String,
                    dropNonfinite: Bool, digest: String, description: String) {
            self.path = path; self.targetsPath = targetsPath; self.targetColumns = targetColumns; self.header = header
            self.delimiter = delimiter; self.dropNonfinite = dropNonfinite; self.digest = digest; self.description = description
        }
    }

    /// Early stopping as the run was asked for it.
    public struct Stopping: Codable, Equatable, Sendable {
        /// Epochs without improvement before stopping.
        public var patience: Int
        /// The smallest change that counts as an improvement.
        public var minDelta: Double
        /// The monitored quantity's name; nil for the default.
        public var monitor: String?
        /// Early stopping with these settings.
        public init(patience: Int, minDelta: Double, monitor: String?) {
            self.patience = patience; self.minDelta = minDelta; self.monitor = monitor
        }
    }

    /// Where the data comes from, and its digest.
    public var data: DataSource
    /// "float" or "double".
    public var precision: String
    /// The model (`ModelShape`'s description) and the loss's text form.
    public var model: String
    /// The loss's text form.
    public var loss: String
    /// "zeros", "random (seed 3)" or "from model.json", with the digest of a start read from a file.
    public var initial: String
    /// The digest of a start point read from a model file; nil otherwise.
    public var initialDigest: String?
    /// The optimizer and its fields.
    public var optimizer: OptimizerSettings
    /// Options that apply to every optimizer.
    public var noBiasDecay: Bool
    /// The update from which iterates are averaged (`PolynomialAveraging`); nil for no averaging.
    public var averageFrom: Int?
    /// The base learning rate (the schedule's, or the constant rate).
    public var learningRate: Double
    /// The schedule's text form (`parseSchedule`), nil for a constant rate.
    public var schedule: String?
    /// What a metric-driven schedule reads, nil for the default.
    public var scheduleMetric: String?
    /// The batch size as asked for.
    public var batchSize: BatchSize
    /// The number of epochs (not part of the fingerprint).
    public var epochs: Int
    /// How batches are drawn each epoch.
    public var shuffle: ShuffleMode
    /// Whether an epoch's last, short batch is left out.
    public var dropLast: Bool
    /// The sampler's seed.
    public var seed: UInt64
    /// The fraction of rows held out for validation.
    public var validationSplit: Double
    /// none, features or all.
    public var standardize: String
    /// Early stopping, nil for none.
    public var earlyStopping: Stopping?
    /// Data-parallel sharding and synchronisation (nil for a plain run or exact every-step, which
    /// resume each other).
    public var dataParallel: String?
    /// Sample and class weights (nil: none; left out of the JSON, so an unweighted fingerprint is unchanged).
    public var weights: Weights? = nil
    /// Gradient clipping's text form (`GradientClipping.description`), nil for none (and then absent
    /// from the fingerprint's JSON, so older checkpoints still match).
    public var gradientClipping: String?
    /// scikit-learn's `tol` stop (nil for none, and then absent from the fingerprint's JSON).
    public var toleranceStop: ToleranceStop? = nil
    /// XXH64 of a replayed batch order's indices (`BatchOrder.digest`), nil for the sampler's own shuffle.
    public var batchOrder: String? = nil

    /// A recipe with every setting given.
    public init(data: DataSource, precision: String, model: String, loss: String, initial: String, initialDigest: String?,
                optimizer: OptimizerSettings, noBiasDecay: Bool, averageFrom: Int?, learningRate: Double, schedule: String?,
                scheduleMetric: String?, batchSize: BatchSize, epochs: Int, shuffle: ShuffleMode, dropLast: Bool, seed: UInt64,
                validationSplit: Double, standardize: String, earlyStopping: Stopping?, dataParallel: String?,
                gradientClipping: String? = nil) {
        self.data = data; self.precision = precision; self.model = model; self.loss = loss; self.initial = initial
        self.initialDigest = initialDigest; self.optimizer = optimizer; self.noBiasDecay = noBiasDecay; self.averageFrom = averageFrom
        self.learningRate = learningRate; self.schedule = schedule; self.scheduleMetric = scheduleMetric; self.batchSize = batchSize
        self.epochs = epochs; self.shuffle = shuffle; self.dropLast = dropLast; self.seed = seed
        self.validationSplit = validationSplit; self.standardize = standardize; self.earlyStopping = earlyStopping
        self.dataParallel = dataParallel; self.gradientClipping = gradientClipping
    }

    /// The optimizer line of reports and model files: its text form, then the options that apply
    /// to every optimizer.
    public var optimizerSummary: String { Self.optimizerSummary(optimizer, noBiasDecay: noBiasDecay, averageFrom: averageFrom) }

    /// `optimizerSummary` for these settings (also for runs without a recipe, such as the range test).
    public static func optimizerSummary(_ optimizer: OptimizerSettings, noBiasDecay: Bool, averageFrom: Int?) -> String {
        var parts = [optimizer.description]
        if noBiasDecay { parts.append("no_bias_decay") }
        if let a = averageFrom { parts.append("average_from=\(a)") }
        return parts.joined(separator: " ")
    }

    /// The digest a checkpoint is checked against: XXH64 (hex) of the recipe's JSON with sorted
    /// keys, without the epoch count, the file paths and the data's description.
    public var fingerprint: String {
        var key = self
        key.epochs = 0
        key.data.path = nil; key.data.targetsPath = nil; key.data.description = ""
        key.weights?.samplePath = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let json = (try? encoder.encode(key)) ?? Data()   // every field is encodable
        return json.withUnsafeBytes { XXH64.digest(of: $0).hex }
    }

    /// The model file's `training` record: what trained the model, and how the run ended.
    public func trainingRecord(stopReason: String, batch: Int) -> [String: String] {
        var info = ["optimizer": optimizerSummary, "learningRate": "\(learningRate)", "batchSize": "\(batch)",
                    "epochs": "\(epochs)", "seed": "\(seed)", "dtype": precision, "stopReason": stopReason, "data": data.description]
        if let s = schedule { info["schedule"] = s }
        if let w = weights { info.merge(w.record) { a, _ in a } }
        if let c = gradientClipping { info["gradientClipping"] = c }
        if let o = batchOrder { info["batchOrder"] = o }
        if let t = toleranceStop { info["tol"] = "\(t.tolerance)"; info["nIterNoChange"] = "\(t.iterationsWithoutChange)" }
        return info
    }
}
