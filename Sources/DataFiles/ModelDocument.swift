import Foundation
import LinearAlgebra

/// A trained model as a JSON document (`descent` model files; described in `docs/model-file.md`,
/// JSON Schema `docs/model-file.schema.json`). `ModelDocument(shape:parameters:loss:…)`,
/// `SavedModel` and `ModelFile` in the `Descent` target map between it and a model's flat
/// parameters.
///
/// Schema, format version 1 (keys sorted, pretty-printed; every number that is a weight or a
/// statistic is printed with the shortest digits that parse back to the same `Double`, so values —
/// including every `Float` — round-trip exactly):
///
/// ```
/// {
///   "formatVersion": 1,                  // readers reject any other version
///   "kind": "linear" | "mlp",
///   "inputCount": d, "outputCount": k,
///   "hiddenSizes": [h1, h2, …],          // [] for "linear"
///   "activation": "relu",                // "mlp" only (absent for "linear"); the document accepts any
///                                        // non-empty name, but `descent` writes and loads only "relu"
///   "layers": [                          // hiddenSizes.count + 1 entries, input side first
///     { "weights": [[w00, w01, …], …],   // inputs × outputs: weights[i][j] is from input i to output j
///       "bias": [b0, b1, …] }            // one per output, or absent for no bias (linear without intercept)
///   ],
///   "standardization": {                 // optional; x' = (x − mean) / scale, likewise for targets
///     "featureMeans": [d], "featureScales": [d],
///     "targetMeans": [k]?, "targetScales": [k]? },
///   "missingValues": {                   // optional; a NaN (empty CSV cell) in feature j becomes
///     "strategy": "mean" | "zero",       // values[j] before the standardisation (fitted on the
///     "values": [d] },                   // training rows: `MissingValueFill`)
///   "featureNames": [d names] | [], "targetNames": [k names] | [],
///   "classLabels": [c0, c1, …],          // optional, classification losses only: the label value in the
///                                        // data of each class (logistic: [negative, positive], e.g.
///                                        // [-1, 1] or [0, 1]; softmax: one per output, e.g. [0, 1, 2]);
///                                        // absent when the targets were one-hot rows or probabilities
///   "loss": "squared-error" | "huber:<δ>" | "absolute-error" | "logistic" | "softmax-cross-entropy",
///                                        // `Loss.description`; `Loss(parsing:)` also reads its aliases
///                                        // ("squared", "absolute", "softmax", … in older files)
///   "training": { "optimizer": "sgd momentum=0.9", "learningRate": "0.01", "batchSize": "64",
///                 "epochs": "10", "seed": "0", "dtype": "double", "stopReason": "completed",
///                 "data": "…", "schedule": "…" },   // free-form strings, as `descent train` records them
///                                                   // (a checkpoint's model: { "checkpoint": "epoch E, step S" })
///   "createdBy": "descent 0.1.0"         // the writing program and its version
/// }
/// ```
/// A layer maps a row `x` (1×inputs) to `x·W + b` (1×outputs).
public struct ModelDocument: Codable, Equatable, Sendable {
    /// The format version this version writes and reads (1).
    public static let currentFormatVersion = 1

