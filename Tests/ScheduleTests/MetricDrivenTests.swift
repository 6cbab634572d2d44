import Testing
import Descent

// Metric-driven rules on hand-worked metric sequences. Value after k epochs =
// learningRate(at: k, metrics: first k metrics).

private func rates(_ s: any LearningRateSchedule, _ metrics: [Double]) throws -> [Double] {
    try (0...metrics.count).map { try s.learningRate(at: $0, metrics: Array(metrics.prefix($0))) }
}

private func allClose(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { relativeDifference($0, $1) <= 1e-13 }
}

@Test func microsoftMLBothTriggersReduceAtMostOncePerEpoch() throws {
    // ratio 0.5, every 3 epochs, error ratio 0 (reduce when the loss rises).
    // e=1: no previous loss. e=2: 9 < 10. e=3: periodic AND 9.5 > 9: one reduction.
    // e=4, e=5: falling. e=6: periodic AND 9.1 > 9.0: one reduction.
    let s = try MicrosoftMLReductionSchedule(baseLearningRate: 1, ratio: 0.5, frequency: 3, errorRatio: 0)
    #expect(s.unit == .epoch && s.usesMetrics)
    let r = try rates(s, [10, 9, 9.5, 9.4, 9.0, 9.1])
    #expect(r == [1, 1, 1, 0.5, 0.5, 0.5, 0.25])
}

@Test func microsoftMLErrorTriggerAlone() throws {
    // Default period (100) never fires here; losses rise at epochs 2 and 5.
    let s = try MicrosoftMLReductionSchedule(baseLearningRate: 0.2, ratio: 0.5)
    #expect(try rates(s, [10, 11, 10.5, 10.4, 10.6]) == [0.2, 0.2, 0.1, 0.1, 0.1, 0.05])
    // Equal losses do not count as a rise.
    #expect(try rates(s, [3, 3, 3]) == [0.2, 0.2, 0.2, 0.2])
}

@Test func microsoftMLErrorRatioReducesOnSmallImprovements() throws {
    // ρ = 0.1: reduce when the loss falls by less than 10 % of the previous loss.
    // e=2: 100→80 (−20 ≥ 10) no. e=3: 80→75 (−5 < 8) yes. e=4: 75→74 (−1 < 7.5) yes.
    // e=5: 74→60 (−14 ≥ 7.4) no. e=6: 60→61 (rise) yes.
    let s = try MicrosoftMLReductionSchedule(baseLearningRate: 1, ratio: 0.9, frequency: 100, errorRatio: 0.1)
    #expect(allClose(try rates(s, [100, 80, 75, 74, 60, 61]), [1, 1, 1, 0.9, 0.81, 0.81, 0.729]))
}

@Test func microsoftMLPeriodicTriggerAloneAndDefaultsOff() throws {
    let periodic = try MicrosoftMLReductionSchedule(baseLearningRate: 1, ratio: 0.5, frequency: 2, errorRatio: 0.5)
    // No metrics supplied: only the periodic trigger can fire (after epochs 2 and 4).
    #expect(try periodic.learningRate(at: 1, metrics: []) == 1)
    #expect(try periodic.learningRate(at: 2, metrics: []) == 0.5)
    #expect(try periodic.learningRate(at: 5, metrics: []) == 0.25)
    // Defaults (ratio 1) never change the rate, whatever the losses do.
    let off = try MicrosoftMLReductionSchedule(baseLearningRate: 0.001)
    #expect(try rates(off, [1, 2, 3, 4, 5]).allSatisfy { $0 == 0.001 })
    #expect(try off.learningRate(at: 300, metrics: []) == 0.001)
}

@Test func scikitLearnAdaptiveDividesByFive() throws {
    // η₀ = 1, n_iter_no_change = 2, tol = 0.1 (see AdaptiveSchedule's rule):
    // e1 1.00 sets best. e2 0.95 > 0.9 bad 1. e3 0.96 > 0.85 bad 2 → η = 0.2.
    // e4 0.50 good. e5 0.45 > 0.4 bad 1. e6 0.44 > 0.35 bad 2 → η = 0.04. e7 0.43 bad 1.
    let s = try AdaptiveSchedule(baseLearningRate: 1, patience: 2, tolerance: 0.1)
    #expect(allClose(try rates(s, [1.0, 0.95, 0.96, 0.5, 0.45, 0.44, 0.43]), [1, 1, 1, 0.2, 0.2, 0.2, 0.04, 0.04]))
    // tol = None disables the rule.
    let none = try AdaptiveSchedule(baseLearningRate: 1, patience: 1, tolerance: nil)
    #expect(try rates(none, [1, 1, 1]) == [1, 1, 1, 1])
    // sklearn stops dividing once η ≤ 1e-6: 4e-6 → 8e-7, then no further.
    let floor = try AdaptiveSchedule(baseLearningRate: 4e-6, patience: 1, tolerance: 1e-3)
    #expect(allClose(try rates(floor, [1, 1, 1, 1]), [4e-6, 4e-6, 8e-7, 8e-7, 8e-7]))
}

