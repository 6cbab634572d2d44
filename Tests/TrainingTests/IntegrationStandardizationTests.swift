import Testing
import Descent
import _TestSupport

/// Standardisation in the pipeline: badly scaled inputs (columns ×1000 around 5000, ×0.01 around 3,
/// ×1 around −2, ×10 around 0) make full-batch GD on the raw data hopeless (condition number ≈ 1e10);
/// `Standardization` fitted on the training inputs and `Dataset.standardizingInputs` make it converge in
/// 200 updates. Truth: LAPACK's least-squares fit of the RAW data (in Double), carried into standardised
/// coordinates: w′ⱼ = wⱼ·sⱼ, b′ = b + Σⱼ wⱼ·μⱼ (same predictions, since x′ⱼ = (xⱼ − μⱼ)/sⱼ).
struct IntegrationStandardizationTests {
    static let scales = [1000.0, 0.01, 1, 10], offsets = [5000.0, 3, -2, 0]

    static func raw<T: BLASScalar>(_: T.Type) throws -> Dataset<Double> {
        let base = try Integration.linear(samples: 300, features: 4, noise: 0.1, seed: 71, as: Double.self)
        let x = Matrix<Double>(rows: base.sampleCount, cols: 4) { i, j in base.x[i, j] * scales[j] + offsets[j] }
        return try Dataset(x: x, y: base.y)
    }

    func standardized<T: BLASScalar>(_: T.Type) throws {
        let raw = try Self.raw(T.self)
        let fit = try LeastSquares.solve(raw.x, raw.y, intercept: true)  // Double truth
        let rawT = try Dataset(x: Matrix<T>(rows: raw.sampleCount, cols: 4) { i, j in T(raw.x[i, j]) },
                               y: Matrix<T>(rows: raw.sampleCount, cols: 1) { i, _ in T(raw.y[i, 0]) })
        let s = Standardization(fitting: rawT.x)
        let w = (0..<4).map { fit.weights[$0, 0] * s.scales[$0] }
        let b = fit.bias[0] + (0..<4).reduce(0.0) { $0 + fit.weights[$1, 0] * s.means[$1] }
        let truth = w + [b]

        let data = rawT.standardizingInputs(s)
        let objective = try Integration.linearObjective(data)
        let sgd = try SGD<T>(parameterCount: 5, momentum: 0.5)
        let result = try Trainer(objective: objective, optimizer: sgd,
                                 configuration: TrainingConfiguration(epochs: 200, batchSize: .full, learningRate: 0.5),
                                 initialParameters: [T](repeating: 0, count: 5)).run()
        let d = maxScaledDifference(result.parameters.map { Double($0) }, truth)
        // Measured: 3.7e-13 (Double; the raw fit's own round-off at condition ≈ 1e10) and 6.7e-7 (Float)
        // after 200 updates.
        print("[integration] standardised GD \(T.self): \(d) from the raw least-squares fit")
        #expect(d <= Integration.tolerance(T.self, float: 2e-5, double: 1e-10))

        // The same GD on the raw inputs, at the largest rate that does not diverge there (below 2/λ_max,
        // λ_max ≈ 2.8e7 from the ×1000 column around 5000), has barely moved the other weights: measured
        // scaled distance 1.0 to the raw fit (required > 0.5).
        let rawObjective = try Integration.linearObjective(rawT)
        let rawResult = try Trainer(objective: rawObjective, optimizer: try SGD<T>(parameterCount: 5, momentum: 0.5),
                                    configuration: TrainingConfiguration(epochs: 200, batchSize: .full, learningRate: 3e-8),
                                    initialParameters: [T](repeating: 0, count: 5)).run()
        let rawFit = (0..<4).map { fit.weights[$0, 0] } + [fit.bias[0]]
        #expect(rawResult.stopReason == .completed)
        let rawDistance = maxScaledDifference(rawResult.parameters.map { Double($0) }, rawFit)
        print("[integration] raw GD \(T.self): \(rawDistance) from the raw least-squares fit")
        #expect(rawDistance > 0.5)
    }

    @Test func standardizedDouble() throws { try standardized(Double.self) }
    @Test func standardizedFloat() throws { try standardized(Float.self) }
}
