import DataFiles
import Foundation
import LinearAlgebra
import Training

/// Predictions for sparse (CSR) inputs, with the same transforms as `predict` on dense rows.
extension SavedModel {
    /// Predictions in the targets' own units for the rows of a sparse `x` (features in their own
    /// units). A linear model reads the stored entries only: a scaling without centring
    /// (`Standardization.isScalingOnly`, what sparse training stores) is applied to the entries,
    /// as training applied it; a centring is folded into the intercept,
    /// b′ₒ = bₒ − Σⱼ Wₒⱼ·μⱼ/sⱼ, so that the data stay sparse. An MLP sees the rows densified a
    /// block at a time. A column count other than the model's inputs is a `DataError` naming
    /// `dataFile`. (Sparse data have no missing cells, so a stored fill has nothing to fill.)
    public func predict(_ x: SparseMatrix<Scalar>, dataFile: String = "<data>") throws -> Matrix<Scalar> {
        try checkCompatible(featureCount: x.cols, file: dataFile)
        let model = try makeModel()
        guard parameters.count == model.parameterCount else {
            throw TrainingDataError("\(shape) has \(model.parameterCount) parameters, got \(parameters.count)")
        }
        var output: Matrix<Scalar>
        if let linear = model as? LinearModel<Scalar> {
            output = Self.linearOutputs(linear, parameters: parameters, x: x, standardization: featureStandardization)
        } else {
            // Blocks of about 2²⁰ values, densified and predicted as dense rows.
            let (n, k) = (x.rows, shape.outputCount)
            let block = Swift.max(1, (1 << 20) / Swift.max(1, x.cols))
            output = Matrix(rows: n, cols: k)
            var start = 0
            var copy = self
            copy.targetStandardization = nil   // undone once, below
            while start < n {
                let rows = start..<Swift.min(n, start + block)
                let part = try copy.predict(x.rows(rows).toMatrix().toDense(), dataFile: dataFile)
                for (r, i) in rows.enumerated() { for o in 0..<k { output[i, o] = part[r, o] } }
                start = rows.upperBound
            }
        }
        targetStandardization?.invert(&output)
        return output
    }

    /// ŷ = x′·Wᵀ + b for the linear model, x′ the standardised rows (see `predict`).
    static func linearOutputs(_ model: LinearModel<Scalar>, parameters: [Scalar], x: SparseMatrix<Scalar>,
                              standardization: Standardization?) -> Matrix<Scalar> {
        let (d, k, n) = (model.inputCount, model.outputCount, x.rows)
        var input = x
        var bias = model.biasRange.map { parameters[$0].map(Double.init) } ?? [Double](repeating: 0, count: k)
        if let s = standardization {
            if s.isScalingOnly {
                s.apply(to: &input)
            } else {
                input.divideColumns(by: s.scales)
                for o in 0..<k {
                    var shift = 0.0
                    for j in 0..<d where s.means[j] != 0 { shift += Double(parameters[o * d + j]) * s.means[j] / s.scales[j] }
                    bias[o] -= shift
                }
            }
        }
        let b = bias.map { Scalar($0) }
        var output = Matrix<Scalar>(rows: n, cols: k)
        parameters.withUnsafeBufferPointer { w in
            input.allRows.withUnsafeStorage { starts, columns, values in
                for i in 0..<n {
                    for o in 0..<k {
                        let wo = w.baseAddress! + o * d
                        var sum = b[o]
                        for t in starts[i]..<starts[i + 1] { sum += wo[Int(columns[t])] * values[t] }
                        output[i, o] = sum
                    }
                }
            }
        }
        return output
    }

    /// Class probabilities for the rows of a sparse `x` (see the dense `predictProbabilities`).
    public func predictProbabilities(_ x: SparseMatrix<Scalar>, dataFile: String = "<data>", file: String = "<model>") throws -> Matrix<Scalar> {
        try probabilities(logits: try predict(x, dataFile: dataFile), file: file)
    }

    /// The predicted class's label value for each row of a sparse `x`.
    public func predictClasses(_ x: SparseMatrix<Scalar>, dataFile: String = "<data>", file: String = "<model>") throws -> [Double] {
        try classes(logits: try predict(x, dataFile: dataFile), file: file)
    }

    /// The svmlight index base the model was trained with (its training record), nil when unknown.
    public var trainedIndexBase: SVMLightOptions.IndexBase? {
        switch training[SparsePreparedRun<Scalar>.indexBaseKey] {
        case "0": .zeroBased
        case "1": .oneBased
        default: nil
        }
    }
}
