import Testing
import Descent
import _TestSupport

/// The range test on a least-squares problem with a momentum optimizer and a reshuffling sampler:
/// restore is bit-exact, the order of operations is Gugger's, and the data restarts when it runs out.
struct LRFinderRestoreTests {
    struct Setup<T: BLASScalar> {
        var objective = TestLeastSquares<T>(samples: 40, features: 4, seed: 7)
        var optimizer = TestMomentumSGD<T>(parameterCount: 4, momentum: 0.9)
        var sampler = BatchSampler(sampleCount: 40, batchSize: 10, mode: .reshuffle, seed: 11)  // 4 batches/epoch
        var parameters: [T] = randomVector(4, seed: 3)

        /// Two ordinary training steps, so the optimizer and sampler start from a non-trivial state.
        init() {
            sampler.startEpoch()
            var g = [T](repeating: 0, count: 4)
            for j in 0..<2 { step(batch: j, learningRate: 0.05, gradient: &g) }
            objective.seen = []
        }

        mutating func step(batch j: Int, learningRate: Double, gradient g: inout [T]) {
            _ = parameters.withUnsafeBufferPointer { p in
                g.withUnsafeMutableBufferPointer { gb in sampler.withBatch(j) { objective.lossAndGradient(parameters: p, gradient: gb, batch: $0) } }
            }
            optimizer.step(parameters: &parameters, gradient: &g, learningRate: learningRate)
        }
    }

    func restoreIsExact<T: BLASScalar>(_: T.Type) throws {
        var s = Setup<T>()
        let (p0, o0, s0) = (s.parameters, s.optimizer.saveState(), s.sampler.state)
        var replica = s  // the same state, continued by hand below
        let test = try LRRangeTest(sweep: LRSweep(start: 1e-4, end: 10, iterations: 30))
        let r = try test.run(objective: &s.objective, optimizer: &s.optimizer, parameters: &s.parameters, sampler: &s.sampler)

        // Nothing changed: bit-identical parameters, optimizer state and sampler (generator, order, epoch).
        #expect(s.parameters == p0)
        #expect(s.optimizer.saveState() == o0)
        #expect(s.optimizer.buffer == replica.optimizer.buffer && s.optimizer.steps == replica.optimizer.steps)
        #expect(s.sampler.state == s0)

        // …though the test did train: it ran past several epochs and its losses moved, then diverged at lr ≤ 10.
        #expect(r.rawLosses.count > 8)
        #expect(Set(r.rawLosses).count == r.rawLosses.count)
        if case .diverged = r.stop {} else { Issue.record("expected divergence before lr 10, got \(r.stop)") }

        // Gugger's order, replayed by hand from the saved state: a new epoch; row k's loss is the
        // batch loss at the parameters before the step at lr_k; batches restart with a new epoch.
        let tol = T.self == Float.self ? 1e-5 : 1e-12
        replica.sampler.startEpoch()
        var g = [T](repeating: 0, count: 4), batch = 0
        for k in r.rawLosses.indices {
            if batch == replica.sampler.batchesPerEpoch { replica.sampler.startEpoch(); batch = 0 }
            let rows = replica.sampler.withBatch(batch) { b -> [Int] in
                if case .indices(let i) = b { return Array(i) } else { return [] }
            }
            #expect(s.objective.seen[k] == rows, "row \(k): batch")
            let expected = replica.objective.loss(at: replica.parameters.map(Double.init), samples: rows)
            #expect(isRelativelyClose(r.rawLosses[k], expected, tol), "row \(k): \(r.rawLosses[k]) vs \(expected)")
            #expect(r.learningRates[k] == test.sweep.rate(at: k))
            replica.step(batch: batch, learningRate: r.learningRates[k], gradient: &g)
            batch += 1
        }
        #expect(s.objective.seen.count == r.rawLosses.count)
        #expect(replica.sampler.epoch > s0.epoch + 2)  // the data restarted
        #expect(r.smoothedLosses == LossSmoothing.standard.smooth(r.rawLosses))

        // Training after the test continues exactly as it would have without it.
        var a = s, b = Setup<T>()
        a.step(batch: 2, learningRate: 0.05, gradient: &g)
        b.step(batch: 2, learningRate: 0.05, gradient: &g)
        #expect(a.parameters == b.parameters && a.optimizer.buffer == b.optimizer.buffer)
    }

    @Test func restoreIsExactFloat() throws { try restoreIsExact(Float.self) }
    @Test func restoreIsExactDouble() throws { try restoreIsExact(Double.self) }

    func validationMode<T: BLASScalar>(_: T.Type) throws {
        var s = Setup<T>()
        var replica = s
        let all = Array(0..<40)
        let objective = s.objective
        let test = try LRRangeTest(sweep: LRSweep(start: 1e-3, end: 1, iterations: 12, spacing: .linear), smoothing: .none)
        let r = try test.run(objective: &s.objective, optimizer: &s.optimizer, parameters: &s.parameters, sampler: &s.sampler) { p in
            objective.loss(at: p.map(Double.init), samples: all)
        }
        #expect(r.usedValidationLoss && r.learningRates.count >= 3)
        // Smith / torch-lr-finder: row k is the full validation loss after the step at lr_k.
        let tol = T.self == Float.self ? 1e-5 : 1e-12
        replica.sampler.startEpoch()
        var g = [T](repeating: 0, count: 4)
        for k in r.rawLosses.indices {
            replica.step(batch: k % 4, learningRate: r.learningRates[k], gradient: &g)
            let expected = objective.loss(at: replica.parameters.map(Double.init), samples: all)
            #expect(isRelativelyClose(r.rawLosses[k], expected, tol), "row \(k)")
            if k % 4 == 3 { replica.sampler.startEpoch() }
        }
        #expect(s.parameters == Setup<T>().parameters)
    }

    @Test func validationModeFloat() throws { try validationMode(Float.self) }
    @Test func validationModeDouble() throws { try validationMode(Double.self) }
}
