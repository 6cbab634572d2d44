import Testing
import Descent
import _TestSupport

/// Acceptance 5: the learning-rate-free methods through the loop on least squares (400 samples, 4
/// features + intercept, noise 0.1; batches of 20 reshuffled, 30 epochs = 600 updates, rate multiplier
/// 1, i.e. each method's own step, from θ = 0).
///
/// Measure: the excess loss (L(θ) − L*)/(L(0) − L*), with L* the loss of LAPACK's least-squares fit,
/// of the parameters the loop returns (its evaluation point: DoG's polynomial average, Schedule-Free's
/// x). Each method must cut it by the factor stated at its row (measured values in the comment).
struct IntegrationLRFreeTests {
    /// One method: a name, a factory for the optimizer, and the required excess-loss ratio.
    func run<T: BLASScalar, O: Optimizer>(_ name: String, _ make: (Int) throws -> O, threshold: Double,
                                           as _: T.Type) throws -> (Trainer<SupervisedObjective<T>, O>, TrainingResult<T>)
    where O.Scalar == T {
        let data = try Integration.linear(samples: 400, features: 4, noise: 0.1, seed: 101, as: T.self)
        let objective = try Integration.linearObjective(data, maximumBatchSize: 20)
        let best = Integration.loss(objective, try Integration.leastSquaresParameters(data))
        let start = [T](repeating: 0, count: objective.parameterCount)
        let initial = Integration.loss(objective, start)
        let config = try TrainingConfiguration(epochs: 30, batchSize: .size(20), seed: 17, learningRate: 1)
        let trainer = try Trainer(objective: objective, optimizer: try make(objective.parameterCount),
                                  configuration: config, initialParameters: start)
        let result = try trainer.run()
        #expect(result.stopReason == .completed, "\(name): \(result.stopReason)")
        let ratio = (Integration.loss(objective, result.parameters) - best) / (initial - best)
        print("[integration] \(name) \(T.self): excess loss ratio \(ratio)")
        #expect(ratio < threshold, "\(name): excess loss \(ratio) of the initial, required < \(threshold)")
        return (trainer, result)
    }

    func lrFree<T: BLASScalar>(_: T.Type) throws {
        // Measured excess-loss ratios (Double; Float agrees to 3 digits) and the required bound:
        //   DoG (γ = 8 polynomial average returned) 6.4e-8 < 1e-6     D-Adapt SGD 4.5e-4 < 3e-3
        //   LFM (β = 0.9)                           2.0e-6 < 1e-4     AdaDelta (ρ = 0.95, ε = 1e-6) 4.2e-2 < 0.15
        //   Schedule-Free SGD (x returned)          5.3e-8 < 1e-6
        _ = try run("DoG+average", { try PolynomialAveraging(DoG<T>(parameterCount: $0)) }, threshold: 1e-6, as: T.self)
        _ = try run("D-Adapt SGD", { try DAdaptSGD<T>(parameterCount: $0) }, threshold: 3e-3, as: T.self)
        _ = try run("LFM", { try LFM<T>(parameterCount: $0) }, threshold: 1e-4, as: T.self)
        _ = try run("AdaDelta", { try AdaDelta<T>(parameterCount: $0) }, threshold: 0.15, as: T.self)

        // Schedule-Free SGD, c = 1 (its multiplier): the loop returns x, the averaged evaluation point,
        // not the buffer's y. x is recomputed here from y and the saved z: x = (y − (1 − β)·z)/β.
        let (trainer, result) = try run("Schedule-Free SGD", { try ScheduleFreeSGD<T>(parameterCount: $0) },
                                        threshold: 1e-6, as: T.self)
        let y = trainer.currentParameters.map { Double($0) }
        let z = try trainer.state.optimizer.decodePayload(ScheduleFreeSGDState.self).z
        let beta = try #require(trainer.optimizer.momentum)
        let x = zip(y, z).map { ($0 - (1 - beta) * $1) / beta }
        let tol = Integration.tolerance(T.self, float: 1e-5, double: 1e-13)
        #expect(maxScaledDifference(result.parameters.map { Double($0) }, x) <= tol)
        #expect(maxScaledDifference(result.parameters.map { Double($0) }, y) > 100 * tol, "x and y coincide: the check would be vacuous")
        #expect(trainer.optimizer.isTraining)  // the loop never switched the buffer to x
    }

    @Test func lrFreeDouble() throws { try lrFree(Double.self) }
    @Test func lrFreeFloat() throws { try lrFree(Float.self) }
}
