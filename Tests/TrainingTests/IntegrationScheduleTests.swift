import Testing
import Descent
import _TestSupport

/// Acceptance 4: schedules from `Sources/Schedules` driving the real loop, objective and optimizers.
struct IntegrationScheduleTests {
    static let samples = 200, features = 3

    func data<T: BLASScalar>(_: T.Type, seed: UInt64 = 41) throws -> Dataset<T> {
        try Integration.linear(samples: Self.samples, features: Self.features, noise: 0.2, seed: seed)
    }

    /// The two momentum-cycling schedules over `updates` batch steps: OneCycle (built by the parser,
    /// as the CLI does) and triangular Cyclic (built directly), both cycling momentum 0.85…0.95.
    func cyclingSchedules(updates: Int) throws -> [any LearningRateSchedule] {
        [try parseSchedule("onecycle:max=0.2,steps=\(updates),momentum=0.85/0.95", baseLearningRate: 0.2),
         try CyclicSchedule(baseLearningRate: 0.01, maxLearningRate: 0.2, stepSizeUp: 15, stepSizeDown: 25,
                            cycleMomentum: MomentumCycle(base: 0.85, max: 0.95))]
    }

    // MARK: Momentum cycling

    /// Plain SGD (momentum 0) under a momentum-cycling schedule: `run()` throws a `TrainingError`
    /// before the first update (no hook call, step 0, parameters and optimizer state untouched), never
    /// turning momentum on. The same for the optimizers that have no momentum at all (AdaDelta, DoG
    /// wrapped in averaging).
    func cyclingWithoutMomentumThrows<T: BLASScalar>(_: T.Type) throws {
        try withoutMomentum(T.self) { try SGD<T>(parameterCount: $0, momentum: 0) }
        try withoutMomentum(T.self) { try AdaDelta<T>(parameterCount: $0) }
        try withoutMomentum(T.self) { try PolynomialAveraging(DoG<T>(parameterCount: $0)) }
    }

    func withoutMomentum<T: BLASScalar, O: Optimizer>(_: T.Type, _ make: (Int) throws -> O) throws where O.Scalar == T {
        let data = try data(T.self)
        let start = randomVector(Self.features + 1, seed: 3, as: T.self)
        for schedule in try cyclingSchedules(updates: 100) {
            let objective = try Integration.linearObjective(data, maximumBatchSize: 20)
            let optimizer = try make(objective.parameterCount)
            #expect(optimizer.momentum == nil)
            let config = TrainingConfiguration(epochs: 10, batchSize: .size(20), schedule: schedule)
            let trainer = try Trainer(objective: objective, optimizer: optimizer, configuration: config, initialParameters: start)
            var updates = 0
            trainer.onStep = { _ in updates += 1; return .continue }
            #expect(throws: TrainingError.self, "\(optimizer.name), \(schedule)") { try trainer.run() }
            #expect(updates == 0 && trainer.state.step == 0 && trainer.currentParameters == start, "\(optimizer.name)")
            #expect(trainer.optimizer.momentum == nil && trainer.optimizer.saveState() == optimizer.saveState(), "\(optimizer.name)")
        }
    }

    @Test func cyclingWithoutMomentumThrowsDouble() throws { try cyclingWithoutMomentumThrows(Double.self) }
    @Test func cyclingWithoutMomentumThrowsFloat() throws { try cyclingWithoutMomentumThrows(Float.self) }

