import Foundation
import Testing
import Descent
import _TestSupport

/// Classification through the same stack: logistic regression (LinearModel with intercept, binary
/// logistic loss, SupervisedObjective, SGD with momentum, Trainer, the evaluator's accuracy) converges
/// to the maximum-likelihood fit. Truth: Newton's method (IRLS) written here in Double, each step a
/// LAPACK least-squares solve: Δ = argmin ‖√W·A·Δ − (y − p)/√W‖ with A = [X 1], p = σ(Aθ),
/// W = diag(p(1 − p)), i.e. Δ = (AᵀWA)⁻¹Aᵀ(y − p); 30 steps reach machine precision.
/// Data: 400 samples, x uniform in [−1, 1)³, labels drawn from σ(2x₁ − x₂ + 0.5x₃ + 0.3) (not
/// separable, so the fit is finite and unique).
struct IntegrationLogisticTests {
    static func data<T: BLASScalar>(_: T.Type, samples n: Int, seed: UInt64) throws -> Dataset<T> {
        var g = SeededGenerator(seed: seed)
        var x = [Double](), y = [Double]()
        for _ in 0..<n {
            let row = (0..<3).map { _ in 2 * g.nextUnit() - 1 }
            let z = 2 * row[0] - row[1] + 0.5 * row[2] + 0.3
            x += row
            y.append(g.nextUnit() < 1 / (1 + Foundation.exp(-z)) ? 1 : 0)
        }
        return try Dataset(x: Matrix(rows: n, cols: 3, elements: x.map { T($0) }), y: Matrix(rows: n, cols: 1, elements: y.map { T($0) }))
    }

    /// The maximum-likelihood (w, b) by Newton's method, in Double.
    static func newton(_ data: Dataset<Double>) throws -> [Double] {
        let (n, d) = (data.sampleCount, data.featureCount)
        var theta = [Double](repeating: 0, count: d + 1)
        for _ in 0..<30 {
            var p = [Double](repeating: 0, count: n)
            for i in 0..<n {
                var z = theta[d]
                for j in 0..<d { z += data.x[i, j] * theta[j] }
                p[i] = 1 / (1 + Foundation.exp(-z))
            }
            let a = Matrix<Double>(rows: n, cols: d + 1) { i, j in (j < d ? data.x[i, j] : 1) * (p[i] * (1 - p[i])).squareRoot() }
            let r = Matrix<Double>(rows: n, cols: 1) { i, _ in (data.y[i, 0] - p[i]) / (p[i] * (1 - p[i])).squareRoot() }
            let step = try LeastSquares.solve(a, r, intercept: false).weights
            for j in 0...d { theta[j] += step[j, 0] }
        }
        return theta
    }

    func logistic<T: BLASScalar>(_: T.Type) throws {
        let data = try Self.data(T.self, samples: 400, seed: 81)
        let held = try Self.data(T.self, samples: 200, seed: 82)
        let truth = try Self.newton(try Self.data(Double.self, samples: 400, seed: 81))
        let model = LinearModel<T>(inputs: 3, outputs: 1)
        let objective = try SupervisedObjective(dataset: data, model: model, loss: .binaryLogistic, maximumBatchSize: 400)
        // Full-batch GD with momentum 0.9 at rate 2, 800 updates. Measured scaled distance to the Newton
        // fit: 5.6e-17 (Double; 4.6e-10 after 400 updates) and 2.1e-8 (Float); tolerances 1e-10 / 1e-5.
        let config = try TrainingConfiguration(epochs: 800, batchSize: .full, learningRate: 2,
                                           earlyStopping: EarlyStopping(patience: 1000, mode: .max, monitor: .validationMetric))
        let trainer = try Trainer(objective: objective, optimizer: try SGD<T>(parameterCount: 4, momentum: 0.9),
                                  configuration: config, validation: objective.evaluator(x: held.x, y: held.y),
                                  initialParameters: [T](repeating: 0, count: 4))
        let result = try trainer.run()
        #expect(result.stopReason == .completed)
        let raw = trainer.currentParameters.map { Double($0) }
        let d = maxScaledDifference(raw, truth)
        print("[integration] logistic \(T.self): \(d) from Newton's fit \(truth)")
        #expect(d <= Integration.tolerance(T.self, float: 1e-5, double: 1e-10))

        // The validation metric is the accuracy, a fraction of the 200 held-out samples, and early stopping
        // (mode max on it, restore best) returns the first epoch with the highest one.
        let accuracies = result.history.map { $0.validationMetric! }
        #expect(accuracies.allSatisfy { ($0 * 200).rounded() == $0 * 200 })
        let bestEpoch = accuracies.firstIndex(of: accuracies.max()!)!
        let returned = objective.evaluate(parameters: result.parameters, on: held).accuracy!
        #expect(returned == accuracies[bestEpoch] && returned > 0.7)
        #expect(trainer.state.earlyStopping?.bestEpoch == bestEpoch)
    }

    @Test func logisticDouble() throws { try logistic(Double.self) }
    @Test func logisticFloat() throws { try logistic(Float.self) }
}
