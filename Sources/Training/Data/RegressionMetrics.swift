import LinearAlgebra

/// Regression metrics accumulated chunk by chunk, without allocation after `init` (arrays of k
/// accumulators, updated in place), with optional per-sample weights wᵢ ≥ 0 (scikit-learn's
/// `sample_weight`: every sum and mean below is weighted; no weights means wᵢ = 1). W = Σᵢ wᵢ,
/// rᵢⱼ = ŷᵢⱼ − yᵢⱼ.
///
/// - RMSE = √( Σᵢⱼ wᵢ·rᵢⱼ² / (W·k) ), pooled over all outputs (for k = 1 the usual RMSE).
/// - MAE = (1/k)·Σⱼ Σᵢ wᵢ·|rᵢⱼ| / W, scikit-learn's `mean_absolute_error` (`multioutput="uniform_average"`).
/// - R² = (1/k)·Σⱼ (1 − SS_res,ⱼ / SS_tot,ⱼ), the uniform average over outputs of scikit-learn's
///   `r2_score`: SS_res,ⱼ = Σᵢ wᵢ·rᵢⱼ², SS_tot,ⱼ = Σᵢ wᵢ·(yᵢⱼ − ȳⱼ)² with ȳⱼ the weighted mean.
/// - Explained variance = (1/k)·Σⱼ (1 − Var_w(yⱼ − ŷⱼ) / Var_w(yⱼ)), scikit-learn's
///   `explained_variance_score` (the residual's variance is about its own weighted mean, so a
///   constant offset is not penalised).
///
/// The centred sums (SS_tot and the residual's) are accumulated by West's weighted form of
/// Welford's update (no cancellation). For both scores a column whose denominator is 0 scores 1
/// when its numerator is 0 and 0 otherwise (scikit-learn's `force_finite=True`, see
/// `sklearn/metrics/_regression.py`).
public struct RegressionMetrics: Sendable {
    /// The rows added so far.
    public private(set) var count = 0
    /// W, the sum of the added rows' weights.
    public private(set) var weightSum = 0.0
    var residualSquares: [Double]
    var absoluteResiduals: [Double]
    var targetMeans: [Double]
    var targetSquares: [Double]
    var residualMeans: [Double]
    var residualCentredSquares: [Double]

    /// Empty accumulators for `outputCount` outputs.
    public init(outputCount: Int) {
        residualSquares = Array(repeating: 0, count: outputCount)
        absoluteResiduals = residualSquares; targetMeans = residualSquares; targetSquares = residualSquares
        residualMeans = residualSquares; residualCentredSquares = residualSquares
    }

    /// Forgets every row added (keeps the storage).
    public mutating func reset() {
        count = 0; weightSum = 0
        for j in residualSquares.indices {
            residualSquares[j] = 0; absoluteResiduals[j] = 0; targetMeans[j] = 0; targetSquares[j] = 0
            residualMeans[j] = 0; residualCentredSquares[j] = 0
        }
    }

    /// Adds the rows of a chunk; `weights` (one per row, ≥ 0) or nil for weight 1.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func add<Scalar: BLASScalar>(prediction: MatrixView<Scalar>, target: MatrixView<Scalar>,
                                                 weights: UnsafeBufferPointer<Scalar>? = nil) {
        precondition(prediction.rows == target.rows && prediction.cols == target.cols && target.cols == residualSquares.count,
                     "metrics: prediction \(prediction.shape), target \(target.shape), \(residualSquares.count) outputs")
        precondition(weights == nil || weights!.count == target.rows, "metrics: \(weights?.count ?? 0) weights for \(target.rows) rows")
        for i in 0..<target.rows {
            let w = weights.map { Double($0[i]) } ?? 1
            count += 1
            guard w > 0 else { continue }
            weightSum += w
            let f = w / weightSum
            for j in 0..<target.cols {
                let y = Double(target[i, j]), r = Double(prediction[i, j]) - y
                residualSquares[j] += w * r * r
                absoluteResiduals[j] += w * abs(r)
                let d = y - targetMeans[j]
                targetMeans[j] += d * f
                targetSquares[j] += w * d * (y - targetMeans[j])
                let e = r - residualMeans[j]
                residualMeans[j] += e * f
                residualCentredSquares[j] += w * e * (r - residualMeans[j])
            }
        }
    }

    /// [count, W, then per output: Σwr², Σw|r|, ȳ, SS_tot, r̄, SS_r], for merging across processes.
    var packed: [Double] {
        [Double(count), weightSum] + residualSquares + absoluteResiduals + targetMeans + targetSquares
            + residualMeans + residualCentredSquares
    }

    /// Adds the accumulators of another part (`packed` form) by Chan et al.'s pairwise update with
    /// weights: W = Wₐ + W_b, δ = x̄_b − x̄ₐ, x̄ = x̄ₐ + δ·W_b/W, M₂ = M₂ₐ + M₂_b + δ²·Wₐ·W_b/W.
    mutating func merge(packed: ArraySlice<Double>) {
        let k = residualSquares.count
        let p = Array(packed)
        precondition(p.count == 2 + 6 * k, "merging \(p.count) packed values into \(k) outputs")
        count += Int(p[0])
        let wb = p[1]
        guard wb > 0 else { return }
        let wa = weightSum, w = wa + wb
        func pair(_ mean: inout Double, _ m2: inout Double, _ mb: Double, _ m2b: Double) {
            let delta = mb - mean
            m2 += m2b + delta * delta * wa * wb / w
            mean += delta * wb / w
        }
        for j in 0..<k {
            residualSquares[j] += p[2 + j]
            absoluteResiduals[j] += p[2 + k + j]
            pair(&targetMeans[j], &targetSquares[j], p[2 + 2 * k + j], p[2 + 3 * k + j])
            pair(&residualMeans[j], &residualCentredSquares[j], p[2 + 4 * k + j], p[2 + 5 * k + j])
        }
        weightSum = w
    }

    /// RMSE, pooled over the outputs.
    public var rmse: Double {
        (residualSquares.reduce(0, +) / (weightSum * Double(residualSquares.count))).squareRoot()
    }

    /// MAE, averaged over the outputs.
    public var mae: Double {
        absoluteResiduals.reduce(0, +) / (weightSum * Double(absoluteResiduals.count))
    }

    /// R², averaged over the outputs.
    public var r2: Double { Self.uniformScore(residualSquares, targetSquares) }

    /// The explained variance score, averaged over the outputs.
    public var explainedVariance: Double { Self.uniformScore(residualCentredSquares, targetSquares) }

    /// (1/k)·Σⱼ (1 − numⱼ/denⱼ), with `force_finite`'s rule for denⱼ = 0.
    static func uniformScore(_ numerator: [Double], _ denominator: [Double]) -> Double {
        var total = 0.0
        for j in numerator.indices {
            if denominator[j] > 0 { total += 1 - numerator[j] / denominator[j] }
            else { total += numerator[j] == 0 ? 1 : 0 }
        }
        return total / Double(numerator.count)
    }
}