    /// SGD with momentum under the same schedules, batches of 20 reshuffled, 10 epochs = 100 updates:
    /// after each update the optimizer's μ and the rate used equal the schedule's values at that step,
    /// and the final parameters equal a hand-written replay (sampler, objective, `setMomentum`, `step`)
    /// of the schedule, so each value was in force for its own update.
    func cyclingWithMomentum<T: BLASScalar>(_: T.Type) throws {
        let data = try data(T.self)
        let start = randomVector(Self.features + 1, seed: 3, as: T.self)
        for schedule in try cyclingSchedules(updates: 100) {
            let objective = try Integration.linearObjective(data, maximumBatchSize: 20)
            let sgd = try SGD<T>(parameterCount: objective.parameterCount, momentum: 0.9)
            let config = TrainingConfiguration(epochs: 10, batchSize: .size(20), seed: 12, schedule: schedule)
            let trainer = try Trainer(objective: objective, optimizer: sgd, configuration: config, initialParameters: start)
            var mismatches: [String] = []
            var distinct = Set<Double>()
            trainer.onStep = { [unowned trainer] progress in
                let s = progress.step - 1  // the update just done
                let m = try? schedule.momentum(at: s, metrics: []), lr = try? schedule.learningRate(at: s, metrics: [])
                if m == nil || trainer.optimizer.momentum != m || progress.learningRate != lr {
                    mismatches.append("step \(s): μ \(String(describing: trainer.optimizer.momentum)) vs \(String(describing: m)), lr \(progress.learningRate) vs \(String(describing: lr))")
                }
                distinct.insert(trainer.optimizer.momentum!)
                return .continue
            }
            let result = try trainer.run()
            #expect(result.steps == 100)
            #expect(mismatches.isEmpty, "\(schedule): \(mismatches.prefix(3))")
            #expect(distinct.count > 30 && distinct.min()! >= 0.85 - 1e-12 && distinct.max()! <= 0.95 + 1e-12,
                    "\(schedule): \(distinct.count) values in \(distinct.min()!)…\(distinct.max()!)")

            // Replay by hand.
            var replayObjective = try Integration.linearObjective(data, maximumBatchSize: 20)
            var replay = try SGD<T>(parameterCount: replayObjective.parameterCount, momentum: 0.9)
            var sampler = BatchSampler(sampleCount: Self.samples, batchSize: 20, mode: .reshuffle, seed: 12)
            var p = start, g = [T](repeating: 0, count: start.count), t = 0
            for _ in 0..<10 {
                sampler.startEpoch()
                for j in 0..<sampler.batchesPerEpoch {
                    try replay.setMomentum(try #require(try schedule.momentum(at: t, metrics: [])))
                    _ = p.withUnsafeBufferPointer { pb in
                        g.withUnsafeMutableBufferPointer { gb in
                            sampler.withBatch(j) { replayObjective.lossAndGradient(parameters: pb, gradient: gb, batch: $0) }
                        }
                    }
                    replay.step(parameters: &p, gradient: &g, learningRate: try schedule.learningRate(at: t, metrics: []))
                    t += 1
                }
            }
            let d = Integration.distance(result.parameters, p)
            #expect(d <= Integration.tolerance(T.self, float: 1e-6, double: 1e-14), "\(schedule): loop vs replay \(d)")
        }
    }

    @Test func cyclingWithMomentumDouble() throws { try cyclingWithMomentum(Double.self) }
    @Test func cyclingWithMomentumFloat() throws { try cyclingWithMomentum(Float.self) }

    // MARK: microsoftml preset with its reduction schedule

