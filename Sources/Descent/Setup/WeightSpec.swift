import DataFiles
import Foundation
import LinearAlgebra
import Training

/// Per-sample and class weights of a run (`SampleWeights`, `ClassWeights`): a file of one weight
/// per data row (a .npy vector, n or n × 1, or a one-column CSV) or a column of a CSV data file,
/// and class weights for a classification loss, which multiply the sample weights (all 1 without
/// either).
public struct WeightSpec: Sendable, Equatable {
    /// The sample-weight file, nil for none.
    public var sampleWeightPath: String?
    /// Or a column of the (CSV) data file holding the weights (`CSVOptions.weightColumn`): it
    /// follows the rows the reader drops, which a separate file cannot.
    public var sampleWeightColumn: CSVColumn? = nil
    /// Class weights for a classification loss, nil for none.
    public var classWeights: ClassWeights?

    /// Weights from a sample-weight file and class weights (none by default).
    public init(sampleWeightPath: String? = nil, classWeights: ClassWeights? = nil) {
        self.sampleWeightPath = sampleWeightPath; self.classWeights = classWeights
    }

    /// Whether no weights are given.
    public var isEmpty: Bool { sampleWeightPath == nil && sampleWeightColumn == nil && classWeights == nil }

    /// Where the sample weights come from, for the report and the model file's record:
    /// the path, or `column:<name or index>`.
    public var sampleWeightSource: String? {
        if let c = sampleWeightColumn {
            switch c {
            case .name(let n): return "column:" + n
            case .index(let i): return "column:\(i)"
            case .last: return "column:last"
            }
        }
        return sampleWeightPath
    }

    /// `--sample-weight` as text: `column:NAME` or `column:INDEX` (0-based) names a column of the
    /// data file, anything else is a file.
    public init(sampleWeights text: String?, classWeights: ClassWeights? = nil) {
        self.classWeights = classWeights
        guard let text else { return }
        if text.hasPrefix("column:") {
            let column = String(text.dropFirst("column:".count))
            sampleWeightColumn = column == "last" ? .last : Int(column).map { .index($0) } ?? .name(column)
        } else {
            sampleWeightPath = text
        }
    }

    /// Reads the sample-weight file for `rows` data rows: one column, `rows` rows, every weight
    /// finite and ≥ 0, not all 0; a bad file is a `DataError` naming it (and the 0-based row).
    /// Not (yet) with rows dropped for NaN/Inf (`dropped` > 0) or sharded data-parallel training,
    /// where the data rows are not the file's rows.
    /// With `sampleWeightColumn`, the weights are `columnValues`, read with the data
    /// (`LoadedData.sampleWeights`; `dataFile` names it), and checked the same way.
    public func readSampleWeights<Scalar: BLASScalar>(_: Scalar.Type, rows: Int, dropped: Int = 0, sharded: Bool = false,
                                                      columnValues: [Scalar]? = nil, dataFile: String = "<data>") throws
        -> (weights: SampleWeights<Scalar>, digest: String)? {
        if let column = sampleWeightColumn {
            guard let values = columnValues, !dataFile.lowercased().hasSuffix(".npy") else {
                throw DataError(.invalidValue, file: dataFile, "a sample-weight column (\(sampleWeightSource ?? "")) needs CSV data; give the weights of .npy data as a file (--sample-weight w.npy)")
            }
            precondition(values.count == rows, "\(values.count) weights read for \(rows) rows")
            return try Self.checked(values, file: dataFile, what: "column \(column)")
        }
        guard let path = sampleWeightPath else { return nil }
        guard dropped == 0 else {
            throw DataError(.invalidValue, file: path, "\(dropped) data row\(dropped == 1 ? " was" : "s were") dropped (NaN/Inf or empty cells); weights in a separate file cannot follow them: put them in a column of the data (--sample-weight column:NAME)")
        }
        guard !sharded else {
            throw DataError(.invalidValue, file: path, "sample weights are not supported with sharded training yet (use --sharding exact)")
        }
        let url = URL(fileURLWithPath: path)
        let m: Matrix<Scalar> = path.lowercased().hasSuffix(".npy")
            ? try NPYFile.read(url, as: Scalar.self)
            : try CSVReader.read(url, as: Scalar.self, options: CSVOptions(targetColumns: [])).features
        guard m.cols == 1 else {
            throw DataError(.shapeMismatch, file: path, "sample weights must be one column (\(rows) × 1 or a vector of \(rows)), the file is \(m.rows) × \(m.cols)")
        }
        guard m.rows == rows else {
            throw DataError(.rowCountMismatch, file: path, "has \(m.rows) sample weights but the data has \(rows) rows: the row counts must match")
        }
        return try Self.checked(m.withUnsafeBufferPointer { Array($0) }, file: path, what: nil)
    }

