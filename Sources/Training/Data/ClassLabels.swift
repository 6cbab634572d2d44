import LinearAlgebra

/// Class labels as targets, the way scikit-learn's classifiers take them: one column of label
/// values, whose classes are its sorted distinct values (`classes_`, from `np.unique(y)` in
/// `sklearn/utils/multiclass.py`, `unique_labels`), encoded at load into what the loss trains on.
///
/// - softmax cross-entropy: one column of integer labels becomes n × k one-hot rows, class c at
///   column index(c) of `labels` = sorted distinct values (k ≥ 2). Several columns (one-hot or
///   probability rows) are left as they are.
/// - logistic: a column of 0/1 or probabilities in [0, 1] is left as it is (no labels recorded);
///   otherwise two distinct integers (±1, {1, 2}, …) become 0 for the smaller and 1 for the larger,
///   as scikit-learn's `LabelBinarizer` makes `classes_[1]` the positive class.
///
/// `labels` is what the model file records as `classLabels` (nil when nothing was encoded).
public struct ClassLabels: Sendable, Equatable {
    /// The label value of each class, ascending.
    public var labels: [Double]

    /// The encoding of these labels (ascending).
    public init(labels: [Double]) { self.labels = labels }

    /// Where a row is, as messages start: "y.npy: row 3" for a .npy file (0-based), "y.csv:5:3"
    /// (line and field) for CSV (`rowNamer`).
    public typealias RowName = @Sendable (Int) -> String

    /// The targets the loss trains on and the labels found, for targets `y` as read. Errors are
    /// `TrainingDataError`s naming `file` and the row: a non-integer label where labels are needed,
    /// more than 2 labels for the logistic loss, a single class.
    public static func encode<Scalar: BLASScalar>(_ y: Matrix<Scalar>, loss: Loss, file: String, rowName: RowName)
        throws -> (targets: Matrix<Scalar>, labels: ClassLabels?) {
        guard y.cols == 1, loss.isClassification else { return (y, nil) }
        let values = (0..<y.rows).map { Double(y[$0, 0]) }
        if loss == .binaryLogistic && values.allSatisfy({ $0 >= 0 && $0 <= 1 }) { return (y, nil) }
        if let i = values.firstIndex(where: { $0 != $0.rounded() }) {
            let need = loss == .binaryLogistic ? "the logistic loss needs labels 0 or 1 (or probabilities in [0, 1]) or two integer labels"
                                               : "a single target column for softmax cross-entropy holds integer class labels"
            throw TrainingDataError("\(rowName(i)): label \(Self.text(values[i])) is not an integer; \(need)")
        }
        var distinct = Set<Double>()
        for (i, v) in values.enumerated() where distinct.insert(v).inserted {
            if loss == .binaryLogistic && distinct.count > 2 {
                throw TrainingDataError("\(rowName(i)): a third label (\(Self.text(v)), after \(distinct.subtracting([v]).sorted().map(Self.text).joined(separator: " and "))); "
                                        + "the logistic loss takes 2 classes (use softmax-cross-entropy for more)")
            }
        }
        guard distinct.count >= 2 else {
            throw TrainingDataError("\(file): every target is the label \(Self.text(values[0])); classification needs at least 2 classes")
        }
        let found = ClassLabels(labels: distinct.sorted())
        return (try found.targets(y, loss: loss, file: file, rowName: rowName), found)
    }

    /// The class index of each row's label (a label not in `labels`: an error naming `file`, the row and the value).
    public func classIndices<Scalar: BLASScalar>(_ y: Matrix<Scalar>, file: String, rowName: RowName) throws -> [Int] {
        precondition(y.cols == 1, "class labels are one column")
        var index: [Double: Int] = [:]
        for (c, v) in labels.enumerated() { index[v] = c }
        return try (0..<y.rows).map { i in
            let v = Double(y[i, 0])
            guard let c = index[v] else {
                throw TrainingDataError("\(rowName(i)): label \(Self.text(v)) is not one of the model's classes \(labels.map(Self.text).joined(separator: ", "))")
            }
            return c
        }
    }

    /// `y`'s labels as the loss's targets: one-hot rows over `labels` (softmax), or the class index
    /// 0/1 (logistic with 2 labels).
    public func targets<Scalar: BLASScalar>(_ y: Matrix<Scalar>, loss: Loss, file: String, rowName: RowName) throws -> Matrix<Scalar> {
        let classes = try classIndices(y, file: file, rowName: rowName)
        if loss == .binaryLogistic {
            precondition(labels.count == 2, "the logistic loss has 2 classes")
            var out = Matrix<Scalar>(rows: y.rows, cols: 1)
            for (i, c) in classes.enumerated() { out[i, 0] = Scalar(c) }
            return out
        }
        var out = Matrix<Scalar>(rows: y.rows, cols: labels.count)
        for (i, c) in classes.enumerated() { out[i, c] = 1 }
        return out
    }

    /// An integer label without a decimal point.
    static func text(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
    }
}

extension ClassLabels {
    /// Rows of `file` named as a .npy file's (0-based "row i", as numpy indexes) or a CSV file's:
    /// "file:line:field" when `csvLocation` finds the row (see `CSVReader.location`), else "data
    /// row i+1", counting after the header. After `droppedRows` rows were dropped, a row number is
    /// of the rows kept.
    public static func rowNamer(file: String, npy: Bool, droppedRows: Int,
                                csvLocation: (@Sendable (Int) -> (line: Int, column: Int)?)? = nil) -> RowName {
        let kept = droppedRows > 0 ? " of the rows kept" : ""
        if npy { return { (i: Int) -> String in file + ": row " + String(i) + kept } }
        return { (i: Int) -> String in
            if let (line, column) = csvLocation?(i) { return file + ":" + String(line) + ":" + String(column) }
            return file + ": data row " + String(i + 1) + kept
        }
    }
}
