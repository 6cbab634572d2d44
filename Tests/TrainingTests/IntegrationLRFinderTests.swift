import Testing
import Descent
import _TestSupport

/// Acceptance 6: the LR range test on the real stack — `SupervisedObjective` (linear model, squared
/// error), `SGD` with momentum 0.9, a reshuffling `BatchSampler` (batches of 20 of 400 samples).
///
/// 1. Nothing changes: after a few ordinary updates (so the momentum buffer is live and the sampler is
///    mid-epoch), the test leaves the parameters, the optimizer's saved state and the sampler's state
///    bit-identical (a restore, so exact equality), and the next ordinary update equals the one a copy
///    that never ran the test makes.
/// 2. The steepest-slope suggestion, used as the constant rate of a new run (same optimizer settings,
///    the Trainer, 20 epochs), trains the model: it ends near the least-squares loss (LAPACK).
struct IntegrationLRFinderTests {
    struct Stack<T: BLASScalar> {
        var objective: SupervisedObjective<T>
        var optimizer: SGD<T>
        var sampler: BatchSampler
        var parameters: [T]
        var gradient: [T]

        init(_ data: Dataset<T>) throws {
            objective = try Integration.linearObjective(data, maximumBatchSize: 20)
            optimizer = try SGD<T>(parameterCount: objective.parameterCount, momentum: 0.9)
            sampler = BatchSampler(sampleCount: data.sampleCount, batchSize: 20, mode: .reshuffle, seed: 21)
            parameters = randomVector(objective.parameterCount, seed: 22)
            gradient = [T](repeating: 0, count: objective.parameterCount)
        }

        /// One ordinary update on batch `j` of the current epoch.
        mutating func update(batch j: Int, learningRate: Double) {
            _ = parameters.withUnsafeBufferPointer { p in
                gradient.withUnsafeMutableBufferPointer { g in
                    sampler.withBatch(j) { objective.lossAndGradient(parameters: p, gradient: g, batch: $0) }
                }
            }
            optimizer.step(parameters: &parameters, gradient: &gradient, learningRate: learningRate)
        }
    }

    func rangeTest<T: BLASScalar>(_: T.Type) throws {
        let data = try Integration.linear(samples: 400, features: 4, noise: 0.1, seed: 101, as: T.self)
        var stack = try Stack(data)
        stack.sampler.startEpoch()
        for j in 0..<5 { stack.update(batch: j, learningRate: 0.01) }
        let (p0, o0, s0) = (stack.parameters, stack.optimizer.saveState(), stack.sampler.state)
        let sgd0 = try o0.decodePayload(SGDState.self)
        #expect(sgd0.bufferInitialized && sgd0.momentumBuffer!.contains { $0 != 0 })
        var untouched = stack  // value copies; the objective's workspace is shared but holds nothing between calls

        let test = try LRRangeTest(sweep: LRSweep(start: 1e-5, end: 10, iterations: 100))
        let r = try test.run(objective: &stack.objective, optimizer: &stack.optimizer, parameters: &stack.parameters,
                         sampler: &stack.sampler)
        #expect(r.rawLosses.count > 20)  // it did train (past one epoch of 20 batches) before stopping
        #expect(stack.parameters == p0)
        #expect(stack.optimizer.saveState() == o0)
        #expect(stack.sampler.state == s0)
        stack.update(batch: 5, learningRate: 0.01)
        untouched.update(batch: 5, learningRate: 0.01)
        #expect(stack.parameters == untouched.parameters && stack.optimizer.saveState() == untouched.optimizer.saveState())

        // The suggestion trains the model. Measured (Double and Float alike): the steepest point is at
        // lr ≈ 8.1e-3, the sweep diverges at row 93 (lr ≈ 4.3), and 20 epochs (400 updates) at the
        // suggested rate end with an excess loss (L − L*)/(L(0) − L*) ≈ 4.6e-7; required < 1e-3. The
        // suggestion must also sit below the rate where the test diverged.
        let suggestion = try #require(r.suggest(.steepest).learningRate, "\(r.suggest(.steepest))")
        guard case .diverged(let at) = r.stop else { Issue.record("expected the sweep to diverge, got \(r.stop)"); return }
        #expect(suggestion < r.learningRates[at])
        let objective = try Integration.linearObjective(data, maximumBatchSize: 20)
        let start = [T](repeating: 0, count: objective.parameterCount)
        let trainer = try Trainer(objective: objective, optimizer: try SGD<T>(parameterCount: objective.parameterCount, momentum: 0.9),
                                  configuration: TrainingConfiguration(epochs: 20, batchSize: .size(20), seed: 23, learningRate: suggestion),
                                  initialParameters: start)
        let result = try trainer.run()
        #expect(result.stopReason == .completed)
        let best = Integration.loss(objective, try Integration.leastSquaresParameters(data))
        let ratio = (Integration.loss(objective, result.parameters) - best) / (Integration.loss(objective, start) - best)
        print("[integration] range test \(T.self): \(r.stop) at lr \(r.learningRates[at]), steepest \(suggestion), excess loss ratio \(ratio)")
        #expect(ratio < 1e-3)
    }

