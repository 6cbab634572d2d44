import LinearAlgebra

/// Classification metrics accumulated chunk by chunk from logits, with optional per-sample weights
/// wᵢ ≥ 0 (scikit-learn's `sample_weight`; none means wᵢ = 1). Nothing is allocated after `init`
/// except by `reserveScores(_:)`.
///
/// Classes: one logit column (binary) has classes 0 and 1, predicted 1 when z > 0 (σ(z) > ½), the
/// target's class 1 when y ≥ ½. k ≥ 2 columns: the predicted class is the first arg-max of the
/// logits, the target's the first arg-max of its row.
///
/// - Confusion matrix C (k × k, 2 × 2 for one column): C[t][p] = Σ wᵢ over samples of true class t
///   predicted p (scikit-learn's `confusion_matrix` with `labels = 0…k−1`).
/// - Accuracy = Σₜ C[t][t] / W (`accuracy_score`).
/// - Per class c: precision = C[c][c]/Σₜ C[t][c], recall = C[c][c]/Σₚ C[c][p],
///   F1 = 2·P·R/(P + R), support = Σₚ C[c][p] (`precision_recall_fscore_support`, `average=None`,
///   `labels = 0…k−1`). A zero denominator gives 0 (scikit-learn's default `zero_division="warn"`,
///   which returns 0), so a class never predicted has precision 0, and F1 is 0 when P + R = 0.
/// - Log-loss = −(1/W)·Σᵢ wᵢ·Σⱼ yᵢⱼ·log clip(pᵢⱼ, ε, 1 − ε), with p = σ(z) (the pair [1 − p, p]
///   for one column) or softmax(z), and ε the machine epsilon of the scalar type: scikit-learn's
///   `log_loss` in `sklearn/metrics/_classification.py` clips `y_proba` to [ε, 1 − ε] with
///   ε = `finfo(y_proba.dtype).eps`. For 0/1 and one-hot targets this is `log_loss` of the labels;
///   probability targets are used as given.
/// - ROC-AUC (binary: one column, score z; or two columns, score z₁ − z₀, which orders samples as
///   P(class 1) does): see `RankedScores`. Needs `reserveScores(_:)` for the set's size first.
public struct ClassificationMetrics: Sendable {
    /// k, the number of classes (2 for one logit column).
    public let classCount: Int
    /// The rows added so far.
    public private(set) var count = 0
    /// W, the sum of the added rows' weights.
    public private(set) var weightSum = 0.0
    /// Row-major k × k, rows the true class.
    public private(set) var confusion: [Double]
    var logLossSum = 0.0
    var scores: RankedScores

    /// `outputCount` logit columns (1 for binary logistic).
    public init(outputCount: Int = 1) {
        precondition(outputCount >= 1, "classification needs at least one output")
        classCount = Swift.max(outputCount, 2)
        confusion = Array(repeating: 0, count: classCount * classCount)
        scores = RankedScores()
    }

    /// Whether ROC-AUC is defined for this shape (two classes).
    public var isBinary: Bool { classCount == 2 }

    /// Makes room for the scores of `n` samples (allocates only when n exceeds the room already made).
    public mutating func reserveScores(_ n: Int) { if isBinary { scores.reserve(n) } }

    /// Forgets every row added (keeps the storage).
    public mutating func reset() {
        count = 0; weightSum = 0; logLossSum = 0
        for i in confusion.indices { confusion[i] = 0 }
        scores.reset()
    }

