/// A full-dataset evaluation: the mean loss and the loss's metric (RMSE and R² for regression
/// losses, accuracy for classification losses; the others are nil). An empty set gives NaN.
public struct Evaluation: Sendable, Codable, Equatable {
    public var sampleCount: Int
    public var loss: Double
    public var rmse: Double?
    public var r2: Double?
    public var accuracy: Double?

    public init(sampleCount: Int, loss: Double, rmse: Double? = nil, r2: Double? = nil, accuracy: Double? = nil) {
        self.sampleCount = sampleCount; self.loss = loss; self.rmse = rmse; self.r2 = r2; self.accuracy = accuracy
    }
}

extension Evaluation {
    /// The one number to monitor, higher is better: accuracy for classification losses, R² for
    /// regression losses (scikit-learn's `score` for either kind of estimator).
    public var primaryMetric: Double? { accuracy ?? r2 }
}
