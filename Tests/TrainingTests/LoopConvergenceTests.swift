import Testing
import Descent
import _TestSupport

/// Convergence of the loop to the exact least-squares fit (LAPACK's `gelsd` via `LeastSquares.solve`).
struct LoopConvergenceTests {
    /// Full-batch GD, constant rate 0.5, 300 epochs = 300 updates from zero. The loss Hessian
    /// (1/n)·[X 1]ᵀ[X 1] has eigenvalues in about (0.25, 1.1) for this data, so each update shrinks the
    /// error by at least ~0.87 and 300 updates leave ~1e-18 relative error: the tolerance is round-off.
    func fullBatch<T: BLASScalar>(_: T.Type, tol: T) throws {
        let problem = try LoopProblem<T>(rows: 40, features: 3, noise: 0.1, seed: 11)
        let config = try TrainingConfiguration(epochs: 300, batchSize: .full, learningRate: 0.5)
        let trainer = try Trainer(objective: problem.objective(), optimizer: PlainGradientStep<T>(parameterCount: 4),
                                  configuration: config, initialParameters: [0, 0, 0, 0])
        let result = try trainer.run()
        #expect(result.stopReason == .completed)
        #expect(result.steps == 300)                        // one update per epoch
        #expect(result.history.count == 300)
        #expect(maxScaledDifference(result.parameters, problem.solution) <= tol)
    }

    @Test func fullBatchGDDouble() throws { try fullBatch(Double.self, tol: 1e-10) }
    @Test func fullBatchGDFloat() throws { try fullBatch(Float.self, tol: 2e-4) }

    /// Mini-batch SGD, batches of 8 of 40 noisy samples reshuffled every epoch, rate 0.5/(1 + 0.02·t)
    /// per update, 400 epochs (2000 updates). The decaying rate removes the noise floor of constant-rate
    /// SGD; it ends ~7e-5 (scaled) from the fit; the stated tolerance is 5e-4.
    func miniBatch<T: BLASScalar>(_: T.Type, tol: T) throws {
        let problem = try LoopProblem<T>(rows: 40, features: 3, noise: 0.1, seed: 12)
        let config = TrainingConfiguration(epochs: 400, batchSize: .size(8), shuffle: .reshuffle, seed: 3, schedule: InverseDecay(initial: 0.5, decay: 0.02))
        let trainer = try Trainer(objective: problem.objective(), optimizer: PlainGradientStep<T>(parameterCount: 4),
                                  configuration: config, initialParameters: [0, 0, 0, 0])
        let result = try trainer.run()
        #expect(result.stopReason == .completed)
        #expect(result.steps == 2000)
        let err = maxScaledDifference(result.parameters, problem.solution)
        #expect(err <= tol, "mini-batch SGD ended \(err) from the least-squares fit")
        // It really is stochastic: a constant-rate run with the same batches stays farther away.
        let constant = try Trainer(objective: problem.objective(), optimizer: PlainGradientStep<T>(parameterCount: 4),
                                   configuration: TrainingConfiguration(epochs: 400, batchSize: .size(8), seed: 3,
                                                                        learningRate: 0.5),
                                   initialParameters: [0, 0, 0, 0]).run()
        #expect(maxScaledDifference(constant.parameters, problem.solution) > err)
    }

    @Test func miniBatchSGDDouble() throws { try miniBatch(Double.self, tol: 5e-4) }
    @Test func miniBatchSGDFloat() throws { try miniBatch(Float.self, tol: 5e-4) }

    /// Per-sample SGD (batch 1) through the same API: 40 updates per epoch.
    @Test func perSampleSGD() throws {
        let problem = try LoopProblem<Double>(rows: 40, features: 3, noise: 0.1, seed: 13)
        let config = TrainingConfiguration(epochs: 100, batchSize: .size(1), seed: 4,
                                           schedule: InverseDecay(initial: 0.2, decay: 0.005))
        let result = try Trainer(objective: problem.objective(), optimizer: PlainGradientStep<Double>(parameterCount: 4),
                                 configuration: config, initialParameters: [0, 0, 0, 0]).run()
        #expect(result.steps == 4000)
        #expect(maxScaledDifference(result.parameters, problem.solution) <= 5e-3)
    }
}

/// Warm start: a new run from a previous result's parameters. Plain GD with a constant rate has no
/// state besides the parameters, so 100 epochs and then 200 warm-started epochs give exactly the
/// iterate of a 300-epoch run, while the new run's counters and history start from zero.
struct LoopWarmStartTests {
    func warmStart<T: BLASScalar>(_: T.Type) throws {
        let problem = try LoopProblem<T>(rows: 30, features: 3, noise: 0.1, seed: 14)
        func gd(_ epochs: Int, from start: [T]) throws -> TrainingResult<T> {
            try Trainer(objective: problem.objective(), optimizer: PlainGradientStep<T>(parameterCount: 4),
                        configuration: TrainingConfiguration(epochs: epochs, batchSize: .full, learningRate: 0.3),
                        initialParameters: start).run()
        }
        let whole = try gd(300, from: [0, 0, 0, 0])
        let first = try gd(100, from: [0, 0, 0, 0])
        let second = try gd(200, from: first.parameters)
        #expect(second.parameters == whole.parameters)
        #expect(second.steps == 200 && second.history.count == 200 && second.history[0].epoch == 0)
        #expect(second.history[0].trainingLoss == whole.history[100].trainingLoss)
    }

    @Test func warmStartDouble() throws { try warmStart(Double.self) }
    @Test func warmStartFloat() throws { try warmStart(Float.self) }
}
