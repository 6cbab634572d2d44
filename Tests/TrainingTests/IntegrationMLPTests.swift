import Testing
import Descent
import _TestSupport

/// Acceptance 2: a ReLU `MLP` fits a nonlinear regression, y = sin(2x₁)·x₂ + x₃² + 0.05·N(0, 1) on
/// x ∈ [−1, 1)³, far better than the best linear fit. 1000 samples, `Dataset.split` holds out 20 % for
/// validation; the objective's `evaluator` on that part is the loop's validation; early stopping
/// watches the validation loss and restores the best epoch's weights.
///
/// Truth for "far better": LAPACK's least-squares fit of a linear model with intercept on the training
/// part (the best linear fit there), evaluated on the validation part through the same metrics code.
struct IntegrationMLPTests {
    func fit<T: BLASScalar>(_: T.Type) throws {
        let all = try Integration.nonlinear(samples: 1000, noise: 0.05, seed: 7, as: T.self)
        let (train, validation) = try all.split(validationFraction: 0.2, seed: 8)
        #expect(train.sampleCount == 800 && validation.sampleCount == 200)

        // The best linear fit (measured validation RMSE 0.54: the linear part of y is ≈ 0).
        let linear = try Integration.linearObjective(train)
        let linearRMSE = try #require(linear.evaluate(parameters: Integration.leastSquaresParameters(train), on: validation).rmse)

        // 3 → 16 (ReLU) → 1, He/Xavier initialisation, SGD momentum 0.9 at 0.1, batches of 32 reshuffled.
        let model = MLP<T>(inputs: 3, hidden: [16], outputs: 1)
        let objective = try SupervisedObjective(dataset: train, model: model, loss: .squaredError, maximumBatchSize: 32)
        let sgd = try SGD<T>(parameterCount: model.parameterCount, momentum: 0.9)
        let config = try TrainingConfiguration(epochs: 150, batchSize: .size(32), seed: 9, learningRate: 0.1,
                                           earlyStopping: EarlyStopping(patience: 10, restoreBest: true))
        let trainer = try Trainer(objective: objective, optimizer: sgd, configuration: config,
                                  validation: objective.evaluator(x: validation.x, y: validation.y),
                                  initialParameters: model.initialParameters(seed: 10))
        let result = try trainer.run()

        // Measured (Double and Float alike): stops early after epoch 54 (best 44) with validation RMSE
        // 0.075, i.e. 0.14× the linear fit's 0.54; required < 0.25×.
        let rmse = try #require(objective.evaluate(parameters: result.parameters, on: validation).rmse)
        print("[integration] MLP \(T.self): \(result.stopReason), validation RMSE \(rmse) vs linear \(linearRMSE)")
        #expect(rmse < 0.25 * linearRMSE, "MLP validation RMSE \(rmse), linear fit \(linearRMSE)")

        // Early stopping ended the run and the result is the best epoch's point, not the last one.
        guard case .earlyStopped(let last, let best?) = result.stopReason else {
            Issue.record("expected an early stop, got \(result.stopReason)"); return
        }
        #expect(best < last && last == result.history.count - 1 && last - best == 10)
        let losses = result.history.map { $0.validationLoss! }
        #expect(losses.min() == losses[best])
        let returned = objective.evaluate(parameters: result.parameters, on: validation).loss
        #expect(isClose(returned, losses[best], tol: 1e-12), "returned \(returned), best epoch \(losses[best])")
        #expect(result.parameters != trainer.currentParameters)
        let lastLoss = objective.evaluate(parameters: trainer.currentParameters, on: validation).loss
        #expect(isClose(lastLoss, losses[last], tol: 1e-12) && lastLoss > returned)
    }

    @Test func nonlinearFitDouble() throws { try fit(Double.self) }
    @Test func nonlinearFitFloat() throws { try fit(Float.self) }
}
