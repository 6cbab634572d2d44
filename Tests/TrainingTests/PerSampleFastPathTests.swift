import Testing
import Descent
import _TestSupport

/// Per-sample SGD on a one-output linear model takes the trainer's fast path (see
/// `Trainer+PerSample.swift`) unless an `onStep` hook is set. The fast path must give bit for bit
/// what the general update gives: same parameters, same history, same stop reason, for several
/// losses, SGD settings and schedules (one of them cycling momentum), and when training diverges.
struct PerSampleFastPathTests {
    struct Case {
        let loss: Loss
        let intercept: Bool
        let momentum: Double, nesterov: Bool, weightDecay: Double
        let learningRate: Double
        let schedule: String?
    }

    static let cases: [Case] = [
        Case(loss: .squaredError, intercept: true, momentum: 0.9, nesterov: false, weightDecay: 0, learningRate: 0.01, schedule: nil),
        Case(loss: .squaredError, intercept: true, momentum: 0, nesterov: false, weightDecay: 1e-3, learningRate: 0.02, schedule: "cosine:T=3"),
        Case(loss: .huber(delta: 0.5), intercept: false, momentum: 0.8, nesterov: true, weightDecay: 1e-4, learningRate: 0.01, schedule: nil),
        Case(loss: .binaryLogistic, intercept: true, momentum: 0.9, nesterov: false, weightDecay: 0, learningRate: 0.05,
             schedule: "onecycle:max=0.05,steps=900"),
        Case(loss: .squaredError, intercept: true, momentum: 0.9, nesterov: false, weightDecay: 0, learningRate: 40, schedule: nil),  // diverges
    ]

    func run<T: BLASScalar>(_ c: Case, _: T.Type, general: Bool) throws -> TrainingResult<T> {
        let (n, d) = (300, 13)
        let x: Matrix<T> = randomMatrix(n, d, seed: 51)
        let y: Matrix<T> = c.loss == .binaryLogistic
            ? Matrix(rows: n, cols: 1) { i, _ in x[i, 0] + x[i, 1] > 0 ? 1 : 0 }
            : Matrix(rows: n, cols: 1) { i, _ in 2 * x[i, 0] - x[i, 2] + T(0.1) * x[i, 3] * x[i, 4] }
        let model = LinearModel<T>(inputs: d, outputs: 1, intercept: c.intercept)
        let objective = try SupervisedObjective(x: x, y: y, model: model, loss: c.loss, maximumBatchSize: 1, threads: 1)
        let optimizer = try SGD<T>(parameterCount: model.parameterCount, groups: model.parameterGroups.withoutDecayOnBiases(),
                                   learningRate: c.learningRate, momentum: c.momentum, nesterov: c.nesterov,
                                   weightDecay: c.weightDecay)
        let schedule = try c.schedule.map { try parseSchedule($0, baseLearningRate: c.learningRate) }
        let configuration = TrainingConfiguration(epochs: 3, batchSize: .size(1), seed: 9,
                                                  schedule: try schedule ?? TrainingConfiguration.constant(c.learningRate))
        let trainer = try Trainer(objective: objective, optimizer: optimizer, configuration: configuration,
                                  initialParameters: [T](repeating: 0, count: model.parameterCount))
        if general { trainer.onStep = { _ in .continue } }   // any hook turns the fast path off
        return try trainer.run()
    }

    func compare<T: BLASScalar>(_: T.Type) throws {
        for (k, c) in Self.cases.enumerated() {
            let fast = try run(c, T.self, general: false), general = try run(c, T.self, general: true)
            #expect(fast.stopReason == general.stopReason, "case \(k): \(fast.stopReason) vs \(general.stopReason)")
            #expect(fast.steps == general.steps, "case \(k)")
            #expect(fast.parameters == general.parameters, "case \(k): parameters differ")
            #expect(fast.history.map(\.trainingLoss) == general.history.map(\.trainingLoss), "case \(k): losses differ")
            #expect(fast.history.map(\.learningRate) == general.history.map(\.learningRate), "case \(k)")
            if k == Self.cases.count - 1 {
                guard case .diverged = fast.stopReason else {
                    Issue.record("case \(k) should diverge, stopped with \(fast.stopReason)"); continue
                }
            } else {
                #expect(fast.stopReason == .completed, "case \(k): \(fast.stopReason)")
            }
        }
    }

    @Test func floatMatchesTheGeneralUpdate() throws { try compare(Float.self) }
    @Test func doubleMatchesTheGeneralUpdate() throws { try compare(Double.self) }
}
