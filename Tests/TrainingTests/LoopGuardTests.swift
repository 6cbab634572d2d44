import Testing
import Descent
import _TestSupport

/// The divergence guard and the configuration checks.
struct LoopGuardTests {
    /// GD with rate 1000 on least squares grows the error ~1000× per update until the loss overflows.
    /// The run must stop at that update with finite parameters equal to the iterate the objective saw
    /// last (the one whose loss was not finite), and report that update's index.
    func tooLargeRate<T: BLASScalar>(_: T.Type) throws {
        let problem = try LoopProblem<T>(rows: 20, features: 2, noise: 0.1, seed: 31)
        let config = try TrainingConfiguration(epochs: 1000, batchSize: .full, learningRate: 1000)
        let trainer = try Trainer(objective: problem.objective(recording: true),
                                  optimizer: PlainGradientStep<T>(parameterCount: 3),
                                  configuration: config, initialParameters: [0, 0, 0])
        let result = try trainer.run()
        let seen = trainer.objective.seenParameters
        guard case .diverged(let step, let reason) = result.stopReason else {
            Issue.record("expected divergence, got \(result.stopReason)"); return
        }
        #expect(step == seen.count - 1)                  // the update whose loss was evaluated last
        #expect(step > 3)
        #expect(reason == .nonFiniteLoss || reason == .nonFiniteGradient)
        #expect(result.parameters.allSatisfy { $0.isFinite })
        #expect(result.parameters == seen.last!)         // a copy of the last finite iterate
        #expect(trainer.currentParameters == seen.last!)
        #expect(!trainer.objective.seenLosses.last!.loss.isFinite || reason == .nonFiniteGradient)
        #expect(result.history.count == step)            // one record per completed epoch (= update)
        // Over: running again returns the same outcome without new updates.
        #expect(try trainer.run().stopReason == result.stopReason)
        #expect(trainer.objective.seenParameters.count == seen.count)
    }

    @Test func divergenceStopsWithLastFiniteDouble() throws { try tooLargeRate(Double.self) }
    @Test func divergenceStopsWithLastFiniteFloat() throws { try tooLargeRate(Float.self) }

    /// A finite loss and gradient whose update overflows: the guard restores the pre-update copy.
    func overflowingUpdate<T: BLASScalar>(_: T.Type) throws {
        var calls = 0
        let objective = ClosureObjective<T>(parameterCount: 2) { p, g in
            calls += 1
            g[0] = calls == 3 ? T.greatestFiniteMagnitude : 1   // third update: −η·max overflows
            g[1] = 1
            return 1
        }
        let result = try Trainer(objective: objective, optimizer: PlainGradientStep<T>(parameterCount: 2),
                                 configuration: TrainingConfiguration(epochs: 10, batchSize: .full, learningRate: 4),
                                 initialParameters: [1, 2]).run()
        #expect(result.stopReason == .diverged(step: 2, reason: .nonFiniteParameters))
        let expected: [T] = [-7, -6]                      // 1 − 4 − 4 and 2 − 4 − 4: two plain steps of −4
        #expect(result.parameters == expected)
    }

    @Test func overflowingUpdateDouble() throws { try overflowingUpdate(Double.self) }
    @Test func overflowingUpdateFloat() throws { try overflowingUpdate(Float.self) }

    @Test func nanGradientStops() throws {
        var calls = 0
        let objective = ClosureObjective<Double>(parameterCount: 1) { p, g in
            calls += 1
            g[0] = calls == 4 ? .nan : p[0]
            return 0.5 * p[0] * p[0]
        }
        let result = try Trainer(objective: objective, optimizer: PlainGradientStep<Double>(parameterCount: 1),
                                 configuration: TrainingConfiguration(epochs: 10, batchSize: .full, learningRate: 0.5),
                                 initialParameters: [8]).run()
        #expect(result.stopReason == .diverged(step: 3, reason: .nonFiniteGradient))
        #expect(result.parameters == [1])                // 8 → 4 → 2 → 1, then the NaN gradient
    }