    /// The model's kind: `linear` or `mlp`.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// A linear model: one layer.
        case linear
        /// A multilayer perceptron with ReLU hidden layers.
        case mlp
    }

    /// One affine layer: y = x·weights + bias.
    public struct Layer: Codable, Equatable, Sendable {
        /// Row-major, inputs × outputs.
        public var weights: [[Double]]
        /// One bias per output; nil for a linear model without an intercept.
        public var bias: [Double]?

        /// A layer of these weights (inputs × outputs) and biases.
        public init(weights: [[Double]], bias: [Double]?) { self.weights = weights; self.bias = bias }

        /// From an inputs × outputs matrix (values widened to `Double` exactly).
        public init<Scalar: BLASScalar>(weights: Matrix<Scalar>, bias: [Scalar]?) {
            self.weights = weights.nestedRows.map { $0.map { Double($0) } }
            self.bias = bias?.map { Double($0) }
        }

        /// The weights as an inputs × outputs matrix (call after validation: rows are equal length).
        public func weightMatrix<Scalar: BLASScalar>(as _: Scalar.Type = Scalar.self) -> Matrix<Scalar> {
            Matrix(weights.map { $0.map { Scalar($0) } })
        }

        /// The biases in `Scalar`, nil when the layer has none.
        public func biasVector<Scalar: BLASScalar>(as _: Scalar.Type = Scalar.self) -> [Scalar]? {
            bias?.map { Scalar($0) }
        }
    }

    /// The standardisation statistics: (x − mean)/scale for the features, and, when the targets were
    /// standardised too, their means and scales.
    public struct Standardization: Codable, Equatable, Sendable {
        /// One mean per feature.
        public var featureMeans: [Double]
        /// One scale per feature.
        public var featureScales: [Double]
        /// One mean per target, nil when the targets were not standardised.
        public var targetMeans: [Double]?
        /// One scale per target, nil when the targets were not standardised.
        public var targetScales: [Double]?

        /// Statistics with these values.
        public init(featureMeans: [Double], featureScales: [Double], targetMeans: [Double]? = nil, targetScales: [Double]? = nil) {
            self.featureMeans = featureMeans; self.featureScales = featureScales
            self.targetMeans = targetMeans; self.targetScales = targetScales
        }
    }

    /// The fill of missing feature values fitted in training.
    public struct MissingValues: Codable, Equatable, Sendable {
        /// "mean" or "zero" (`MissingValueFill.Strategy`).
        public var strategy: String
        /// One fill value per feature.
        public var values: [Double]
        /// A fill by `strategy` with these values.
        public init(strategy: String, values: [Double]) { self.strategy = strategy; self.values = values }
    }

    /// The file's format version; readers refuse any other than `currentFormatVersion`.
    public var formatVersion: Int
    /// Linear model or MLP.
    public var kind: Kind
    /// The number of features the model takes.
    public var inputCount: Int
    /// The number of outputs.
    public var outputCount: Int
    /// The hidden layers' widths, input side first (empty for a linear model).
    public var hiddenSizes: [Int]
    /// The hidden layers' activation (`relu`); nil for a linear model.
    public var activation: String?
    /// The affine layers, input side first.
    public var layers: [Layer]
    /// The standardisation statistics, nil when nothing was standardised.
    public var standardization: Standardization?
    /// How missing feature values were filled in training, and with what (see the schema above).
    public var missingValues: MissingValues? = nil
    /// One name per feature, or empty.
    public var featureNames: [String]
    /// One name per output, or empty.
    public var targetNames: [String]
    /// The label value of each class in the data (see the schema above), or nil.
    public var classLabels: [Double]?
    /// The loss's text form (`squared-error`, `huber:<δ>`, `absolute-error`, `logistic`,
    /// `softmax-cross-entropy`).
    public var loss: String
    /// Free-form strings recording how the model was trained.
    public var training: [String: String]
    /// The program that wrote the file, and its version.
    public var createdBy: String

    /// A document with every field given (the format version defaults to the current one).
    public init(kind: Kind, inputCount: Int, outputCount: Int, hiddenSizes: [Int] = [], activation: String? = nil,
                layers: [Layer], standardization: Standardization? = nil, featureNames: [String] = [],
                targetNames: [String] = [], classLabels: [Double]? = nil, loss: String, training: [String: String] = [:],
                createdBy: String, formatVersion: Int = ModelDocument.currentFormatVersion) {
        self.formatVersion = formatVersion; self.kind = kind
        self.inputCount = inputCount; self.outputCount = outputCount
        self.hiddenSizes = hiddenSizes; self.activation = activation; self.layers = layers
        self.standardization = standardization; self.featureNames = featureNames; self.targetNames = targetNames
        self.classLabels = classLabels; self.loss = loss; self.training = training; self.createdBy = createdBy
    }

    /// Layer widths from input to output: `[inputCount] + hiddenSizes + [outputCount]`.
    public var layerSizes: [Int] { [inputCount] + hiddenSizes + [outputCount] }

    // MARK: Files

    /// Reads and validates a model file.
    public static func load(from url: URL) throws -> ModelDocument {
        try decode(JSONSupport.read(url), file: url.path)
    }

    /// Decodes and validates; `file` names the source in errors.
    public static func decode(_ data: Data, file: String) throws -> ModelDocument {
        try JSONSupport.checkVersion(data, current: currentFormatVersion, what: "model", file: file)
        struct KindProbe: Decodable { var kind: String? }
        if let kind = try JSONSupport.decode(KindProbe.self, from: data, file: file).kind, Kind(rawValue: kind) == nil {
            throw DataError(.invalidValue, file: file,
                            "model kind \"\(kind)\" is not known (\(Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let document = try JSONSupport.decode(ModelDocument.self, from: data, file: file)
        try document.validate(file: file)
        return document
    }

    /// Validates, then writes atomically.
    public func save(to url: URL) throws {
        try AtomicFile.write(encoded(file: url.path), to: url)
    }

    /// The validated document as JSON.
    public func encoded(file: String = "<model>") throws -> Data {
        try validate(file: file)
        return try JSONSupport.encode(self, file: file)
    }

    /// Checks the model against data with `featureCount` columns (and `targetCount`, when given).
    public func checkCompatible(featureCount: Int, targetCount: Int? = nil, file: String) throws {
        try Self.checkCompatible(inputCount: inputCount, outputCount: outputCount,
                                 featureCount: featureCount, targetCount: targetCount, file: file)
    }

    /// Checks a model with `inputCount` inputs and `outputCount` outputs against data with
    /// `featureCount` columns (and `targetCount`, when given); the `DataError` names `file`.
    public static func checkCompatible(inputCount: Int, outputCount: Int, featureCount: Int, targetCount: Int? = nil,
                                       file: String) throws {
        guard featureCount == inputCount else {
            throw DataError(.shapeMismatch, file: file,
                            "the model takes \(inputCount) feature\(inputCount == 1 ? "" : "s"), the data has \(featureCount)")
        }
        if let targetCount, targetCount != outputCount {
            throw DataError(.shapeMismatch, file: file,
                            "the model predicts \(outputCount) target\(outputCount == 1 ? "" : "s"), the data has \(targetCount)")
        }
    }

    // MARK: Validation

    /// Throws the first inconsistency: version, sizes, layer shapes (expected vs found),
    /// non-finite numbers, statistics and name counts.
    public func validate(file: String) throws {
        func fail(_ kind: DataError.Kind, _ message: String) -> DataError { DataError(kind, file: file, message) }
        try JSONSupport.checkVersion(formatVersion, current: Self.currentFormatVersion, what: "model", file: file)
        guard inputCount >= 1, outputCount >= 1 else {
            throw fail(.invalidValue, "inputCount \(inputCount) and outputCount \(outputCount) must both be at least 1")
        }
        if let bad = hiddenSizes.firstIndex(where: { $0 < 1 }) {
            throw fail(.invalidValue, "hiddenSizes[\(bad)] is \(hiddenSizes[bad]); hidden layers need at least 1 unit")
        }
        switch kind {
        case .linear:
            guard hiddenSizes.isEmpty else { throw fail(.shapeMismatch, "a linear model has no hidden layers, found hiddenSizes \(hiddenSizes)") }
        case .mlp:
            guard !hiddenSizes.isEmpty else { throw fail(.shapeMismatch, "an mlp model needs hiddenSizes, found []") }
            guard let activation, !activation.isEmpty else { throw fail(.invalidValue, "an mlp model needs an activation") }
        }
        let sizes = layerSizes
        guard layers.count == sizes.count - 1 else {
            throw fail(.shapeMismatch, "expected \(sizes.count - 1) layer\(sizes.count == 2 ? "" : "s") for sizes \(sizes), found \(layers.count)")
        }
        for (l, layer) in layers.enumerated() {
            let (fanIn, fanOut) = (sizes[l], sizes[l + 1])
            let foundCols = layer.weights.first?.count ?? 0
            guard layer.weights.count == fanIn, layer.weights.allSatisfy({ $0.count == foundCols }), foundCols == fanOut else {
                let found = layer.weights.allSatisfy({ $0.count == foundCols })
                    ? "\(layer.weights.count)×\(foundCols)"
                    : "ragged rows of lengths \(layer.weights.map(\.count))"
                throw fail(.shapeMismatch, "layers[\(l)].weights: expected shape \(fanIn)×\(fanOut) (inputs×outputs), found \(found)")
            }
            for (i, row) in layer.weights.enumerated() {
                if let j = row.firstIndex(where: { !$0.isFinite }) {
                    throw fail(.invalidValue, "layers[\(l)].weights[\(i)][\(j)] is \(row[j]), not a finite number")
                }
            }
            if let bias = layer.bias {
                guard bias.count == fanOut else {
                    throw fail(.shapeMismatch, "layers[\(l)].bias: expected \(fanOut) values, found \(bias.count)")
                }
                try checkFinite(bias, "layers[\(l)].bias", file: file)
            }
        }
        if let s = standardization {
            try checkStatistics(s.featureMeans, s.featureScales, count: inputCount, name: "feature", file: file)
            if s.targetMeans != nil || s.targetScales != nil {
                guard let m = s.targetMeans, let sc = s.targetScales else {
                    throw fail(.invalidValue, "standardization has only one of targetMeans and targetScales")
                }
                try checkStatistics(m, sc, count: outputCount, name: "target", file: file)
            }
        }
        if let m = missingValues {
            guard ["mean", "zero"].contains(m.strategy) else {
                throw fail(.invalidValue, "missingValues.strategy \"\(m.strategy)\" is not known (mean, zero)")
            }
            guard m.values.count == inputCount else {
                throw fail(.shapeMismatch, "missingValues.values: expected \(inputCount) values, found \(m.values.count)")
            }
            try checkFinite(m.values, "missingValues.values", file: file)
        }
        guard featureNames.isEmpty || featureNames.count == inputCount else {
            throw fail(.shapeMismatch, "featureNames: expected \(inputCount) names, found \(featureNames.count)")
        }
        guard targetNames.isEmpty || targetNames.count == outputCount else {
            throw fail(.shapeMismatch, "targetNames: expected \(outputCount) names, found \(targetNames.count)")
        }
        if let labels = classLabels {
            let expected = outputCount == 1 ? 2 : outputCount
            guard labels.count == expected else {
                throw fail(.shapeMismatch, "classLabels: expected \(expected) labels for \(outputCount) output\(outputCount == 1 ? "" : "s"), found \(labels.count)")
            }
            try checkFinite(labels, "classLabels", file: file)
            guard Set(labels).count == labels.count else { throw fail(.invalidValue, "classLabels \(labels) repeats a label") }
        }
    }

    private func checkFinite(_ values: [Double], _ field: String, file: String) throws {
        if let j = values.firstIndex(where: { !$0.isFinite }) {
            throw DataError(.invalidValue, file: file, "\(field)[\(j)] is \(values[j]), not a finite number")
        }
    }

    private func checkStatistics(_ means: [Double], _ scales: [Double], count: Int, name: String, file: String) throws {
        guard means.count == count, scales.count == count else {
            throw DataError(.shapeMismatch, file: file,
                            "standardization: expected \(count) \(name) means and scales, found \(means.count) and \(scales.count)")
        }
        try checkFinite(means, "standardization.\(name)Means", file: file)
        try checkFinite(scales, "standardization.\(name)Scales", file: file)
        if let j = scales.firstIndex(where: { $0 <= 0 }) {
            throw DataError(.invalidValue, file: file, "standardization.\(name)Scales[\(j)] is \(scales[j]); scales must be positive")
        }
    }
}
