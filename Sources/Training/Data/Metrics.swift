import LinearAlgebra

/// Regression metrics accumulated chunk by chunk, without allocation after `init` (arrays of k
/// accumulators, updated in place).
///
/// - RMSE = √( Σᵢⱼ (ŷᵢⱼ − yᵢⱼ)² / (n·k) ), pooled over all outputs (for k = 1 the usual RMSE).
/// - R² = (1/k)·Σⱼ (1 − SS_res,ⱼ / SS_tot,ⱼ), the uniform average over outputs of scikit-learn's
///   `r2_score`; SS_tot,ⱼ = Σᵢ (yᵢⱼ − ȳⱼ)² is accumulated by Welford's update (no cancellation),
///   and a constant column scores 1 when predicted exactly and 0 otherwise (scikit-learn's
///   `force_finite`).
public struct RegressionMetrics: Sendable {
    public private(set) var count = 0
    var residualSquares: [Double]
    var targetMeans: [Double]
    var targetSquares: [Double]

    public init(outputCount: Int) {
        residualSquares = Array(repeating: 0, count: outputCount)
        targetMeans = residualSquares; targetSquares = residualSquares
    }

    public mutating func reset() {
        count = 0
        for j in residualSquares.indices { residualSquares[j] = 0; targetMeans[j] = 0; targetSquares[j] = 0 }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func add<Scalar: BLASScalar>(prediction: MatrixView<Scalar>, target: MatrixView<Scalar>) {
        precondition(prediction.rows == target.rows && prediction.cols == target.cols && target.cols == residualSquares.count,
                     "metrics: prediction \(prediction.shape), target \(target.shape), \(residualSquares.count) outputs")
        for i in 0..<target.rows {
            count += 1
            let n = Double(count)
            for j in 0..<target.cols {
                let y = Double(target[i, j]), r = Double(prediction[i, j]) - y
                residualSquares[j] += r * r
                let d = y - targetMeans[j]
                targetMeans[j] += d / n
                targetSquares[j] += d * (y - targetMeans[j])
            }
        }
    }

    /// [count, residual squares…, target means…, target M₂…], for merging across processes.
    var packed: [Double] { [Double(count)] + residualSquares + targetMeans + targetSquares }

    /// Adds the accumulators of another part (`packed` form) by Chan et al.'s pairwise update:
    /// n = nₐ + n_b, δ = x̄_b − x̄ₐ, x̄ = x̄ₐ + δ·n_b/n, M₂ = M₂ₐ + M₂_b + δ²·nₐ·n_b/n.
    mutating func merge(packed: ArraySlice<Double>) {
        let k = residualSquares.count
        let p = Array(packed)
        precondition(p.count == 1 + 3 * k, "merging \(p.count) packed values into \(k) outputs")
        let nb = Int(p[0])
        guard nb > 0 else { return }
        let na = count, n = na + nb
        for j in 0..<k {
            residualSquares[j] += p[1 + j]
            let mb = p[1 + k + j], m2b = p[1 + 2 * k + j]
            let delta = mb - targetMeans[j]
            targetSquares[j] += m2b + delta * delta * Double(na) * Double(nb) / Double(n)
            targetMeans[j] += delta * Double(nb) / Double(n)
        }
        count = n
    }

    public var rmse: Double {
        (residualSquares.reduce(0, +) / Double(count * residualSquares.count)).squareRoot()
    }

    public var r2: Double {
        var total = 0.0
        for j in residualSquares.indices {
            if targetSquares[j] > 0 { total += 1 - residualSquares[j] / targetSquares[j] }
            else { total += residualSquares[j] == 0 ? 1 : 0 }
        }
        return total / Double(residualSquares.count)
    }
}

/// Classification accuracy accumulated chunk by chunk: the fraction of samples whose predicted
/// class equals the target class. One logit column (binary): predicted 1 when z > 0 (σ(z) > ½),
/// target 1 when y ≥ ½. Several columns: the first arg-max of the logits against the first
/// arg-max of the target row.
public struct ClassificationMetrics: Sendable {
    public private(set) var count = 0
    public private(set) var correct = 0

    public init() {}

    public mutating func reset() { count = 0; correct = 0 }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func add<Scalar: BLASScalar>(logits: MatrixView<Scalar>, target: MatrixView<Scalar>) {
        precondition(logits.rows == target.rows && logits.cols == target.cols && logits.cols >= 1,
                     "accuracy: logits \(logits.shape), target \(target.shape)")
        for i in 0..<logits.rows {
            count += 1
            if logits.cols == 1 {
                if (logits[i, 0] > 0) == (target[i, 0] >= Scalar(0.5)) { correct += 1 }
            } else if Self.argmax(logits.row(i)) == Self.argmax(target.row(i)) {
                correct += 1
            }
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func argmax<Scalar: BLASScalar>(_ row: UnsafeBufferPointer<Scalar>) -> Int {
        var best = 0
        for j in row.indices where row[j] > row[best] { best = j }
        return best
    }

    public var accuracy: Double { Double(correct) / Double(count) }

    /// Sets the totals (the merge of several processes' counts).
    mutating func set(count: Int, correct: Int) { self.count = count; self.correct = correct }
}

/// Whole-matrix conveniences (allocate their accumulators; for tools and tests).
public enum Metrics {
    public static func rmse<Scalar: BLASScalar>(prediction: Matrix<Scalar>, target: Matrix<Scalar>) -> Double {
        regression(prediction, target).rmse
    }
    public static func r2<Scalar: BLASScalar>(prediction: Matrix<Scalar>, target: Matrix<Scalar>) -> Double {
        regression(prediction, target).r2
    }
    public static func accuracy<Scalar: BLASScalar>(logits: Matrix<Scalar>, target: Matrix<Scalar>) -> Double {
        var m = ClassificationMetrics()
        logits.withView { p in target.withView { m.add(logits: p, target: $0) } }
        return m.accuracy
    }
    static func regression<Scalar: BLASScalar>(_ p: Matrix<Scalar>, _ y: Matrix<Scalar>) -> RegressionMetrics {
        var m = RegressionMetrics(outputCount: y.cols)
        p.withView { pv in y.withView { m.add(prediction: pv, target: $0) } }
        return m
    }
}