@Test func plateauPatienceIsStrictlyMoreThan() throws {
    // patience 0: the first metric sets the baseline; the second (not better) reduces.
    let p0 = try PlateauSchedule(baseLearningRate: 1, factor: 0.5, patience: 0)
    #expect(try rates(p0, [1, 1]) == [1, 1, 0.5])
    // patience 2: three bad epochs in a row are needed.
    let p2 = try PlateauSchedule(baseLearningRate: 1, factor: 0.5, patience: 2)
    #expect(try rates(p2, [1, 1, 1, 1]) == [1, 1, 1, 1, 0.5])
    // cooldown 2: the two epochs after a reduction do not count as bad.
    let cool = try PlateauSchedule(baseLearningRate: 1, factor: 0.5, patience: 0, cooldown: 2)
    #expect(try rates(cool, [1, 1, 1, 1, 1]) == [1, 1, 0.5, 0.5, 0.5, 0.25])
    // min_lr clamps; eps skips updates smaller than eps.
    let clamp = try PlateauSchedule(baseLearningRate: 1, factor: 0.1, patience: 0, minimumLearningRate: 0.05)
    #expect(try rates(clamp, [1, 1, 1, 1]) == [1, 1, 0.1, 0.05, 0.05])
}

@Test func warmupThenPlateauComposesWithFreshMetrics() throws {
    // Epochs 0–2 warm up; the plateau child starts at epoch 3 and sees only metrics from then on.
    let warm = try LinearSchedule(baseLearningRate: 1, startFactor: 0.25, endFactor: 1, iterations: 2, unit: .epoch)
    let plateau = try PlateauSchedule(baseLearningRate: 1, factor: 0.5, patience: 0)
    let s = try SequentialSchedule([warm, plateau], milestones: [3])
    #expect(s.usesMetrics && s.unit == .epoch)
    let metrics: [Double] = [5, 4, 3, 10, 10, 10]
    // Had the plateau seen the warm-up epochs (best 3), 10 would already be bad at epoch 4.
    #expect(try rates(s, metrics) == [0.25, 0.625, 1, 1, 1, 0.5, 0.25])
    // Chained: the warm-up factor times the plateau factor, on the full history.
    let chained = try ChainedSchedule(baseLearningRate: 1, [warm, plateau])
    #expect(try rates(chained, [2, 2, 2]) == [0.25, 0.625, 0.5, 0.25])
}

@Test func sequentialBoundariesMomentumAndValidation() throws {
    let head = try ConstantSchedule(baseLearningRate: 0.5, unit: .batch)
    let tail = try OneCycleSchedule(maxLearningRate: 1, totalSteps: 10, cycleMomentum: MomentumCycle(base: 0.85, max: 0.95))
    let s = try SequentialSchedule([head, tail], milestones: [4])
    #expect(try s.learningRate(at: 3, metrics: []) == 0.5)
    #expect(relativeDifference(try s.learningRate(at: 4, metrics: []), 1.0 / 25) < 1e-13)   // the child's own step 0
    #expect(try s.momentum(at: 3, metrics: []) == nil)
    #expect(try s.momentum(at: 4, metrics: []) == 0.95)
    #expect(throws: ScheduleError.self) { try s.learningRate(at: 14, metrics: []) }           // one-cycle past its end
    #expect(throws: ScheduleError.self) { try SequentialSchedule([head, head], milestones: [0]) }
    #expect(throws: ScheduleError.self) { try SequentialSchedule([head, head, head], milestones: [5, 5]) }
    #expect(throws: ScheduleError.self) { try SequentialSchedule([head, head], milestones: []) }
    let epochs = try ConstantSchedule(baseLearningRate: 0.5, unit: .epoch)
    #expect(throws: ScheduleError.self) { try SequentialSchedule([head, epochs], milestones: [2]) }
    #expect(throws: ScheduleError.self) { try SequentialSchedule([head, PlateauSchedule(baseLearningRate: 1)], milestones: [2]) }
}
