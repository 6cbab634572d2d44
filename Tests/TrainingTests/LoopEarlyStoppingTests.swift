import Testing
import Descent
import _TestSupport

/// Early stopping on a hand-worked sequence: GD with rate 0.1 on f(x) = ½(x − 10)² from x₀ = 0 gives
/// x_k = 10·(1 − 0.9ᵏ) = 1, 1.9, 2.71, 3.439, 4.0951, …; epoch e ends at x_{e+1}. The validation loss
/// (x − 3)² is 4, 1.21, 0.0841, 0.192721, 1.19910601, …: best after epoch 2 (x₃ = 2.71), then worse.
struct LoopEarlyStoppingTests {
    func iterate(_ k: Int) -> Double { 10 * (1 - Double.pow(0.9, k)) }

    func train<T: BLASScalar>(_: T.Type, _ stopping: EarlyStopping, epochs: Int = 20)
        throws -> TrainingResult<T> {
        let objective = ClosureObjective<T>(parameterCount: 1) { p, g in
            g[0] = p[0] - 10
            return Double(0.5 * (p[0] - 10) * (p[0] - 10))
        }
        let validation: ValidationEvaluator<T> = { p in
            let d = Double(p[0]) - 3
            return Evaluation(sampleCount: 1, loss: d * d, r2: -d * d)
        }
        return try Trainer(objective: objective, optimizer: PlainGradientStep<T>(parameterCount: 1),
                           configuration: TrainingConfiguration(epochs: epochs, batchSize: .full, learningRate: 0.1, earlyStopping: stopping),
                           validation: validation, initialParameters: [0]).run()
    }

    func restoresBest<T: BLASScalar>(_: T.Type, tol: T) throws {
        let r = try train(T.self, EarlyStopping(patience: 2, restoreBest: true))
        #expect(r.stopReason == .earlyStopped(epoch: 4, bestEpoch: 2))   // epochs 3 and 4 do not improve
        #expect(r.history.count == 5 && r.steps == 5)
        #expect(isClose(r.parameters[0], T(iterate(3)), tol: tol))       // x₃ = 2.71, not x₅
        #expect(isClose(r.history[2].validationLoss!, 0.0841, tol: Double(tol)))

        let last = try train(T.self, EarlyStopping(patience: 2, restoreBest: false))
        #expect(last.stopReason == .earlyStopped(epoch: 4, bestEpoch: 2))
        #expect(isClose(last.parameters[0], T(iterate(5)), tol: tol))    // the last iterate x₅

        // min delta 1.2: epoch 2 (0.0841 vs 1.21) no longer counts, so epoch 1 (x₂ = 1.9) is best.
        let delta = try train(T.self, EarlyStopping(patience: 2, minDelta: 1.2))
        #expect(delta.stopReason == .earlyStopped(epoch: 3, bestEpoch: 1))
        #expect(isClose(delta.parameters[0], T(iterate(2)), tol: tol))

        // The metric −(x − 3)² in max mode picks the same epoch.
        let metric = try train(T.self, EarlyStopping(patience: 1, mode: .max, monitor: .validationMetric))
        #expect(metric.stopReason == .earlyStopped(epoch: 3, bestEpoch: 2))
        #expect(isClose(metric.parameters[0], T(iterate(3)), tol: tol))

        // Patience longer than the run: it completes, and still returns the best epoch's point.
        let completed = try train(T.self, EarlyStopping(patience: 50), epochs: 8)
        #expect(completed.stopReason == .completed)
        #expect(isClose(completed.parameters[0], T(iterate(3)), tol: tol))
    }

    @Test func restoresBestDouble() throws { try restoresBest(Double.self, tol: 1e-12) }
    @Test func restoresBestFloat() throws { try restoresBest(Float.self, tol: 1e-5) }

    /// Without a validation evaluator, the training loss is watched; it falls every epoch here.
    @Test func watchesTrainingLossWithoutValidation() throws {
        let objective = ClosureObjective<Double>(parameterCount: 1) { p, g in
            g[0] = p[0] - 10
            return 0.5 * (p[0] - 10) * (p[0] - 10)
        }
        let r = try Trainer(objective: objective, optimizer: PlainGradientStep<Double>(parameterCount: 1),
                            configuration: TrainingConfiguration(epochs: 6, batchSize: .full, learningRate: 0.1,
                                                                 earlyStopping: EarlyStopping(patience: 0)),
                            initialParameters: [0]).run()
        #expect(r.stopReason == .completed)
        #expect(isClose(r.parameters[0], iterate(6), tol: 1e-12))
    }
}
