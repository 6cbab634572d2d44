import DataFiles
import Foundation
import LinearAlgebra
import Training

/// Per-sample and class weights of a run (`SampleWeights`, `ClassWeights`): a file of one weight
/// per data row (a .npy vector, n or n × 1, or a one-column CSV), and class weights for a
/// classification loss, which multiply the sample weights (all 1 without a file).
public struct WeightSpec: Sendable, Equatable {
    /// The sample-weight file, nil for none.
    public var sampleWeightPath: String?
    public var classWeights: ClassWeights?

    public init(sampleWeightPath: String? = nil, classWeights: ClassWeights? = nil) {
        self.sampleWeightPath = sampleWeightPath; self.classWeights = classWeights
    }

    public var isEmpty: Bool { sampleWeightPath == nil && classWeights == nil }

    /// Reads the sample-weight file for `rows` data rows: one column, `rows` rows, every weight
    /// finite and ≥ 0, not all 0; a bad file is a `DataError` naming it (and the 0-based row).
    /// Not (yet) with rows dropped for NaN/Inf (`dropped` > 0) or sharded data-parallel training,
    /// where the data rows are not the file's rows.
    public func readSampleWeights<Scalar: BLASScalar>(_: Scalar.Type, rows: Int, dropped: Int = 0, sharded: Bool = false) throws
        -> (weights: SampleWeights<Scalar>, digest: String)? {
        guard let path = sampleWeightPath else { return nil }
        guard dropped == 0 else {
            throw DataError(.invalidValue, file: path, "--drop-nonfinite dropped \(dropped) data rows; sample weights cannot follow them yet (clean the data first)")
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
        let values = m.withUnsafeBufferPointer { Array($0) }
        for (i, w) in values.enumerated() where !(w.isFinite && w >= 0) {
            throw DataError(.invalidValue, file: path, "row \(i) (0-based): the sample weight is \(w); weights must be finite and ≥ 0")
        }
        guard values.contains(where: { $0 > 0 }) else {
            throw DataError(.invalidValue, file: path, "every sample weight is 0: nothing would be trained on")
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
        public var samplePath: String?
        public var sampleDigest: String?
        public var classWeights: String?
        /// The class weights used, one per class (computed for `balanced`), for the model file.
        public var classWeightValues: [Double]?
        /// The classes' label values when the targets were class labels (nil: the class indices).
        public var classLabels: [Double]? = nil

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
