import Testing
import Descent

// Step 0 (the first update), a midpoint, the end and past the end of each schedule, against
// values worked out by hand from the closed forms in the doc comments.

private func lr(_ s: any LearningRateSchedule, _ step: Int, _ metrics: [Double] = []) throws -> Double {
    try s.learningRate(at: step, metrics: metrics)
}

private func close(_ a: Double, _ b: Double) -> Bool { relativeDifference(a, b) <= 1e-13 }

@Test func cosineAnnealingStartMidEndAndPastTheEnd() throws {
    let s = try CosineAnnealingSchedule(baseLearningRate: 0.1, period: 100, minimumLearningRate: 0.02, unit: .epoch)
    #expect(close(try lr(s, 0), 0.1))
    #expect(close(try lr(s, 50), 0.06))     // halfway: (0.1 + 0.02)/2
    #expect(close(try lr(s, 100), 0.02))    // end: η_min
    #expect(close(try lr(s, 150), 0.06))    // past the end the cosine climbs back (PyTorch behaviour)
    #expect(close(try lr(s, 200), 0.1))
}

@Test func warmRestartsRestartAtGrowingPeriods() throws {
    let s = try CosineWarmRestartsSchedule(baseLearningRate: 1, firstPeriod: 10, periodMultiplier: 2, minimumLearningRate: 0, unit: .epoch)
    #expect(try lr(s, 0) == 1)
    #expect(close(try lr(s, 5), 0.5))       // middle of the first cycle (10 steps)
    #expect(try lr(s, 10) == 1)             // restart; the second cycle lasts 20
    #expect(close(try lr(s, 20), 0.5))
    #expect(try lr(s, 30) == 1)             // restart; the third cycle lasts 40
    #expect(close(try lr(s, 50), 0.5))
    #expect(try lr(s, 29) > 0)              // η_min is never reached exactly
}

@Test func polynomialAndLinearHoldTheirEndValue() throws {
    let p = try PolynomialSchedule(baseLearningRate: 1, iterations: 10, power: 2, unit: .epoch)
    #expect(try lr(p, 0) == 1)
    #expect(close(try lr(p, 5), 0.25))
    #expect(try lr(p, 10) == 0)
    #expect(try lr(p, 25) == 0)
    let l = try LinearSchedule(baseLearningRate: 0.2, startFactor: 0.1, endFactor: 1, iterations: 10, unit: .batch)
    #expect(close(try lr(l, 0), 0.02))
    #expect(close(try lr(l, 5), 0.11))
    #expect(close(try lr(l, 10), 0.2))
    #expect(close(try lr(l, 1000), 0.2))
}

@Test func stepMultiStepExponentialAndConstantBoundaries() throws {
    let s = try StepDecaySchedule(baseLearningRate: 1, stepSize: 10, gamma: 0.5, unit: .epoch)
    #expect(try lr(s, 0) == 1)
    #expect(try lr(s, 9) == 1)
    #expect(try lr(s, 10) == 0.5)
    #expect(try lr(s, 35) == 0.125)
    let m = try MultiStepDecaySchedule(baseLearningRate: 1, milestones: [3, 5, 5], gamma: 0.1, unit: .epoch)
    #expect(try lr(m, 2) == 1)
    #expect(close(try lr(m, 3), 0.1))
    #expect(close(try lr(m, 5), 0.001))    // a repeated milestone counts twice
    #expect(close(try lr(m, 99), 0.001))
    let e = try ExponentialSchedule(baseLearningRate: 2, gamma: 0.5, unit: .epoch)
    #expect(try lr(e, 0) == 2)
    #expect(try lr(e, 3) == 0.25)
    let c = try ConstantSchedule(baseLearningRate: 0.3, factor: 0.5, iterations: 4, unit: .epoch)
    #expect(try lr(c, 0) == 0.15)
    #expect(try lr(c, 3) == 0.15)
    #expect(try lr(c, 4) == 0.3)
    #expect(try lr(c, 400) == 0.3)
}

@Test func cyclicPeaksAndTroughs() throws {
    let t = try CyclicSchedule(baseLearningRate: 0.1, maxLearningRate: 1.1, stepSizeUp: 10)
    #expect(t.unit == .batch)
    #expect(close(try lr(t, 0), 0.1))
    #expect(close(try lr(t, 5), 0.6))
    #expect(close(try lr(t, 10), 1.1))
    #expect(close(try lr(t, 20), 0.1))
    #expect(close(try lr(t, 30), 1.1))     // triangular: every peak is the same
    let t2 = try CyclicSchedule(baseLearningRate: 0.1, maxLearningRate: 1.1, stepSizeUp: 10, mode: .triangular2)
    #expect(close(try lr(t2, 30), 0.6))    // second cycle: half the amplitude
    #expect(close(try lr(t2, 50), 0.35))   // third: a quarter
}

