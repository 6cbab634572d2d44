import LinearAlgebra

/// Weights of the classes of a classification loss, multiplying each sample's weight by its
/// class's (scikit-learn's `class_weight`; see `SampleWeights` for the weighted objective).
///
/// A sample's class is its class index c: the label y ∈ {0, 1} for `Loss.binaryLogistic`, the
/// arg-max of the target row (the first largest entry) for `Loss.softmaxCrossEntropy`, whose
/// rows are one-hot. The number of classes C is 2 or k (the target columns).
///
/// - `balanced`: w_c = n / (C′·n_c), with n_c the number of training samples of class c and C′
///   the number of classes that occur (n_c > 0). This is `sklearn.utils.compute_class_weight
///   ('balanced', classes=np.unique(y), y=y)` = `n_samples / (n_classes * np.bincount(y))`, as
///   `SGDClassifier.fit` calls it: counted on the data it fits, not weighted by `sample_weight`.
/// - `given`: w_c from the map, 1 for a class it leaves out (sklearn's dict form). Its keys are
///   class labels, as scikit-learn's `class_weight` dict keys are (`classes_` values): when the
///   targets were class labels (`ClassLabels`, e.g. -1 and 3), a key is a label value and weighs
///   the class of that label; otherwise (0/1 or one-hot targets) the labels are the class indices
///   0…C−1, and a key is the index.
public enum ClassWeights: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// n / (classes · count of the class), counted on the data it fits.
    case balanced
    /// These weights by class label (or index); 1 for a class left out.
    case given([Double: Double])

    /// Parses `balanced` or `c=w,c=w,…` (class label = weight; labels are integers such as -1 or 3,
    /// each weight finite and ≥ 0).
    public init(parsing text: String) throws {
        if text == "balanced" { self = .balanced; return }
        var map: [Double: Double] = [:]
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2, let label = Int(parts[0].trimmingSpaces), let w = Double(parts[1].trimmingSpaces) else {
                throw TrainingDataError("class weights: expected `balanced` or label=weight pairs such as 0=1,1=3 or -1=2,3=0.5, got \"\(item)\" in \"\(text)\"")
            }
            let c = Double(label)
            guard w.isFinite, w >= 0 else { throw TrainingDataError("class weights: the weight of class \(label) is \(w); weights must be finite and ≥ 0") }
            guard map[c] == nil else { throw TrainingDataError("class weights: class \(label) is given twice") }
            map[c] = w
        }
        self = .given(map)
    }

    public var description: String {
        switch self {
        case .balanced: "balanced"
        case .given(let m): m.keys.sorted().map { "\(ClassLabels.text($0))=\(m[$0]!)" }.joined(separator: ",")
        }
    }

    /// The number of classes of `loss` for targets with `columns` columns (nil: not a classification loss).
    public static func classCount(loss: Loss, columns: Int) -> Int? {
        switch loss {
        case .binaryLogistic: 2
        case .softmaxCrossEntropy: columns
        default: nil
        }
    }

    /// Each row's class index (throws for a logistic target that is not 0 or 1, or a loss that has no classes).
    public static func classes<Scalar: BLASScalar>(of targets: Matrix<Scalar>, loss: Loss) throws -> [Int] {
        guard classCount(loss: loss, columns: targets.cols) != nil else {
            throw TrainingDataError("class weights need a classification loss (logistic or softmax), not \(loss)")
        }
        return try (0..<targets.rows).map { i in
            if case .binaryLogistic = loss {
                let y = targets[i, 0]
                guard y == 0 || y == 1 else {
                    throw TrainingDataError("class weights need 0/1 labels; target row \(i) (0-based) is \(y)")
                }
                return y == 1 ? 1 : 0
            }
            var best = 0
            for j in 1..<targets.cols where targets[i, j] > targets[i, best] { best = j }
            return best
        }
    }

    /// The weight of every class 0..<C, for training targets with these class indices; `labels`
    /// are the classes' label values (nil: the targets were not labels, the labels are 0…C−1).
    /// A key that is not a class is an error naming it and listing the classes.
    public func weights(classes: [Int], classCount: Int, labels: ClassLabels? = nil) throws -> [Double] {
        switch self {
        case .balanced:
            var counts = [Int](repeating: 0, count: classCount)
            for c in classes { counts[c] += 1 }
            let present = counts.filter { $0 > 0 }.count
            return counts.map { $0 == 0 ? 1 : Double(classes.count) / (Double(present) * Double($0)) }
        case .given(let m):
            let values = labels?.labels ?? (0..<classCount).map(Double.init)
            precondition(values.count == classCount, "\(values.count) class labels for \(classCount) classes")
            if let bad = m.keys.sorted().first(where: { !values.contains($0) }) {
                throw TrainingDataError("class weights: there is no class \(ClassLabels.text(bad)); the classes are "
                                        + values.map(ClassLabels.text).joined(separator: ", "))
            }
            return values.map { m[$0] ?? 1 }
        }
    }

    /// Each sample's class weight, for the targets of a data set (`classWeights` from the training part).
    public static func multipliers<Scalar: BLASScalar>(classes: [Int], classWeights: [Double]) -> [Scalar] {
        classes.map { Scalar(classWeights[$0]) }
    }
}

private extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}
