import Testing
import Descent

// Golden values: Tests/ScheduleTests/ScheduleFixtures.swift, printed by
// scripts/reference/schedules.py from PyTorch and scikit-learn (see that script for how each
// series is recorded). Index k of a series is step k; step 0 is the first update.

/// Each fixture case and the Descent schedule that must reproduce it (base lr 0.1 as in the script).
private func torchCases() throws -> [(String, any LearningRateSchedule)] {
    let lr = 0.1
    return [
        ("constantFactor_default", try ConstantSchedule(baseLearningRate: lr, factor: 1.0 / 3, iterations: 5, unit: .epoch)),
        ("constantFactor_half40", try ConstantSchedule(baseLearningRate: lr, factor: 0.5, iterations: 40, unit: .epoch)),
        ("linear_warmup50", try LinearSchedule(baseLearningRate: lr, startFactor: 0.1, endFactor: 1, iterations: 50, unit: .batch)),
        ("linear_decay100", try LinearSchedule(baseLearningRate: lr, startFactor: 1, endFactor: 0.2, iterations: 100, unit: .epoch)),
        ("step_30_0.1", try StepDecaySchedule(baseLearningRate: lr, stepSize: 30, gamma: 0.1, unit: .epoch)),
        ("step_7_0.5", try StepDecaySchedule(baseLearningRate: lr, stepSize: 7, gamma: 0.5, unit: .epoch)),
        ("multistep_30_80_80_150", try MultiStepDecaySchedule(baseLearningRate: lr, milestones: [30, 80, 80, 150], gamma: 0.1, unit: .epoch)),
        ("exponential_0.99", try ExponentialSchedule(baseLearningRate: lr, gamma: 0.99, unit: .epoch)),
        ("exponential_0.95", try ExponentialSchedule(baseLearningRate: lr, gamma: 0.95, unit: .epoch)),
        ("polynomial_100_1", try PolynomialSchedule(baseLearningRate: lr, iterations: 100, power: 1, unit: .epoch)),
        ("polynomial_150_2.5", try PolynomialSchedule(baseLearningRate: lr, iterations: 150, power: 2.5, unit: .epoch)),
        ("cosine_100_0", try CosineAnnealingSchedule(baseLearningRate: lr, period: 100, minimumLearningRate: 0, unit: .epoch)),
        ("cosine_75_1e-3", try CosineAnnealingSchedule(baseLearningRate: lr, period: 75, minimumLearningRate: 1e-3, unit: .epoch)),
        ("restarts_10_1_0", try CosineWarmRestartsSchedule(baseLearningRate: lr, firstPeriod: 10, periodMultiplier: 1, unit: .epoch)),
        ("restarts_10_2_1e-4", try CosineWarmRestartsSchedule(baseLearningRate: lr, firstPeriod: 10, periodMultiplier: 2,
                                                              minimumLearningRate: 1e-4, unit: .epoch)),
        ("sequential_linear10_cosine90", try SequentialSchedule([
            try LinearSchedule(baseLearningRate: lr, startFactor: 0.1, iterations: 10, unit: .epoch),
            try CosineAnnealingSchedule(baseLearningRate: lr, period: 90, unit: .epoch)], milestones: [10])),
        ("sequential_const_exp_step", try SequentialSchedule([
            try ConstantSchedule(baseLearningRate: lr, factor: 0.5, iterations: 100, unit: .epoch),
            try ExponentialSchedule(baseLearningRate: lr, gamma: 0.97, unit: .epoch),
            try StepDecaySchedule(baseLearningRate: lr, stepSize: 20, gamma: 0.5, unit: .epoch)], milestones: [5, 50])),
        ("chained_constant_exponential", try ChainedSchedule(baseLearningRate: lr, [
            try ConstantSchedule(baseLearningRate: lr, factor: 0.1, iterations: 20, unit: .epoch),
            try ExponentialSchedule(baseLearningRate: lr, gamma: 0.98, unit: .epoch)])),
    ]
}