    @Test func rangeTestDouble() throws { try rangeTest(Double.self) }
    @Test func rangeTestFloat() throws { try rangeTest(Float.self) }

    /// The same "nothing changes" check for every other optimizer, each after 5 ordinary updates at
    /// multiplier 1 (the sweep's rate is their multiplier): saved state, parameters and sampler
    /// bit-identical, and the next update equal to that of a copy that never ran the test (which would
    /// catch a field missing from `saveState`).
    func untouched<T: BLASScalar, O: Optimizer>(_ name: String, _: T.Type, _ make: (Int) throws -> O) throws where O.Scalar == T {
        let data = try Integration.linear(samples: 400, features: 4, noise: 0.1, seed: 101, as: T.self)
        let objective = try Integration.linearObjective(data, maximumBatchSize: 20)
        var optimizer = try make(objective.parameterCount)
        var sampler = BatchSampler(sampleCount: data.sampleCount, batchSize: 20, mode: .reshuffle, seed: 21)
        var parameters: [T] = randomVector(objective.parameterCount, seed: 22)
        var gradient = [T](repeating: 0, count: objective.parameterCount)
        var o = objective
        func update(_ opt: inout O, _ p: inout [T], _ smp: BatchSampler, batch j: Int) {
            _ = p.withUnsafeBufferPointer { pb in
                gradient.withUnsafeMutableBufferPointer { g in smp.withBatch(j) { o.lossAndGradient(parameters: pb, gradient: g, batch: $0) } }
            }
            opt.step(parameters: &p, gradient: &gradient, learningRate: 1)
        }
        sampler.startEpoch()
        for j in 0..<5 { update(&optimizer, &parameters, sampler, batch: j) }
        let (p0, o0, s0) = (parameters, optimizer.saveState(), sampler.state)
        var (copyOptimizer, copyParameters) = (optimizer, parameters)
        var testObjective = objective
        let r = try LRRangeTest(sweep: LRSweep(start: 1e-3, end: 100, iterations: 60))
            .run(objective: &testObjective, optimizer: &optimizer, parameters: &parameters, sampler: &sampler)
        #expect(r.rawLosses.count > 5, "\(name)")
        #expect(parameters == p0 && optimizer.saveState() == o0 && sampler.state == s0, "\(name): the range test left a trace")
        update(&optimizer, &parameters, sampler, batch: 5)
        update(&copyOptimizer, &copyParameters, sampler, batch: 5)
        #expect(parameters == copyParameters && optimizer.saveState() == copyOptimizer.saveState(),
                "\(name): the update after the range test differs from one without it")
    }

    /// Every registered optimizer with its defaults, and settings that switch on momentum, Nesterov
    /// and weight decay.
    func everyOptimizer<T: BLASScalar>(_: T.Type) throws {
        let groups = LinearModel<T>(inputs: 4, outputs: 1).parameterGroups
        let extra = ["sgd:momentum=0.9,nesterov,weight_decay=1e-3", "mml-sgd:momentum=0.5,weight_decay=1e-3", "dadapt-sgd:momentum=0.9"]
        for text in OptimizerRegistry.all.map(\.name) + extra {
            let s = try OptimizerSettings(parsing: text)
            func open<O: Optimizer<T>>(_: O) throws {
                try untouched(text, T.self) { _ in try #require(try s.make(T.self, groups: groups, learningRate: s.defaultLearningRate) as? O) }
            }
            try open(try s.make(T.self, groups: groups, learningRate: s.defaultLearningRate))
        }
    }

    @Test func everyOptimizerDouble() throws { try everyOptimizer(Double.self) }
    @Test func everyOptimizerFloat() throws { try everyOptimizer(Float.self) }
}