    /// `SGD.microsoftML` (weight decay 1e-3, shrink after the step) with `MicrosoftMLReductionSchedule`
    /// (ratio 0.5, every 10 epochs, error ratio 0 = reduce when the epoch loss rose), full batch, 40
    /// epochs, starting at rate 3.
    ///
    /// Worked by hand: the loss Hessian of this data has λ_max ≈ 1.36 (population value), so a rate
    /// above 2/λ_max ≈ 1.47 amplifies the error along the top eigenvector by |1 − γλ_max| > 1. An epoch's
    /// loss is measured before its update, so L_e reflects the updates of epochs 1…e−1 (1-based). The
    /// updates of epochs 1, 2, 3 use rates 3, 3 (the first reduction comes after epoch 2) and 1.5
    /// (factors 3.07, 3.07, 1.04), so L₂, L₃, L₄ each rise and the rate halves after epochs 2, 3 and 4;
    /// epoch 4 updates at 0.75 (factor 0.02), and from then on the loss falls, so only the periodic
    /// reductions (after epochs 10, 20, 30) remain: rates 3, 3, 1.5, 0.75, 0.375 … then /2 every 10 epochs.
    ///
    /// Truth: the reductions are recounted by hand from the recorded epoch losses (the schedule's metric
    /// is the training loss: no validation): after completed epoch e (1-based) the rate halves when
    /// e is a multiple of 10 or L_e > L_{e−1}; the recorded rate of epoch e must be 3·0.5^(reductions
    /// after epochs 1…e).
    func microsoftML<T: BLASScalar>(_: T.Type) throws {
        let data = try data(T.self)
        let objective = try Integration.linearObjective(data)
        let sgd = try SGD<T>.microsoftML(parameterCount: objective.parameterCount, learningRate: 3, weightDecay: 1e-3)
        #expect(sgd.weightDecayMode == .shrinkAfterStep)
        let schedule = try MicrosoftMLReductionSchedule(baseLearningRate: 3, ratio: 0.5, frequency: 10, errorRatio: 0)
        let config = TrainingConfiguration(epochs: 40, batchSize: .full, schedule: schedule)
        let trainer = try Trainer(objective: objective, optimizer: sgd, configuration: config,
                                  initialParameters: [T](repeating: 0, count: objective.parameterCount))
        let result = try trainer.run()
        #expect(result.stopReason == .completed)
        let losses = result.history.map(\.trainingLoss)
        #expect(trainer.state.metricHistory == losses)

        var rate = 3.0, expected: [Double] = [], errorEpochs: [Int] = [], periodicEpochs: [Int] = []
        for e in 0..<losses.count {
            if e >= 1 {  // epoch e (1-based) just completed
                let periodic = e % 10 == 0, rose = e >= 2 && losses[e - 1] > losses[e - 2]
                if rose { errorEpochs.append(e) }
                if periodic { periodicEpochs.append(e) }
                if periodic || rose { rate *= 0.5 }
            }
            expected.append(rate)
        }
        #expect(result.history.map(\.learningRate) == expected)
        print("[integration] mml \(T.self): loss rose after epochs \(errorEpochs), periodic \(periodicEpochs), rates \(Array(Set(expected)).sorted())")
        #expect(errorEpochs == [2, 3, 4] && periodicEpochs == [10, 20, 30])
        #expect(Array(expected.prefix(6)) == [3, 3, 1.5, 0.75, 0.375, 0.375] && expected.last == 0.375 / 8)
        #expect(losses.last! < 0.1 * losses[0])
    }

    @Test func microsoftMLDouble() throws { try microsoftML(Double.self) }
    @Test func microsoftMLFloat() throws { try microsoftML(Float.self) }

    // MARK: Plateau on the validation loss

    /// `plateau:factor=0.5,patience=2,threshold=1e-3` (parser) with a validation evaluator and no explicit
    /// schedule metric, so it reads the validation loss. Mini-batch SGD (batch 10, momentum 0.9, reshuffled)
    /// on noisy data reaches its noise floor, where the validation loss stops improving.
    /// Truth: the metric history the loop keeps is the recorded validation losses, and each epoch's rate
    /// is the schedule applied to the losses of the epochs before it.
    func plateau<T: BLASScalar>(_: T.Type) throws {
        let train = try data(T.self), held = try data(T.self, seed: 42)
        let objective = try Integration.linearObjective(train, maximumBatchSize: 10)
        let sgd = try SGD<T>(parameterCount: objective.parameterCount, momentum: 0.9)
        let schedule = try parseSchedule("plateau:factor=0.5,patience=2,threshold=1e-3", baseLearningRate: 0.05)
        let config = TrainingConfiguration(epochs: 40, batchSize: .size(10), seed: 13, schedule: schedule)
        let trainer = try Trainer(objective: objective, optimizer: sgd, configuration: config,
                                  validation: objective.evaluator(x: held.x, y: held.y),
                                  initialParameters: [T](repeating: 0, count: objective.parameterCount))
        let result = try trainer.run()
        let validation = result.history.map { $0.validationLoss! }
        #expect(trainer.state.metricHistory == validation)
        for (e, record) in result.history.enumerated() {
            #expect(record.learningRate == (try schedule.learningRate(at: e, metrics: Array(validation[..<e]))), "epoch \(e)")
        }
        let rates = result.history.map(\.learningRate)
        print("[integration] plateau \(T.self): rates \(rates)")
        // Measured: ≥ 3 reductions in 40 epochs; the rate never rises.
        #expect(Set(rates).count >= 4)
        #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 >= $1 })
        // Reading the training loss instead would give another rate sequence (the loop really used validation).
        let training = result.history.map(\.trainingLoss)
        let fromTraining = try (0..<rates.count).map { try schedule.learningRate(at: $0, metrics: Array(training[..<$0])) }
        #expect(fromTraining != rates)
    }

    @Test func plateauDouble() throws { try plateau(Double.self) }
    @Test func plateauFloat() throws { try plateau(Float.self) }
}
