import DataFiles
import Foundation
import LinearAlgebra
import Training

/// Probabilities and classes of a classification model, as scikit-learn's `predict_proba` and
/// `predict` give them (see `Probabilities` for the equations).
extension SavedModel {
    /// The number of classes: 2 for the logistic loss (one logit), the outputs for softmax; nil for
    /// a regression loss.
    public var classCount: Int? { loss.isClassification ? Swift.max(shape.outputCount, 2) : nil }

    /// The label value of each class: `classLabels` when set, else the class indices 0…k−1.
    public var classValues: [Double] {
        guard let k = classCount else { return [] }
        if let labels = classLabels, labels.count == k { return labels }
        return (0..<k).map(Double.init)
    }

    /// Each class's label as text: an integer label without a decimal point, others as `%g` would
    /// print them with up to 17 significant digits.
    public var classNames: [String] { classValues.map(Self.labelText) }

    /// A class label as text: a whole number below 10¹⁵ in magnitude without a decimal point, any other value
    /// as Swift's `description` prints it.
    public static func labelText(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }

    /// Whether every class label is an integer (so the classes can be written as integers).
    public var integerClassLabels: Bool { classValues.allSatisfy { $0 == $0.rounded() && abs($0) < 9.0e15 } }

    /// Class probabilities for the rows of `x`: n × 2 ([P(class 0), P(class 1)]) for the logistic
    /// loss, n × k for softmax. A regression model is a `DataError` naming `file`.
    public func predictProbabilities(_ x: Matrix<Scalar>, dataFile: String = "<data>", file: String = "<model>") throws -> Matrix<Scalar> {
        try probabilities(logits: try predict(x, dataFile: dataFile), file: file)
    }

    /// The predicted class's label value (`classValues`) for each row of `x`.
    public func predictClasses(_ x: Matrix<Scalar>, dataFile: String = "<data>", file: String = "<model>") throws -> [Double] {
        try classes(logits: try predict(x, dataFile: dataFile), file: file)
    }

    /// The class probabilities of a classifier's outputs (dense or sparse inputs alike).
    func probabilities(logits: Matrix<Scalar>, file: String) throws -> Matrix<Scalar> {
        try requireClassifier(file: file)
        return Probabilities.probabilities(logits: logits)
    }

    /// The predicted class's label value for each row of a classifier's outputs.
    func classes(logits: Matrix<Scalar>, file: String) throws -> [Double] {
        try requireClassifier(file: file)
        let values = classValues
        return Probabilities.classes(logits: logits).map { values[$0] }
    }

    func requireClassifier(file: String) throws {
        guard loss.isClassification else {
            throw DataError(.invalidValue, file: file, "the model's loss is \(loss), a regression loss: it has no classes or probabilities")
        }
    }
}
