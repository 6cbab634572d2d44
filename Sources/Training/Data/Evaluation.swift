/// A full-dataset evaluation: the mean loss and the loss kind's metrics (regression losses: RMSE,
/// MAE, R² and explained variance; classification losses: accuracy, log-loss, per-class
/// precision/recall/F1/support, the confusion matrix, and ROC-AUC for two classes; the others are
/// nil). See `RegressionMetrics` and `ClassificationMetrics` for the definitions and their
/// scikit-learn counterparts. An empty set gives NaN.
public struct Evaluation: Sendable, Codable, Equatable {
    /// The rows evaluated.
    public var sampleCount: Int
    /// The mean loss (weighted by the sample weights when there are any).
    public var loss: Double
    /// Root mean squared error (regression losses).
    public var rmse: Double?
    /// R², the uniform average over outputs (regression losses).
    public var r2: Double?
    /// Mean absolute error (regression losses).
    public var mae: Double?
    /// Explained variance score (regression losses).
    public var explainedVariance: Double?
    /// Accuracy (classification losses).
    public var accuracy: Double?
    /// Log-loss (classification losses).
    public var logLoss: Double?
    /// ROC-AUC (two classes).
    public var rocAUC: Double?
    /// Precision per class (classification losses).
    public var precision: [Double]?
    /// Recall per class (classification losses).
    public var recall: [Double]?
    /// F1 per class (classification losses).
    public var f1: [Double]?
    /// The weighted count of each class (classification losses).
    public var support: [Double]?
    /// Rows the true class, columns the predicted class (weighted counts).
    public var confusionMatrix: [[Double]]?

    /// An evaluation with these figures; the others nil.
    public init(sampleCount: Int, loss: Double, rmse: Double? = nil, r2: Double? = nil, accuracy: Double? = nil) {
        self.sampleCount = sampleCount; self.loss = loss; self.rmse = rmse; self.r2 = r2; self.accuracy = accuracy
    }

    /// The evaluation with the regression metrics of `m`.
    public init(sampleCount: Int, loss: Double, regression m: RegressionMetrics) {
        self.init(sampleCount: sampleCount, loss: loss, rmse: m.rmse, r2: m.r2)
        mae = m.mae; explainedVariance = m.explainedVariance
    }

    /// The evaluation with the classification metrics of `m` (sorts its scores for ROC-AUC).
    public init(sampleCount: Int, loss: Double, classification m: inout ClassificationMetrics) {
        self.init(sampleCount: sampleCount, loss: loss, accuracy: m.accuracy)
        let classes = 0..<m.classCount
        logLoss = m.logLoss; rocAUC = m.rocAUC()
        precision = classes.map(m.precision); recall = classes.map(m.recall); f1 = classes.map(m.f1)
        support = classes.map(m.support)
        confusionMatrix = classes.map { t in classes.map { m.confusion(actual: t, predicted: $0) } }
    }
}

extension Evaluation {
    /// The one number to monitor, higher is better: accuracy for classification losses, R² for
    /// regression losses (scikit-learn's `score` for either kind of estimator).
    public var primaryMetric: Double? { accuracy ?? r2 }
}
