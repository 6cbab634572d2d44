import LinearAlgebra

/// Class probabilities and classes from logits, without overflow for any |z|.
///
/// - Binary (one logit column): σ(z) = 1/(1 + e^(−z)) for z ≥ 0 and eᶻ/(1 + eᶻ) for z < 0, written
///   as two columns [1 − σ(z), σ(z)] like scikit-learn's `predict_proba` for a binary classifier
///   (`sklearn/linear_model/_base.py`, `LinearClassifierMixin`); class 1 when z > 0.
/// - k ≥ 2 logits: softmax(z)ⱼ = e^(zⱼ − m) / Σₗ e^(zₗ − m), m = maxₗ zₗ; the class is the first
///   arg-max (numpy's `argmax`, as scikit-learn's `predict`).
public enum Probabilities {
    /// σ(z) = 1/(1 + e^(−z)), computed without overflow for any z.
    public static func sigmoid(_ z: Double) -> Double {
        if z >= 0 { return 1 / (1 + Double.exp(-z)) }
        let e = Double.exp(z)
        return e / (1 + e)
    }

    /// The probability columns of each row of `logits` (n × 1 gives n × 2; n × k gives n × k).
    public static func probabilities<Scalar: BLASScalar>(logits: Matrix<Scalar>) -> Matrix<Scalar> {
        let k = logits.cols
        var p = Matrix<Scalar>(rows: logits.rows, cols: Swift.max(k, 2))
        for i in 0..<logits.rows {
            if k == 1 {
                let s = sigmoid(Double(logits[i, 0]))
                p[i, 0] = Scalar(1 - s); p[i, 1] = Scalar(s)
                continue
            }
            var m = logits[i, 0]
            for j in 1..<k where logits[i, j] > m { m = logits[i, j] }
            var total = 0.0
            for j in 0..<k { total += Double.exp(Double(logits[i, j] - m)) }
            for j in 0..<k { p[i, j] = Scalar(Double.exp(Double(logits[i, j] - m)) / total) }
        }
        return p
    }

    /// The class index of each row of `logits`.
    public static func classes<Scalar: BLASScalar>(logits: Matrix<Scalar>) -> [Int] {
        (0..<logits.rows).map { i in
            if logits.cols == 1 { return logits[i, 0] > 0 ? 1 : 0 }
            var best = 0
            for j in 1..<logits.cols where logits[i, j] > logits[i, best] { best = j }
            return best
        }
    }
}
