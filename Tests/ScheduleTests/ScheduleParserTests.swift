import Testing
import Descent

// The CLI text form: examples from the issue, a round trip through `description` for every
// kind, and errors that name the bad field.

private func parse(_ text: String, lr: Double = 0.1) throws -> any LearningRateSchedule {
    try parseSchedule(text, baseLearningRate: lr)
}

@Test func issueExamplesParseToTheIntendedSchedules() throws {
    #expect(try parse("cosine:T=100,min=1e-4") as? CosineAnnealingSchedule
            == CosineAnnealingSchedule(baseLearningRate: 0.1, period: 100, minimumLearningRate: 1e-4, unit: .epoch))
    #expect(try parse("onecycle:max=0.1,steps=1000") as? OneCycleSchedule
            == OneCycleSchedule(maxLearningRate: 0.1, totalSteps: 1000))
    #expect(try parse("step:size=30,gamma=0.1") as? StepDecaySchedule
            == StepDecaySchedule(baseLearningRate: 0.1, stepSize: 30, gamma: 0.1, unit: .epoch))
    #expect(try parse("plateau:patience=5,factor=0.5") as? PlateauSchedule
            == PlateauSchedule(baseLearningRate: 0.1, factor: 0.5, patience: 5))
    #expect(try parse("constant", lr: 0.3) as? ConstantSchedule == ConstantSchedule(baseLearningRate: 0.3, unit: .epoch))
    #expect(try parse("cyclic:max=1,up=10,momentum=0.8/0.9", lr: 0.01) as? CyclicSchedule
            == CyclicSchedule(baseLearningRate: 0.01, maxLearningRate: 1, stepSizeUp: 10,
                              cycleMomentum: MomentumCycle(base: 0.8, max: 0.9)))
    #expect(try parse("mml:ratio=0.9,freq=10,error=0.05") as? MicrosoftMLReductionSchedule
            == MicrosoftMLReductionSchedule(baseLearningRate: 0.1, ratio: 0.9, frequency: 10, errorRatio: 0.05))
    #expect(try parse("adaptive:tol=none") as? AdaptiveSchedule == AdaptiveSchedule(baseLearningRate: 0.1, tolerance: nil))
    #expect(try parse("optimal:alpha=1e-3,loss=hinge") as? OptimalSchedule == OptimalSchedule(alpha: 1e-3, loss: .hinge))
}

@Test func everyDescriptionParsesBackToTheSameSchedule() throws {
    let lr = 0.05
    let all: [any LearningRateSchedule] = [
        try ConstantSchedule(baseLearningRate: lr, unit: .batch),
        try ConstantSchedule(baseLearningRate: lr, factor: 0.25, iterations: 7, unit: .epoch),
        try LinearSchedule(baseLearningRate: lr, startFactor: 0.1, endFactor: 0.9, iterations: 12, unit: .batch),
        try StepDecaySchedule(baseLearningRate: lr, stepSize: 3, gamma: 0.7, unit: .sample),
        try MultiStepDecaySchedule(baseLearningRate: lr, milestones: [2, 9, 9], gamma: 0.3, unit: .epoch),
        try ExponentialSchedule(baseLearningRate: lr, gamma: 0.97, unit: .batch),
        try MultiplicativeSchedule(baseLearningRate: lr, factor: 0.93, unit: .sample),
        try PolynomialSchedule(baseLearningRate: lr, iterations: 40, power: 1.5, unit: .epoch),
        try CosineAnnealingSchedule(baseLearningRate: lr, period: 33, minimumLearningRate: 1e-5, unit: .batch),
        try CosineWarmRestartsSchedule(baseLearningRate: lr, firstPeriod: 6, periodMultiplier: 3, minimumLearningRate: 1e-4, unit: .epoch),
        try CyclicSchedule(baseLearningRate: 0.001, maxLearningRate: 0.2, stepSizeUp: 5, stepSizeDown: 9, mode: .expRange, gamma: 0.995,
                           cycleMomentum: MomentumCycle(base: 0.8, max: 0.9)),
        try CyclicSchedule(baseLearningRate: 0.001, maxLearningRate: 0.2, stepSizeUp: 4, mode: .triangular2, scaleMode: .iterations),
        try CyclicSchedule(baseLearningRate: 0.001, maxLearningRate: 0.2, stepSizeUp: 4, mode: .expRange, gamma: 0.9, scaleMode: .cycle),
        try OneCycleSchedule(maxLearningRate: 0.3, totalSteps: 77, pctStart: 0.4, annealing: .linear, divFactor: 10,
                             finalDivFactor: 300, threePhase: true, cycleMomentum: MomentumCycle(base: 0.85, max: 0.95), unit: .epoch),
        try PlateauSchedule(baseLearningRate: lr, mode: .max, factor: 0.3, patience: 4, threshold: 0.01, thresholdMode: .abs,
                            cooldown: 2, minimumLearningRate: 1e-4, eps: 1e-9),
        try InverseScalingSchedule(baseLearningRate: 0.02, power: 0.3),
        try OptimalSchedule(alpha: 3e-4, loss: .log),
        try OptimalSchedule(alpha: 3e-4, loss: .derivative(2.5)),
        try AdaptiveSchedule(baseLearningRate: 0.02, patience: 3, tolerance: 1e-4),
        try MicrosoftMLReductionSchedule(baseLearningRate: lr, ratio: 0.8, frequency: 7, errorRatio: 0.02),
    ]
    let metrics: [Double] = [5, 4, 4.5, 4.4, 4.4, 3, 3.1, 3.2, 3.3, 3.3]
    for s in all {
        let text = String(describing: s)
        let back = try parse(text, lr: lr)
        #expect(String(describing: back) == text)
        #expect(back.unit == s.unit && back.usesMetrics == s.usesMetrics, "\(text)")
        for step in 0..<10 {
            let m = Array(metrics.prefix(step))
            #expect(try back.learningRate(at: step, metrics: m) == s.learningRate(at: step, metrics: m), "\(text) at \(step)")
            #expect(try back.momentum(at: step, metrics: m) == s.momentum(at: step, metrics: m), "\(text) at \(step)")
        }
    }
}