    /// Adds the rows of `logits` with their targets (0/1, one-hot or probability rows) and optional weights.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func add<Scalar: BLASScalar>(logits: MatrixView<Scalar>, target: MatrixView<Scalar>,
                                                 weights: UnsafeBufferPointer<Scalar>? = nil) {
        precondition(logits.rows == target.rows && logits.cols == target.cols && Swift.max(logits.cols, 2) == classCount,
                     "classification metrics: logits \(logits.shape), target \(target.shape), \(classCount) classes")
        precondition(weights == nil || weights!.count == target.rows, "metrics: \(weights?.count ?? 0) weights for \(target.rows) rows")
        let eps = Double(Scalar.ulpOfOne)
        func clippedLog(_ p: Double) -> Double { Double.log(Swift.min(Swift.max(p, eps), 1 - eps)) }
        for i in 0..<logits.rows {
            let w = weights.map { Double($0[i]) } ?? 1
            count += 1
            let predicted: Int, actual: Int, score: Double
            var sampleLoss = 0.0
            if logits.cols == 1 {
                let z = Double(logits[i, 0]), y = Double(target[i, 0])
                predicted = z > 0 ? 1 : 0
                actual = y >= 0.5 ? 1 : 0
                score = z
                let p = Probabilities.sigmoid(z)
                sampleLoss = -(y * clippedLog(p) + (1 - y) * clippedLog(1 - p))
            } else {
                let row = logits.row(i), t = target.row(i)
                predicted = Self.argmax(row); actual = Self.argmax(t)
                score = logits.cols == 2 ? Double(row[1]) - Double(row[0]) : 0
                let m = Double(row[predicted])
                var s = 0.0
                for j in row.indices { s += Double.exp(Double(row[j]) - m) }
                for j in row.indices where t[j] != 0 {
                    sampleLoss -= Double(t[j]) * clippedLog(Double.exp(Double(row[j]) - m) / s)
                }
            }
            guard w > 0 else { continue }
            weightSum += w
            confusion[actual * classCount + predicted] += w
            logLossSum += w * sampleLoss
            if isBinary { scores.append(score: score, positive: actual == 1, weight: w) }
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func argmax<Scalar: BLASScalar>(_ row: UnsafeBufferPointer<Scalar>) -> Int {
        var best = 0
        for j in row.indices where row[j] > row[best] { best = j }
        return best
    }

    /// The weighted count of class `actual` predicted as `predicted`.
    public func confusion(actual: Int, predicted: Int) -> Double { confusion[actual * classCount + predicted] }

    /// The weighted fraction of rows whose predicted class is the true one.
    public var accuracy: Double {
        var diagonal = 0.0
        for c in 0..<classCount { diagonal += confusion(actual: c, predicted: c) }
        return diagonal / weightSum
    }

    /// The weighted mean cross-entropy of the clipped probabilities (scikit-learn's `log_loss`).
    public var logLoss: Double { logLossSum / weightSum }

    /// Σₚ C[c][p], the weighted count of class c.
    public func support(_ c: Int) -> Double { (0..<classCount).reduce(0) { $0 + confusion(actual: c, predicted: $1) } }

    /// Class `c`'s precision: correct predictions of c over all predictions of c (0 when none).
    public func precision(_ c: Int) -> Double {
        let predicted = (0..<classCount).reduce(0) { $0 + confusion(actual: $1, predicted: c) }
        return predicted > 0 ? confusion(actual: c, predicted: c) / predicted : 0
    }

    /// Class `c`'s recall: correct predictions of c over its support (0 when none).
    public func recall(_ c: Int) -> Double {
        let s = support(c)
        return s > 0 ? confusion(actual: c, predicted: c) / s : 0
    }

    /// Class `c`'s F1: the harmonic mean of its precision and recall (0 when both are 0).
    public func f1(_ c: Int) -> Double {
        let p = precision(c), r = recall(c)
        return p + r > 0 ? 2 * p * r / (p + r) : 0
    }

    /// ROC-AUC of the scores added since `reset` (sorts them in place); nil for more than two
    /// classes, NaN when only one class is present.
    public mutating func rocAUC() -> Double? { isBinary ? scores.rocAUC() : nil }

    /// [count, W, log-loss sum, C…] for merging across processes (the scores travel separately).
    var packed: [Double] { [Double(count), weightSum, logLossSum] + confusion }

    mutating func merge(packed: ArraySlice<Double>) {
        let p = Array(packed)
        precondition(p.count == 3 + confusion.count, "merging \(p.count) packed values into \(classCount) classes")
        count += Int(p[0]); weightSum += p[1]; logLossSum += p[2]
        for i in confusion.indices { confusion[i] += p[3 + i] }
    }

    /// The scores as (score, 1 or 0 for the positive class, weight) triples, for gathering.
    var packedScores: [Double] { scores.packed }

    mutating func mergeScores(packed: ArraySlice<Double>) { scores.append(packed: packed) }
}