    @Test func badSettingsThrowNamingTheField() throws {
        let problem = try LoopProblem<Double>(rows: 10, features: 2, noise: 0.1, seed: 32)
        func make(_ c: TrainingConfiguration, validation: ValidationEvaluator<Double>? = nil) throws {
            _ = try Trainer(objective: problem.objective(), optimizer: PlainGradientStep<Double>(parameterCount: 3),
                            configuration: c, validation: validation, initialParameters: [0, 0, 0])
        }
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return "\(error)" }
        }
        #expect(message { try make(TrainingConfiguration(epochs: 1, batchSize: .size(0), learningRate: 0.1)) }
            .contains("batch size"))
        #expect(message { try make(TrainingConfiguration(epochs: 1, batchSize: .full, learningRate: -1)) }.contains("learning rate"))
        #expect(message { try make(TrainingConfiguration(epochs: -1, batchSize: .full, learningRate: 0.1)) }.contains("epochs"))
        #expect(message { try make(TrainingConfiguration(epochs: 1, batchSize: .full, learningRate: 0.1, scheduleMetric: .validationLoss)) }
            .contains("validation"))
        #expect(message { try make(TrainingConfiguration(epochs: 1, batchSize: .full, learningRate: 0.1,
                                                         earlyStopping: EarlyStopping(patience: -2))) }
            .contains("patience"))
        #expect(throws: OptimizerError.self) { _ = try PolynomialAveraging(PlainGradientStep<Double>(parameterCount: 3), gamma: 0, start: -1) }
        #expect(message { try make(TrainingConfiguration(epochs: 1, batchSize: .full, learningRate: 0.1)) } == "")
        #expect(throws: TrainingError.self) {
            _ = try Trainer(objective: problem.objective(), optimizer: PlainGradientStep<Double>(parameterCount: 3),
                            configuration: TrainingConfiguration(epochs: 1, batchSize: .full, learningRate: 0.1),
                            initialParameters: [0, .nan, 0])
        }
    }

    /// A schedule that cycles momentum, with an optimizer that has none: a configuration error before
    /// the first update. With a momentum optimizer the schedule's value reaches it every update.
    @Test func scheduledMomentumNeedsAMomentumOptimizer() throws {
        let problem = try LoopProblem<Double>(rows: 10, features: 2, noise: 0.1, seed: 33)
        let config = TrainingConfiguration(epochs: 3, batchSize: .size(5),
                                           schedule: HalveOnRiseWithMomentum(initial: 0.1, cycleMomentum: true))
        let plain = try Trainer(objective: problem.objective(recording: true),
                                optimizer: PlainGradientStep<Double>(parameterCount: 3),
                                configuration: config, initialParameters: [0, 0, 0])
        #expect(throws: TrainingError.self) { _ = try plain.run() }
        #expect(plain.objective.seenParameters.isEmpty)
        let heavy = try Trainer(objective: problem.objective(), optimizer: HeavyBall<Double>(parameterCount: 3, momentum: 0),
                                configuration: config, initialParameters: [0, 0, 0])
        var momenta: [Double?] = []
        heavy.onStep = { _ in momenta.append(heavy.optimizer.momentum); return .continue }
        _ = try heavy.run()
        #expect(momenta == [0.5, 0.7, 0.5, 0.7, 0.5, 0.7])   // updates 0…5 alternate by parity
    }

    /// A schedule that ends before the run does fails before the first update, not in the middle.
    @Test func scheduleTooShortFailsUpFront() throws {
        let problem = try LoopProblem<Double>(rows: 10, features: 2, noise: 0.1, seed: 34)
        let trainer = try Trainer(objective: problem.objective(recording: true),
                                  optimizer: PlainGradientStep<Double>(parameterCount: 3),
                                  configuration: TrainingConfiguration(epochs: 3, batchSize: .size(5),
                                                                       schedule: BoundedSchedule(total: 5)),
                                  initialParameters: [0, 0, 0])
        #expect(throws: TrainingError.self) { _ = try trainer.run() }
        #expect(trainer.objective.seenParameters.isEmpty)
    }
}

/// The finiteness check against Swift's own `isFinite`, at several lengths (BLAS kernels take other
/// paths for short tails and long vectors) and positions.
struct LoopFinitenessTests {
    func check<T: BLASScalar>(_: T.Type) {
        for n in [1, 3, 8, 17, 1000] {
            let zeros = [T](repeating: 0, count: n)
            var x: [T] = randomVector(n, seed: UInt64(n))
            x[n / 2] = T.greatestFiniteMagnitude                  // large but finite
            func finite(_ v: [T]) -> Bool {
                v.withUnsafeBufferPointer { a in zeros.withUnsafeBufferPointer { DivergenceGuard.allFinite(a, zeros: $0) } }
            }
            #expect(finite(x) == x.allSatisfy { $0.isFinite })
            #expect(finite(x))
            for bad in [T.infinity, -T.infinity, T.nan] {
                for position in Set([0, n / 3, n - 1]) {
                    var y = x
                    y[position] = bad
                    #expect(!finite(y), "n \(n), \(bad) at \(position)")
                }
            }
        }
    }

    @Test func finitenessDouble() { check(Double.self) }
    @Test func finitenessFloat() { check(Float.self) }
}
