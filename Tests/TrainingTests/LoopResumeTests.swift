import Foundation
import Testing
import Descent
import _TestSupport

/// Stopping and resuming reproduces an uninterrupted run bit for bit. The run exercises every part of
/// the saved state: reshuffled batches with a short last batch, a heavy-ball velocity, a metric-driven
/// schedule that also cycles momentum, iterate averaging, early stopping with a best point, validation.
struct LoopResumeTests {
    struct Setup<T: BLASScalar> {
        let train: LoopProblem<T>
        let held: LoopProblem<T>
        let config: TrainingConfiguration

        init() throws {
            train = try LoopProblem(rows: 40, features: 3, noise: 0.3, seed: 41)
            held = try LoopProblem(rows: 15, features: 3, noise: 0.3, seed: 42)
            config = TrainingConfiguration(epochs: 12, batchSize: .size(7), shuffle: .reshuffle, seed: 77, schedule: HalveOnRiseWithMomentum(initial: 0.2, cycleMomentum: true),
                                           earlyStopping: EarlyStopping(patience: 100))
        }

        func trainer(resumingFrom state: TrainerState<T>? = nil) throws -> Trainer<LoopLeastSquares<T>, PolynomialAveraging<HeavyBall<T>>> {
            let heldObjective = held.objective()
            let validation: ValidationEvaluator<T> = { p in Evaluation(sampleCount: 1, loss: heldObjective.fullLoss(p), r2: Double(p[0])) }
            // Averaging from update 10 on, so that checkpoints inside and outside the averaged stretch are covered.
            let optimizer = try PolynomialAveraging(HeavyBall<T>(parameterCount: 4, momentum: 0.9), gamma: 0, start: 10)
            if let state {
                return try Trainer(objective: train.objective(), optimizer: optimizer, configuration: config,
                                   validation: validation, resumingFrom: state)
            }
            return try Trainer(objective: train.objective(), optimizer: optimizer, configuration: config,
                               validation: validation, initialParameters: [0.1, -0.1, 0.2, 0])
        }
    }

    /// The state with the (wall-clock) timings removed from its history.
    func comparable<T>(_ s: TrainerState<T>) -> TrainerState<T> {
        var s = s
        s.history = s.history.map(\.withoutTimings)
        return s
    }

    func throughJSON<T: BLASScalar>(_ s: TrainerState<T>) throws -> TrainerState<T> {
        try JSONDecoder().decode(TrainerState<T>.self, from: JSONEncoder().encode(s))
    }

    func resume<T: BLASScalar>(_: T.Type) throws {
        let setup = try Setup<T>()
        let full = try setup.trainer()
        let reference = try full.run()
        #expect(reference.stopReason == .completed)
        #expect(reference.steps == 12 * 6)
        #expect(full.state.metricHistory.count == 12)

        // Stop after epoch 5 (an epoch-end checkpoint), go through JSON, resume in a new trainer.
        let first = try setup.trainer()
        var checkpoint: TrainerState<T>? = nil
        first.afterEpoch = { record, trainer in
            if record.epoch == 4 { checkpoint = trainer.state; return .stop }
            return .continue
        }
        let partial = try first.run()
        #expect(partial.stopReason == .cancelled(epoch: 5, step: 30))
        let saved = try throughJSON(try #require(checkpoint))
        #expect(saved == first.state)
        let second = try setup.trainer(resumingFrom: saved)
        let resumed = try second.run()
        #expect(resumed.stopReason == .completed)
        #expect(resumed.parameters == reference.parameters)          // bit-identical
        #expect(resumed.history.map(\.withoutTimings) == reference.history.map(\.withoutTimings))
        #expect(comparable(second.state) == comparable(full.state))

        // Stop in the middle of an epoch (after update 23, batch 5 of epoch 3) and resume.
        let third = try setup.trainer()
        third.onStep = { $0.step == 23 ? .stop : .continue }
        #expect(try third.run().stopReason == .cancelled(epoch: 3, step: 23))
        #expect(third.state.batchInEpoch == 5)
        let fourth = try setup.trainer(resumingFrom: try throughJSON(third.state))
        let resumedMid = try fourth.run()
        #expect(resumedMid.parameters == reference.parameters)
        #expect(comparable(fourth.state) == comparable(full.state))

        // The same trainer continues too when run() is called again.
        third.onStep = nil
        #expect(try third.run().parameters == reference.parameters)

        // A different seed really changes the run (so the comparisons above can fail).
        var other = setup.config
        other.seed = 78
        let otherRun = try Trainer(objective: setup.train.objective(), optimizer: HeavyBall<T>(parameterCount: 4, momentum: 0.9),
                                   configuration: other, initialParameters: [0.1, -0.1, 0.2, 0]).run()
        #expect(otherRun.parameters != reference.parameters)
    }

    @Test func resumeIsBitIdenticalDouble() throws { try resume(Double.self) }
    @Test func resumeIsBitIdenticalFloat() throws { try resume(Float.self) }

    @Test func mismatchedStateIsRejected() throws {
        let setup = try Setup<Double>()
        var state = try setup.trainer().state
        state.sampler.order = Array(0..<39)
        #expect(throws: TrainingError.self) { _ = try setup.trainer(resumingFrom: state) }
        var wrongKind = try setup.trainer().state
        wrongKind.optimizer.kind = "plain-gd"
        #expect(throws: OptimizerError.self) { _ = try setup.trainer(resumingFrom: wrongKind) }
    }
}