@Test func compositionTextForms() throws {
    let seq = try #require(try parse("linear:start=0.1,iters=5 then@5 cosine:T=95") as? SequentialSchedule)
    #expect(seq.milestones == [5])
    #expect(try seq.learningRate(at: 0, metrics: []) == 0.1 * 0.1)
    #expect(try seq.learningRate(at: 5, metrics: []) == 0.1)
    #expect(String(describing: try parse(String(describing: seq))) == String(describing: seq))
    let chained = try #require(try parse("constant:factor=0.5,iters=2 * exp:gamma=0.5", lr: 1) as? ChainedSchedule)
    #expect(try (0..<4).map { try chained.learningRate(at: $0, metrics: []) } == [0.5, 0.25, 0.25, 0.125])
    let both = try parse("linear:start=0.5,iters=2 then@3 plateau:patience=0,factor=0.5 * exp:gamma=0.5", lr: 1)
    #expect(both.usesMetrics)
    #expect(try both.learningRate(at: 4, metrics: [9, 9, 9, 1]) == 0.5)          // plateau 1 × 0.5^1
}

@Test func errorsNameTheBadField() throws {
    func field(_ text: String) -> String? {
        do { _ = try parse(text); return nil } catch let e as ScheduleError { return e.field } catch { return "?" }
    }
    #expect(field("cosine:T=abc") == "cosine.T")
    #expect(field("cosine:min=1e-4") == "cosine.T")                  // required
    #expect(field("cosine:T=100,foo=1") == "cosine.foo")             // unknown
    #expect(field("cosine:T=100,T=3") == "cosine.T")                 // repeated
    #expect(field("cosine:T=0") == "cosine.T")                       // out of range
    #expect(field("step:size=10,gamma=-1") == "step.gamma")
    #expect(field("onecycle:steps=10,phases=4") == "onecycle.phases")
    #expect(field("onecycle:steps=10,anneal=cubic") == "onecycle.anneal")
    #expect(field("plateau:factor=1.5") == "plateau.factor")
    #expect(field("plateau:mode=up") == "plateau.mode")
    #expect(field("cyclic:max=0.1,momentum=0.9/0.8") == "cyclic.momentum")
    #expect(field("cyclic:up=10") == "cyclic.max")
    #expect(field("cyclic:max=0.1,scale-mode=epoch") == "cyclic.scale-mode")
    #expect(field("multistep:at=10/x") == "multistep.at")
    #expect(field("mml:ratio=0") == "mml.ratio")
    #expect(field("linear:unit=week") == "linear.unit")
    #expect(field("warp:speed=9") == "schedule")
    #expect(field("") == "schedule")
    #expect(field("constant then@x cosine:T=3") == "then")
    #expect(field("constant then@0 cosine:T=3") == "milestones")
    do { _ = try parse("cosine:T=100,foo=1"); Issue.record("no error") } catch let e as ScheduleError {
        #expect(e.description.contains("cosine.foo") && e.description.contains("T"))
    }
}