private func momentumCases() throws -> [(String, any LearningRateSchedule)] {
    [
        ("cyclic_triangular", try CyclicSchedule(baseLearningRate: 0.001, maxLearningRate: 0.1, stepSizeUp: 20,
                                                 cycleMomentum: MomentumCycle(base: 0.8, max: 0.9))),
        ("cyclic_triangular2", try CyclicSchedule(baseLearningRate: 0.001, maxLearningRate: 0.1, stepSizeUp: 15, stepSizeDown: 25,
                                                  mode: .triangular2, cycleMomentum: MomentumCycle(base: 0.85, max: 0.95))),
        ("cyclic_exp_range", try CyclicSchedule(baseLearningRate: 0.01, maxLearningRate: 0.2, stepSizeUp: 10, mode: .expRange,
                                                gamma: 0.99, cycleMomentum: MomentumCycle(base: 0.8, max: 0.9))),
        ("cyclic_exp_by_cycle", try parseSchedule("cyclic:base=0.02,max=0.3,up=7,down=11,mode=exp_range,gamma=0.8,scale-mode=cycle,momentum=0.8/0.9",
                                                  baseLearningRate: 1)),
        ("cyclic_halving_by_iterations", try CyclicSchedule(baseLearningRate: 0.005, maxLearningRate: 0.05, stepSizeUp: 9, mode: .triangular2,
                                                            scaleMode: .iterations, cycleMomentum: MomentumCycle(base: 0.7, max: 0.95))),
        ("onecycle_cos", try OneCycleSchedule(maxLearningRate: 0.1, totalSteps: 300, cycleMomentum: MomentumCycle(base: 0.85, max: 0.95))),
        ("onecycle_linear", try OneCycleSchedule(maxLearningRate: 0.1, totalSteps: 300, annealing: .linear,
                                                 cycleMomentum: MomentumCycle(base: 0.85, max: 0.95))),
        ("onecycle_three_phase", try OneCycleSchedule(maxLearningRate: 0.1, totalSteps: 300, threePhase: true,
                                                      cycleMomentum: MomentumCycle(base: 0.85, max: 0.95))),
        ("onecycle_custom", try OneCycleSchedule(maxLearningRate: 0.5, totalSteps: 250, pctStart: 0.25, divFactor: 10,
                                                 finalDivFactor: 100, cycleMomentum: MomentumCycle(base: 0.8, max: 0.9))),
    ]
}

private func plateauCases() throws -> [(String, PlateauSchedule, [Double])] {
    let down = series(ScheduleFixtures.plateauMetrics)
    let up = down.map { -$0 }
    return [
        ("plateau_min_rel_p3", try PlateauSchedule(baseLearningRate: 0.1, mode: .min, factor: 0.5, patience: 3), down),
        ("plateau_min_abs_cooldown", try PlateauSchedule(baseLearningRate: 0.1, mode: .min, factor: 0.3, patience: 2, threshold: 0.01,
                                                         thresholdMode: .abs, cooldown: 4, minimumLearningRate: 1e-3), down),
        ("plateau_max_rel_p0", try PlateauSchedule(baseLearningRate: 0.1, mode: .max, factor: 0.7, patience: 0, threshold: 1e-3), up),
        ("plateau_max_abs_eps", try PlateauSchedule(baseLearningRate: 0.1, mode: .max, factor: 0.5, patience: 1, threshold: 0.005,
                                                    thresholdMode: .abs, minimumLearningRate: 0.02, eps: 0.011), up),
    ]
}

private func sklearnCases() throws -> [(String, any LearningRateSchedule)] {
    [
        ("sk_invscaling_0.01_0.25", try InverseScalingSchedule(baseLearningRate: 0.01, power: 0.25)),
        ("sk_invscaling_0.1_0.5", try InverseScalingSchedule(baseLearningRate: 0.1, power: 0.5)),
        ("sk_optimal_squared_1e-4", try OptimalSchedule(alpha: 1e-4, loss: .squaredError)),
        ("sk_optimal_hinge_1e-3", try OptimalSchedule(alpha: 1e-3, loss: .hinge)),
        ("sk_optimal_log_0.01", try OptimalSchedule(alpha: 0.01, loss: .log)),
    ]
}

