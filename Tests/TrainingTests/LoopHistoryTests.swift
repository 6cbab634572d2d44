import Testing
import Descent
import _TestSupport

/// The per-epoch history, the progress hook, and the schedule's step in each unit.
struct LoopHistoryTests {
    func history<T: BLASScalar>(_: T.Type) throws {
        let problem = try LoopProblem<T>(rows: 30, features: 2, noise: 0.2, seed: 51)
        let held = try LoopProblem<T>(rows: 10, features: 2, noise: 0.2, seed: 52).objective()
        let schedule = InverseDecay(initial: 0.3, decay: 0.1)
        let config = TrainingConfiguration(epochs: 5, batchSize: .size(8), seed: 1, schedule: schedule)
        var evaluatedAt: [[T]] = []
        let trainer = try Trainer(objective: problem.objective(recording: true),
                                  optimizer: PlainGradientStep<T>(parameterCount: 3), configuration: config,
                                  validation: { p in evaluatedAt.append(Array(p)); return Evaluation(sampleCount: 1, loss: held.fullLoss(p), r2: 7) },
                                  initialParameters: [0, 0, 0])
        var progress: [TrainingProgress] = []
        trainer.onStep = { progress.append($0); return .continue }
        let result = try trainer.run()
        let seen = trainer.objective.seenLosses
        #expect(seen.map(\.count) == Array(repeating: [8, 8, 8, 6], count: 5).flatMap { $0 })
        #expect(result.history.count == 5)
        for (e, r) in result.history.enumerated() {
            let batches = seen[(4 * e)..<(4 * e + 4)]
            let mean = batches.reduce(0.0) { $0 + $1.loss * Double($1.count) } / 30
            #expect(r.epoch == e)
            #expect(isClose(r.trainingLoss, mean, tol: 1e-15))             // size-weighted mean of batch losses
            #expect(r.steps == 4 * (e + 1) && r.samples == 30)
            #expect(r.learningRate == 0.3 / (1 + 0.1 * Double(4 * e + 3)))  // the epoch's last update
            evaluatedAt[e].withUnsafeBufferPointer { #expect(r.validationLoss == held.fullLoss($0)) }
            #expect(r.validationMetric == 7)
            #expect(r.seconds >= 0 && r.seconds.isFinite)
            #expect(r.samplesPerSecond > 0 && r.samplesPerSecond.isFinite)
            // The progress hook's running loss at the epoch's last batch is the epoch's loss.
            let last = progress[4 * e + 3]
            #expect(last.epoch == e && last.batch == 3 && last.batchesPerEpoch == 4 && last.step == 4 * e + 4)
            #expect(isClose(last.runningLoss, r.trainingLoss, tol: 1e-15))
        }
        #expect(progress.map(\.batch) == Array(repeating: [0, 1, 2, 3], count: 5).flatMap { $0 })
        let expectedRates: [Double] = (0..<20).map { (t: Int) -> Double in 0.3 / (1 + 0.1 * Double(t)) }
        #expect(progress.map(\.learningRate) == expectedRates)
        // The loss falls on this problem: the last epoch is below the first.
        #expect(result.history[4].trainingLoss < result.history[0].trainingLoss)
    }

    @Test func historyDouble() throws { try history(Double.self) }
    @Test func historyFloat() throws { try history(Float.self) }

    /// Full batch: the epoch's training loss is the full loss at the parameters before its update.
    @Test func fullBatchLossIsPreUpdate() throws {
        let problem = try LoopProblem<Double>(rows: 25, features: 2, noise: 0.2, seed: 53)
        let trainer = try Trainer(objective: problem.objective(recording: true),
                                  optimizer: PlainGradientStep<Double>(parameterCount: 3),
                                  configuration: TrainingConfiguration(epochs: 4, batchSize: .full, learningRate: 0.4),
                                  initialParameters: [1, 1, 1])
        let result = try trainer.run()
        let objective = trainer.objective
        for e in 0..<4 {
            objective.seenParameters[e].withUnsafeBufferPointer {
                #expect(isClose(result.history[e].trainingLoss, objective.fullLoss($0), tol: 1e-13))
            }
        }
        #expect(result.history.allSatisfy { $0.validationLoss == nil && $0.validationMetric == nil })
    }

    /// The schedule's counter in each unit: updates, completed epochs, samples consumed before the update.
    @Test func scheduleUnits() throws {
        let problem = try LoopProblem<Double>(rows: 30, features: 2, noise: 0.2, seed: 54)
        func rates(_ unit: ScheduleUnit) throws -> [Double] {
            let config = TrainingConfiguration(epochs: 2, batchSize: .size(8),
                                               schedule: InverseDecay(unit: unit, initial: 1, decay: 0.5))
            let trainer = try Trainer(objective: problem.objective(), optimizer: PlainGradientStep<Double>(parameterCount: 3),
                                      configuration: config, initialParameters: [0, 0, 0])
            var lrs: [Double] = []
            trainer.onStep = { lrs.append($0.learningRate); return .continue }
            _ = try trainer.run()
            return lrs
        }
        func expected(_ steps: [Int]) -> [Double] { steps.map { 1 / (1 + 0.5 * Double($0)) } }
        #expect(try rates(.batch) == expected(Array(0..<8)))
        #expect(try rates(.epoch) == expected([0, 0, 0, 0, 1, 1, 1, 1]))
        #expect(try rates(.sample) == expected([0, 8, 16, 24, 30, 38, 46, 54]))
    }

    /// Metric-driven schedules read one value per completed epoch: the training loss by default, the
    /// validation loss when an evaluator is given, or what `scheduleMetric` selects.
    @Test func metricHistoryFollowsTheSelection() throws {
        struct EchoLastMetric: LearningRateSchedule {
            var unit: ScheduleUnit { .epoch }
            var usesMetrics: Bool { true }
            func learningRate(at step: Int, metrics: [Double]) throws -> Double { 0.01 * (1 + (metrics.last ?? 0)) }
        }
        let problem = try LoopProblem<Double>(rows: 20, features: 2, noise: 0.2, seed: 55)
        func run(validation: ValidationEvaluator<Double>?, metric: MonitoredQuantity?) throws -> TrainingResult<Double> {
            let config = TrainingConfiguration(epochs: 3, batchSize: .full, schedule: EchoLastMetric(),
                                               scheduleMetric: metric)
            return try Trainer(objective: problem.objective(), optimizer: PlainGradientStep<Double>(parameterCount: 3),
                               configuration: config, validation: validation, initialParameters: [0, 0, 0]).run()
        }
        let plain = try run(validation: nil, metric: nil)
        #expect(plain.history[1].learningRate == 0.01 * (1 + plain.history[0].trainingLoss))
        let validation: ValidationEvaluator<Double> = { p in Evaluation(sampleCount: 1, loss: Double(p[0] * p[0]) + 2, r2: 5) }
        let byValidation = try run(validation: validation, metric: nil)
        #expect(byValidation.history[2].learningRate == 0.01 * (1 + byValidation.history[1].validationLoss!))
        let byMetric = try run(validation: validation, metric: .validationMetric)
        #expect(byMetric.history[1].learningRate == 0.01 * 6)
        let byTraining = try run(validation: validation, metric: .trainingLoss)
        #expect(byTraining.history[1].learningRate == 0.01 * (1 + byTraining.history[0].trainingLoss))
    }
}
