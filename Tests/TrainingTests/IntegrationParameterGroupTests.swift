import Testing
import Descent
import _TestSupport

/// Acceptance 3: parameter groups end to end. SGD with coupled L2 weight decay λ on a LinearModel
/// (2 outputs, so the weight group is a 2 × 4 block and the bias group has 2 entries), groups from the
/// model with `withoutDecayOnBiases()`, trained by full-batch GD through the Trainer.
///
/// Truth: the fixed point of coupled L2 is the minimiser of ½·mean‖XW + 1bᵀ − Y‖² + (λ/2)‖W‖² (bias
/// not penalised). Multiplying by 2n it is the least-squares problem
///     min ‖ [X 1; √(nλ)·I 0] · [W; bᵀ] − [Y; 0] ‖²
/// which LAPACK solves (`LeastSquares.solve` without intercept on the augmented system). With decay on
/// every group the same construction with √(nλ)·I over [W; bᵀ] gives the fully penalised solution.
struct IntegrationParameterGroupTests {
    static let (samples, features, outputs, lambda) = (300, 4, 2, 0.1)

    /// The ridge solution in the linear model's parameter layout, from the augmented least-squares system.
    static func ridge<T: BLASScalar>(_ data: Dataset<T>, lambda: Double, penaliseBias: Bool) throws -> [T] {
        let (n, d, k) = (data.sampleCount, data.featureCount, data.targetCount)
        let r = T((Double(n) * lambda).squareRoot())
        let a = Matrix<T>(rows: n + d + 1, cols: d + 1) { i, j in
            if i < n { return j < d ? data.x[i, j] : 1 }
            let p = i - n  // penalty row p acts on coefficient p (row d, the bias, only when penalised)
            return p == j && (p < d || penaliseBias) ? r : 0
        }
        let y = Matrix<T>(rows: n + d + 1, cols: k) { i, j in i < n ? data.y[i, j] : 0 }
        let s = try LeastSquares.solve(a, y, intercept: false)
        let w = s.weights.rows(0..<d)
        let b = (0..<k).map { s.weights[d, $0] }
        return LinearModel<T>(inputs: d, outputs: k).parameters(weights: w, bias: b)
    }

    func run<T: BLASScalar>(_ data: Dataset<T>, groups: [ParameterGroup]?) throws -> TrainingResult<T> {
        let objective = try Integration.linearObjective(data)
        let sgd = try SGD<T>(parameterCount: objective.parameterCount, groups: groups, momentum: 0.5,
                             weightDecay: Self.lambda)
        // Full-batch GD with heavy-ball momentum 0.5 at rate 0.5, 300 updates. Measured: the scaled
        // distance to the ridge solution is ≈ 1e-15 (Double) / 1e-6 (Float) at the end.
        let config = try TrainingConfiguration(epochs: 300, batchSize: .full, learningRate: 0.5)
        return try Trainer(objective: objective, optimizer: sgd, configuration: config,
                           initialParameters: [T](repeating: 0, count: objective.parameterCount)).run()
    }

    func biasesNotShrunk<T: BLASScalar>(_: T.Type) throws {
        let data = try Integration.linear(samples: Self.samples, features: Self.features, outputs: Self.outputs,
                                          noise: 0.1, seed: 31, as: T.self)
        let model = LinearModel<T>(inputs: Self.features, outputs: Self.outputs)
        let groups = model.parameterGroups.withoutDecayOnBiases()
        #expect(groups.map(\.weightDecay) == [nil, 0])
        let tol = Integration.tolerance(T.self, float: 1e-5, double: 1e-10)

        let unpenalised = try Self.ridge(data, lambda: Self.lambda, penaliseBias: false)
        let penalised = try Self.ridge(data, lambda: Self.lambda, penaliseBias: true)
        let ls = try Integration.leastSquaresParameters(data)

        let decayWeightsOnly = try run(data, groups: groups)
        #expect(decayWeightsOnly.stopReason == .completed)
        let e1 = Integration.distance(decayWeightsOnly.parameters, unpenalised)
        #expect(e1 <= tol, "weights-only decay ended \(e1) from the ridge solution with a free intercept")

        let decayAll = try run(data, groups: nil)
        let e2 = Integration.distance(decayAll.parameters, penalised)
        #expect(e2 <= tol, "decay on every group ended \(e2) from the fully penalised ridge solution")
        print("[integration] ridge \(T.self): free intercept \(e1), penalised intercept \(e2)")

        // The free intercept is exactly the one of the fitted weights, ȳ − Wᵀx̄ (not shrunk), while
        // decaying it too pulls it toward 0; the decay does shrink the weights in both runs.
        let w = model.weights(in: decayWeightsOnly.parameters)
        let b = model.bias(in: decayWeightsOnly.parameters).map { Double($0) }
        let xMean = LeastSquares.columnMeans(data.x).map { Double($0) }
        let yMean = LeastSquares.columnMeans(data.y).map { Double($0) }
        for j in 0..<Self.outputs {
            var expected = yMean[j]
            for c in 0..<Self.features { expected -= Double(w[c, j]) * xMean[c] }
            #expect(isClose(b[j], expected, tol: tol), "output \(j): bias \(b[j]) vs ȳ − Wᵀx̄ = \(expected)")
            let shrunk = Double(model.bias(in: decayAll.parameters)[j])
            #expect(abs(shrunk) < abs(b[j]) - 0.05, "output \(j): decayed bias \(shrunk), free bias \(b[j])")
        }
        let norm = { (p: [T]) in model.weights(in: p).elements.reduce(0.0) { $0 + Double($1) * Double($1) } }
        #expect(norm(decayWeightsOnly.parameters) < norm(ls))
    }

    @Test func biasesNotShrunkDouble() throws { try biasesNotShrunk(Double.self) }
    @Test func biasesNotShrunkFloat() throws { try biasesNotShrunk(Float.self) }
}
