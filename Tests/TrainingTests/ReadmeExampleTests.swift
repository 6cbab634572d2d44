import Testing
import Descent

/// The Swift examples of README.md, verbatim apart from the `#expect` lines, so the README stays
/// true: if an API they use changes, this file stops compiling.
struct ReadmeExampleTests {
    @Test func trainALinearModel() throws {
        // --- README: "Using the library" ---
        // y = 2·x₀ − x₁ + 0.5·x₂ + 1 + noise, 2000 samples.
        var g = SeededGenerator(seed: 7)
        let x = Matrix<Double>(rows: 2000, cols: 3) { _, _ in g.nextGaussian() }
        let y = Matrix<Double>(rows: 2000, cols: 1) { i, _ in
            2 * x[i, 0] - x[i, 1] + 0.5 * x[i, 2] + 1 + 0.1 * g.nextGaussian()
        }

        let model = LinearModel<Double>(inputs: 3, outputs: 1)
        let objective = try SupervisedObjective(x: x, y: y, model: model, loss: .squaredError,
                                                maximumBatchSize: 32)
        let optimizer = try SGD<Double>(parameterCount: model.parameterCount,
                                        groups: model.parameterGroups.withoutDecayOnBiases(),
                                        momentum: 0.9, weightDecay: 1e-5)
        let configuration = TrainingConfiguration(
            epochs: 20, batchSize: .size(32), seed: 1,
            schedule: try parseSchedule("cosine:T=20", baseLearningRate: 0.05))   // the run's one learning rate
        let trainer = try Trainer(objective: objective, optimizer: optimizer, configuration: configuration,
                                  initialParameters: model.initialParameters(seed: 1))
        let result = try trainer.run()
        let exact = try LeastSquares.solve(x, y)           // LAPACK's answer, for comparison
        print(result.stopReason, model.weights(in: result.parameters), exact.weights)
        // --- end of README example ---

        #expect(result.stopReason == .completed)
        let w = model.weights(in: result.parameters), b = model.bias(in: result.parameters)
        for j in 0..<3 { #expect(abs(w[j, 0] - exact.weights[j, 0]) < 1e-3) }
        #expect(abs(b[0] - exact.bias[0]) < 1e-3)
    }

    @Test func optimizeYourOwnObjective() throws {
        // --- README: "Your own objective" ---
        // Rosenbrock's function f(a, b) = (1 − a)² + 100(b − a²)², gradient written by hand.
        var rosenbrock = ClosureObjective<Double>(parameterCount: 2) { p, grad in
            let (a, b) = (p[0], p[1])
            grad[0] = -2 * (1 - a) - 400 * a * (b - a * a)
            grad[1] = 200 * (b - a * a)
            return (1 - a) * (1 - a) + 100 * (b - a * a) * (b - a * a)
        }
        var optimizer = try SGD<Double>(parameterCount: 2, momentum: 0.9, nesterov: true)
        var point: [Double] = [-1.5, 2]
        var gradient = [Double](repeating: 0, count: 2)
        for _ in 0..<20_000 {
            _ = point.withUnsafeBufferPointer { p in
                gradient.withUnsafeMutableBufferPointer { rosenbrock.lossAndGradient(parameters: p, gradient: $0, batch: .rows(0..<1)) }
            }
            optimizer.step(parameters: &point, gradient: &gradient, learningRate: 2e-4)
        }
        print(point)   // close to the minimum at (1, 1)
        // --- end of README example ---

        #expect(abs(point[0] - 1) < 1e-2 && abs(point[1] - 1) < 2e-2)
    }
}
