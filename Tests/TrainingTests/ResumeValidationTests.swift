import Testing
import Descent

/// A saved state read back from a file may be corrupt or belong to another model: every such state
/// must be a thrown error from `Trainer(…, resumingFrom:)` (not a trap), and `currentResultPoint` is
/// the point a run stopped at that moment returns.
struct ResumeValidationTests {
    typealias Setup = LoopResumeTests.Setup

    func rejectsCorruptStates<T: BLASScalar>(_: T.Type) throws {
        let setup = try Setup<T>()
        let source = try setup.trainer()
        source.onStep = { $0.step == 13 ? .stop : .continue }
        _ = try source.run()
        let good = source.state
        _ = try setup.trainer(resumingFrom: good)   // the untouched state resumes

        let edits: [(String, (inout TrainerState<T>) -> Void)] = [
            ("parameters", { $0.parameters.removeLast() }),
            ("generator zero", { $0.sampler.generator = [0, 0, 0, 0] }),
            ("generator short", { $0.sampler.generator.removeLast() }),
            ("order out of range", { $0.sampler.order[3] = 40 }),
            ("order negative", { $0.sampler.order[3] = -1 }),
            ("order duplicate", { $0.sampler.order[3] = $0.sampler.order[4] }),
            ("sampler epoch", { $0.sampler.epoch = -1 }),
            ("epoch", { $0.epoch = -2 }),
            ("step", { $0.step = -1 }),
            ("samplesSeen", { $0.samplesSeen = -7 }),
            ("step overflow", { $0.step = Int.max }),
        ]
        for (label, edit) in edits {
            var bad = good
            edit(&bad)
            #expect(throws: TrainingError.self, "\(label) \(T.self) was accepted") { _ = try setup.trainer(resumingFrom: bad) }
        }
    }

    @Test func rejectsCorruptStatesDouble() throws { try rejectsCorruptStates(Double.self) }
    @Test func rejectsCorruptStatesFloat() throws { try rejectsCorruptStates(Float.self) }

    /// With iterate averaging started, the point a stopped run returns is the running mean, which
    /// differs from the raw parameters; `currentResultPoint` must be that point.
    func resultPointIsWhatRunReturns<T: BLASScalar>(_: T.Type) throws {
        let setup = try Setup<T>()   // averaging from update 10
        let trainer = try setup.trainer()
        var seen: [T] = []
        trainer.afterEpoch = { record, t in
            if record.epoch == 3 { seen = t.currentResultPoint; return .stop }
            return .continue
        }
        let stopped = try trainer.run()
        #expect(stopped.stopReason == .cancelled(epoch: 4, step: 24))
        #expect(seen == stopped.parameters)
        #expect(trainer.currentResultPoint == stopped.parameters)
        #expect(seen != trainer.currentParameters, "averaging started, so the result is not the raw point")

        // Before averaging starts the result is the optimizer's evaluation point (heavy ball: x itself).
        let early = try setup.trainer()
        early.onStep = { $0.step == 5 ? .stop : .continue }
        let r = try early.run()
        #expect(early.currentResultPoint == r.parameters)
        #expect(early.currentResultPoint == early.currentParameters)
    }

    @Test func resultPointIsWhatRunReturnsDouble() throws { try resultPointIsWhatRunReturns(Double.self) }
    @Test func resultPointIsWhatRunReturnsFloat() throws { try resultPointIsWhatRunReturns(Float.self) }

    /// The checked generator constructor accepts exactly what the saved state can hold.
    @Test func generatorValidatingState() throws {
        var a = SeededGenerator(seed: 3)
        _ = a.next()
        var b = try SeededGenerator(validatingState: a.state)
        #expect(a.next() == b.next())
        #expect(throws: SeededGenerator.InvalidState.self) { _ = try SeededGenerator(validatingState: [0, 0, 0, 0]) }
        #expect(throws: SeededGenerator.InvalidState.self) { _ = try SeededGenerator(validatingState: [1, 2, 3]) }
        #expect(throws: SeededGenerator.InvalidState.self) { _ = try SeededGenerator(validatingState: [1, 2, 3, 4, 5]) }
    }

    /// A failed restore leaves the sampler as it was.
    @Test func samplerRestoreIsAllOrNothing() throws {
        var sampler = BatchSampler(sampleCount: 6, batchSize: 2, mode: .reshuffle, seed: 9)
        sampler.startEpoch()
        let before = sampler.state
        var bad = before
        bad.order = [0, 1, 2, 3, 4, 4]
        #expect(throws: TrainingError.self) { try sampler.restore(bad) }
        #expect(sampler.state == before)
        var other = BatchSampler(sampleCount: 6, batchSize: 2, mode: .reshuffle, seed: 1)
        try other.restore(before)
        #expect(other.state == before)
    }
}