@Test func oneCycleEndpointsAndStepPastTheEndThrows() throws {
    let s = try OneCycleSchedule(maxLearningRate: 1, totalSteps: 100, cycleMomentum: MomentumCycle(base: 0.85, max: 0.95))
    #expect(close(try lr(s, 0), 1.0 / 25))                  // η_max/div
    #expect(close(try lr(s, 29), 1))                         // end of phase 1 at pct·T − 1 = 29
    #expect(close(try lr(s, 99), 1.0 / 25 / 1e4))           // the last update reaches η_final
    #expect(close(try #require(try s.momentum(at: 0, metrics: [])), 0.95))
    #expect(close(try #require(try s.momentum(at: 29, metrics: [])), 0.85))
    #expect(close(try #require(try s.momentum(at: 99, metrics: [])), 0.95))
    #expect(throws: ScheduleError.self) { try s.learningRate(at: 100, metrics: []) }
    #expect(throws: ScheduleError.self) { try s.momentum(at: 100, metrics: []) }
    let three = try OneCycleSchedule(maxLearningRate: 1, totalSteps: 100, threePhase: true)
    #expect(close(try lr(three, 58), 1.0 / 25))              // back to η_init at 2·pct·T − 2
}

@Test func negativeStepsThrowEverywhere() throws {
    let all: [any LearningRateSchedule] = [
        try ConstantSchedule(baseLearningRate: 1, unit: .epoch),
        try LinearSchedule(baseLearningRate: 1, unit: .epoch),
        try StepDecaySchedule(baseLearningRate: 1, stepSize: 2, unit: .epoch),
        try MultiStepDecaySchedule(baseLearningRate: 1, milestones: [2], unit: .epoch),
        try ExponentialSchedule(baseLearningRate: 1, gamma: 0.9, unit: .epoch),
        try PolynomialSchedule(baseLearningRate: 1, unit: .epoch),
        try CosineAnnealingSchedule(baseLearningRate: 1, period: 5, unit: .epoch),
        try CosineWarmRestartsSchedule(baseLearningRate: 1, firstPeriod: 5, unit: .epoch),
        try CyclicSchedule(baseLearningRate: 0.1, maxLearningRate: 1),
        try OneCycleSchedule(maxLearningRate: 1, totalSteps: 10),
        try PlateauSchedule(baseLearningRate: 1),
        try InverseScalingSchedule(),
        try OptimalSchedule(),
        try AdaptiveSchedule(),
        try MicrosoftMLReductionSchedule(baseLearningRate: 1),
    ]
    for s in all {
        #expect(throws: ScheduleError(field: "step", "must be >= 0 (step 0 is the first update), got -1"), "\(s)") {
            try s.learningRate(at: -1, metrics: [])
        }
    }
}

@Test func momentumCyclingIsOffUnlessRequested() throws {
    // PyTorch cycles momentum by default (turning it on for momentum-free SGD); Descent does not.
    let cyclic = try CyclicSchedule(baseLearningRate: 0.1, maxLearningRate: 1, stepSizeUp: 4)
    let oneCycle = try OneCycleSchedule(maxLearningRate: 1, totalSteps: 10)
    for step in 0..<10 {
        #expect(try cyclic.momentum(at: step, metrics: []) == nil)
        #expect(try oneCycle.momentum(at: step, metrics: []) == nil)
    }
    let opted = try CyclicSchedule(baseLearningRate: 0.1, maxLearningRate: 1, stepSizeUp: 4,
                                   cycleMomentum: MomentumCycle(base: 0.8, max: 0.9))
    #expect(close(try #require(try opted.momentum(at: 0, metrics: [])), 0.9))
    #expect(close(try #require(try opted.momentum(at: 4, metrics: [])), 0.8))
    #expect(close(try #require(try opted.momentum(at: 2, metrics: [])), 0.85))
    #expect(throws: ScheduleError.self) { try MomentumCycle(base: 0.95, max: 0.85) }
    #expect(throws: ScheduleError.self) { try MomentumCycle(base: 0.5, max: 1) }
}

@Test func scikitLearnOptimalUsesBottousOffset() throws {
    // α = 1e-4: w = √(1/√α) = 10; squared error gives η_init = w = 10, t₀ = 1/(α·10) = 1000.
    let s = try OptimalSchedule(alpha: 1e-4)
    #expect(close(s.initialLearningRate, 10))
    #expect(close(s.offset, 1000))
    #expect(close(try lr(s, 0), 10))
    #expect(close(try lr(s, 1000), 5))       // 1/(1e-4 · (1000 + 1001 − 1))
    // A loss whose derivative at the Bottou point exceeds 1 shrinks η_init.
    let custom = try OptimalSchedule(alpha: 1e-4, loss: .derivative(4))
    #expect(close(custom.initialLearningRate, 2.5))
    #expect(throws: ScheduleError(field: "alpha", "must be a finite number > 0, got 0.0")) { try OptimalSchedule(alpha: 0) }
    let inv = try InverseScalingSchedule(baseLearningRate: 0.5, power: 0.5)
    #expect(close(try lr(inv, 0), 0.5))      // t = 1
    #expect(close(try lr(inv, 3), 0.25))     // t = 4: 0.5/√4
}