private let tolerance = 1e-12

@Test func pytorchLearningRatesMatchGoldenValues() throws {
    for (name, schedule) in try torchCases() + momentumCases() {
        let expected = series(try #require(ScheduleFixtures.learningRates[name], "missing fixture \(name)"))
        #expect(!expected.isEmpty, "\(name): empty fixture series")
        let (worst, step) = try worstDifference(expected) { try schedule.learningRate(at: $0, metrics: []) }
        #expect(worst <= tolerance, "\(name): relative difference \(worst) at step \(step)")
    }
}

@Test func cyclicAndOneCycleMomentaMatchGoldenValues() throws {
    for (name, schedule) in try momentumCases() {
        let expected = series(try #require(ScheduleFixtures.momenta[name], "missing fixture \(name)"))
        #expect(!expected.isEmpty, "\(name): empty fixture series")
        let (worst, step) = try worstDifference(expected) { step in let m = try schedule.momentum(at: step, metrics: []); return try #require(m) }
        #expect(worst <= tolerance, "\(name): momentum relative difference \(worst) at step \(step)")
    }
}

@Test func plateauMatchesPyTorchOnAFixedMetricSequence() throws {
    for (name, schedule, metrics) in try plateauCases() {
        let expected = series(try #require(ScheduleFixtures.learningRates[name]))
        #expect(expected.count == metrics.count + 1)
        // Value k is the rate after k recorded epochs.
        let (worst, step) = try worstDifference(expected) { try schedule.learningRate(at: $0, metrics: Array(metrics.prefix($0))) }
        #expect(worst <= tolerance, "\(name): relative difference \(worst) after \(step) metrics")
        // The golden sequence must actually exercise reductions.
        #expect(Set(expected).count >= 3, "\(name) never reduces twice; the fixture does not test much")
    }
}

@Test func scikitLearnRatesMatchTheRatesRecoveredFromItsWeightTrajectory() throws {
    for (name, schedule) in try sklearnCases() {
        #expect(schedule.unit == .sample)
        let expected = series(try #require(ScheduleFixtures.learningRates[name]))
        #expect(!expected.isEmpty, "\(name): empty fixture series")
        let (worst, step) = try worstDifference(expected) { try schedule.learningRate(at: $0, metrics: []) }
        #expect(worst <= tolerance, "\(name): relative difference \(worst) at step \(step)")
    }
}

@Test func scikitLearnAdaptiveMatchesTheEtaSklearnUsedPerEpoch() throws {
    // Epoch k of sklearn's fit ran with sk_adaptive[k]; Descent's rate for epoch k is the fold
    // over the objectives of the k completed epochs.
    let schedule = try AdaptiveSchedule(baseLearningRate: 0.3, patience: 3, tolerance: 1e-3)
    let objectives = series(ScheduleFixtures.adaptiveObjectives)
    let expected = series(try #require(ScheduleFixtures.learningRates["sk_adaptive"]))
    #expect(expected.count == objectives.count)
    #expect(Set(expected).count >= 3)
    let (worst, epoch) = try worstDifference(expected) { try schedule.learningRate(at: $0, metrics: Array(objectives.prefix($0))) }
    #expect(worst <= tolerance, "sk_adaptive: relative difference \(worst) at epoch \(epoch)")
}

@Test func everyFixtureSeriesIsUsed() throws {
    let used = Set((try torchCases() + momentumCases() + sklearnCases()).map(\.0) + (try plateauCases()).map(\.0) + ["sk_adaptive"]
                   + (multiplicativeTextCases + oneCycleEpochTextCases).map(\.0))
    #expect(Set(ScheduleFixtures.learningRates.keys) == used)
    #expect(Set(ScheduleFixtures.momenta.keys) == Set(try momentumCases().map(\.0) + oneCycleEpochTextCases.map(\.0)))
}
