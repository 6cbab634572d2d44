import Testing
import Descent
import _TestSupport

/// Acceptance 8: a huge rate on the real stack stops training with `.diverged` and returns finite
/// parameters (the last finite iterate), for a linear model and an MLP, with SGD and with optimizers
/// whose evaluation point is not the raw iterate (DoG's average, Schedule-Free's x).
struct IntegrationDivergenceTests {
    func check<T: BLASScalar, O: Optimizer>(_ name: String, objective: SupervisedObjective<T>, optimizer: O,
                                            configuration: TrainingConfiguration, start: [T]) throws where O.Scalar == T {
        let trainer = try Trainer(objective: objective, optimizer: optimizer, configuration: configuration, initialParameters: start)
        let result = try trainer.run()
        guard case .diverged(let step, let reason) = result.stopReason else {
            Issue.record("\(name) \(T.self): expected divergence, got \(result.stopReason)"); return
        }
        print("[integration] divergence \(name) \(T.self): update \(step), \(reason)")
        #expect(result.steps == step, "\(name): the diverging update is not counted")
        #expect(step < configuration.epochs * trainer.batchesPerEpoch)
        #expect(result.parameters.allSatisfy { $0.isFinite }, "\(name): non-finite parameters returned")
        #expect(trainer.currentParameters.allSatisfy { $0.isFinite })
        #expect(result.history.count == step / trainer.batchesPerEpoch, "\(name): only completed epochs are recorded")
        // The run does not continue: a second run() returns the same result at once.
        let again = try trainer.run()
        #expect(again.stopReason == result.stopReason && again.parameters == result.parameters)
    }

    func diverge<T: BLASScalar>(_: T.Type) throws {
        let data = try Integration.linear(samples: 200, features: 3, noise: 0.1, seed: 61, as: T.self)
        let linear = try Integration.linearObjective(data, maximumBatchSize: 20)
        let zeros = [T](repeating: 0, count: linear.parameterCount)
        // Full-batch GD at rate 1000 (λ_max ≈ 1.4: the error grows ≈ 1400× per update).
        try check("linear, GD", objective: try Integration.linearObjective(data), optimizer: try SGD<T>(parameterCount: linear.parameterCount),
                  configuration: TrainingConfiguration(epochs: 1000, batchSize: .full, learningRate: 1e3), start: zeros)
        // Mini-batch SGD with momentum 0.9 at rate 100.
        try check("linear, SGD momentum", objective: linear, optimizer: try SGD<T>(parameterCount: linear.parameterCount, momentum: 0.9),
                  configuration: TrainingConfiguration(epochs: 1000, batchSize: .size(20), seed: 62, learningRate: 100), start: zeros)
        // DoG with a 1e12 multiplier, averaged: the average may be poisoned by the diverging update.
        try check("linear, DoG+average", objective: linear,
                  optimizer: try PolynomialAveraging(DoG<T>(parameterCount: linear.parameterCount)),
                  configuration: TrainingConfiguration(epochs: 1000, batchSize: .size(20), seed: 63, learningRate: 1e12), start: zeros)
        // Schedule-Free SGD at 1e6: z, and so x, blow up.
        try check("linear, Schedule-Free", objective: linear,
                  optimizer: try ScheduleFreeSGD<T>(parameterCount: linear.parameterCount),
                  configuration: TrainingConfiguration(epochs: 1000, batchSize: .size(20), seed: 64, learningRate: 1e6), start: zeros)

        // A ReLU MLP at rate 1e4 with momentum.
        let nonlinear = try Integration.nonlinear(samples: 200, noise: 0.05, seed: 65, as: T.self)
        let model = MLP<T>(inputs: 3, hidden: [16], outputs: 1)
        let mlp = try SupervisedObjective(dataset: nonlinear, model: model, loss: .squaredError, maximumBatchSize: 20)
        try check("MLP, SGD momentum", objective: mlp, optimizer: try SGD<T>(parameterCount: model.parameterCount, momentum: 0.9),
                  configuration: TrainingConfiguration(epochs: 1000, batchSize: .size(20), seed: 66, learningRate: 1e4),
                  start: model.initialParameters(seed: 67))
    }

    @Test func divergenceDouble() throws { try diverge(Double.self) }
    @Test func divergenceFloat() throws { try diverge(Float.self) }
}
