import LinearAlgebra

/// Whole-matrix conveniences (allocate their accumulators; for tools and tests). `weights`: one
/// per row (scikit-learn's `sample_weight`), or nil.
public enum Metrics {
    /// The RMSE of `prediction` against `target`.
    public static func rmse<Scalar: BLASScalar>(prediction: Matrix<Scalar>, target: Matrix<Scalar>) -> Double {
        regression(prediction, target).rmse
    }
    /// The R² of `prediction` against `target`.
    public static func r2<Scalar: BLASScalar>(prediction: Matrix<Scalar>, target: Matrix<Scalar>) -> Double {
        regression(prediction, target).r2
    }
    /// The accuracy of `logits` against `target`.
    public static func accuracy<Scalar: BLASScalar>(logits: Matrix<Scalar>, target: Matrix<Scalar>) -> Double {
        classification(logits, target).accuracy
    }
    /// Every regression metric of `p` against `y`.
    public static func regression<Scalar: BLASScalar>(_ p: Matrix<Scalar>, _ y: Matrix<Scalar>, weights: [Scalar]? = nil) -> RegressionMetrics {
        var m = RegressionMetrics(outputCount: y.cols)
        p.withView { pv in y.withView { yv in
            if let weights { weights.withUnsafeBufferPointer { m.add(prediction: pv, target: yv, weights: $0) } }
            else { m.add(prediction: pv, target: yv) }
        } }
        return m
    }
    /// Every classification metric of `logits` against `y`.
    public static func classification<Scalar: BLASScalar>(_ logits: Matrix<Scalar>, _ y: Matrix<Scalar>,
                                                          weights: [Scalar]? = nil) -> ClassificationMetrics {
        var m = ClassificationMetrics(outputCount: y.cols)
        m.reserveScores(y.rows)
        logits.withView { pv in y.withView { yv in
            if let weights { weights.withUnsafeBufferPointer { m.add(logits: pv, target: yv, weights: $0) } }
            else { m.add(logits: pv, target: yv) }
        } }
        return m
    }
}