    /// Every weight finite and ≥ 0 and not all 0 (a `DataError` naming `file`, the column `what`
    /// when given, and the 0-based row); the weights and their digest.
    static func checked<Scalar: BLASScalar>(_ values: [Scalar], file: String, what: String?) throws
        -> (weights: SampleWeights<Scalar>, digest: String) {
        let place = what.map { " of \($0)" } ?? ""
        for (i, w) in values.enumerated() where !(w.isFinite && w >= 0) {
            throw DataError(.invalidValue, file: file, "row \(i) (0-based)\(place): the sample weight is \(w); weights must be finite and ≥ 0")
        }
        guard values.contains(where: { $0 > 0 }) else {
            throw DataError(.invalidValue, file: file, "every sample weight\(place) is 0: nothing would be trained on")
        }
        let digest = values.withUnsafeBytes { XXH64.digest(of: $0).hex }
        return (try SampleWeights(values), digest)
    }

    /// The training and validation parts with their weights: the sample weights (already on the
    /// parts, moved by the split) times the class weights, counted on the training part (`balanced`).
    /// `labels`: the classes' label values when the targets were class labels (`ClassLabels`), which
    /// the keys of given class weights name. Returns the parts and the class weights used, one per
    /// class index (nil without class weights).
    func applyClassWeights<Scalar: BLASScalar>(train: Dataset<Scalar>, validation: Dataset<Scalar>?, loss: Loss,
                                               labels: ClassLabels? = nil)
        throws -> (train: Dataset<Scalar>, validation: Dataset<Scalar>?, classWeights: [Double]?) {
        guard let classWeights else { return (train, validation, nil) }
        guard let count = ClassWeights.classCount(loss: loss, columns: train.targetCount) else {
            throw TrainingDataError("--class-weight needs a classification loss (logistic or softmax), not \(loss)")
        }
        let classes = try ClassWeights.classes(of: train.y, loss: loss)
        let perClass = try classWeights.weights(classes: classes, classCount: count, labels: labels)
        func weighted(_ part: Dataset<Scalar>, _ classes: [Int]) throws -> Dataset<Scalar> {
            let multipliers: [Scalar] = ClassWeights.multipliers(classes: classes, classWeights: perClass)
            let base = try part.weights ?? SampleWeights([Scalar](repeating: 1, count: part.sampleCount))
            return part.weighted(try base.multiplied(by: multipliers))
        }
        let v = try validation.map { try weighted($0, ClassWeights.classes(of: $0.y, loss: loss)) }
        return (try weighted(train, classes), v, perClass)
    }
}

extension TrainingRecipe {
    /// The weights a run trained with: the sample-weight file (its path, left out of the
    /// fingerprint like every path, and the XXH64 of its values) and the class weights as asked
    /// for (`balanced` or `c=w,…`).
    public struct Weights: Codable, Equatable, Sendable {
        /// The sample-weight file's path, nil when there is none.
        public var samplePath: String?
        /// The XXH64 of the sample weights' values, nil when there are none.
        public var sampleDigest: String?
        /// The class weights as asked for (`balanced` or `c=w,…`), nil for none.
        public var classWeights: String?
        /// The class weights used, one per class (computed for `balanced`), for the model file.
        public var classWeightValues: [Double]?
        /// The classes' label values when the targets were class labels (nil: the class indices).
        public var classLabels: [Double]? = nil

        /// A record of the given weights.
        public init(samplePath: String?, sampleDigest: String?, classWeights: String?, classWeightValues: [Double]?,
                    classLabels: [Double]? = nil) {
            self.samplePath = samplePath; self.sampleDigest = sampleDigest; self.classWeights = classWeights
            self.classWeightValues = classWeightValues; self.classLabels = classLabels
        }

        /// The model file's training-record entries.
        var record: [String: String] {
            var info: [String: String] = [:]
            if let d = sampleDigest { info["sampleWeights"] = "\(samplePath ?? "file") (xxh64 \(d))" }
            if let c = classWeights {
                // Each class by its label (as the keys of --class-weight name it), else by its index.
                let names: (Int) -> String = { c in classLabels.map { SavedModel<Double>.labelText($0[c]) } ?? String(c) }
                let values = classWeightValues.map { v in ": " + v.enumerated().map { "\(names($0))=\($1)" }.joined(separator: ",") } ?? ""
                info["classWeights"] = c + values
            }
            return info
        }
    }
}
