import Descent

/// The optimizers compared, each with the settings the doc states. The learning-rate-free
/// methods run with the multiplier 1 and their published defaults.
enum Method: CaseIterable {
    case sgdMomentum          // needs a learning rate (tuned over `Experiment.learningRateGrid`)
    case sgdMomentumCosine    // the same with cosine annealing to 0 over the run
    case lfm
    case dogAveraged
    case ldogAveraged
    case dadapt
    case dadaptMomentum
    case scheduleFree         // needs a learning rate too
    case adaDelta

    var label: String {
        switch self {
        case .sgdMomentum: "SGD + momentum 0.9"
        case .sgdMomentumCosine: "SGD + momentum 0.9, cosine decay"
        case .lfm: "LFM (β 0.9, defaults)"
        case .dogAveraged: "DoG + poly-averaging γ=8 (x̄)"
        case .ldogAveraged: "L-DoG + poly-averaging γ=8 (x̄)"
        case .dadapt: "D-Adapt SGD (defaults, μ 0)"
        case .dadaptMomentum: "D-Adapt SGD (μ 0.9)"
        case .scheduleFree: "Schedule-Free SGD (β 0.9, x)"
        case .adaDelta: "AdaDelta (ρ 0.95, ε 1e-6, lr 1)"
        }
    }

    /// One run. `learningRate` is the rate for SGD and Schedule-Free, ignored (1) for the others.
    /// `totalSteps` sizes Schedule-Free's warm-up (5 % of the run, the README's advice to warm up).
    func run<Scalar>(_ problem: Problem<Scalar>, seed: UInt64, learningRate: Double = 1,
                     batchSize: Int, totalSteps: Int) throws -> RunOutcome {
        let n = problem.model.parameterCount
        let groups = problem.model.parameterGroups
        func go<O: Optimizer>(_ o: O, _ lr: Double = 1, schedule: (any LearningRateSchedule)? = nil) throws -> RunOutcome
            where O.Scalar == Scalar {
            try train(problem, optimizer: o, learningRate: lr, schedule: schedule, seed: seed, batchSize: batchSize)
        }
        switch self {
        case .sgdMomentum:
            return try go(SGD<Scalar>(parameterCount: n, learningRate: learningRate, momentum: 0.9), learningRate)
        case .sgdMomentumCosine:
            // γ_t = lr·½(1 + cos(π·t/T)) per update, T = the run's update count (decays to 0 at the end).
            let cosine = try CosineAnnealingSchedule(baseLearningRate: learningRate, period: totalSteps, unit: .batch)
            return try go(SGD<Scalar>(parameterCount: n, learningRate: learningRate, momentum: 0.9), learningRate,
                          schedule: cosine)
        case .lfm:
            return try go(LFM<Scalar>(parameterCount: n))
        case .dogAveraged:
            // One step size for the whole model (dog.py with model.parameters() as one group).
            return try go(PolynomialAveraging(DoG<Scalar>(parameterCount: n, groups: ParameterGroup.all(n)), gamma: 8))
        case .ldogAveraged:
            // One step size per tensor (each layer's weights, each layer's biases), as dog.py's LDoG.
            return try go(PolynomialAveraging(LDoG<Scalar>(parameterCount: n, groups: groups), gamma: 8))
        case .dadapt:
            return try go(DAdaptSGD<Scalar>(parameterCount: n))
        case .dadaptMomentum:
            return try go(DAdaptSGD<Scalar>(parameterCount: n, momentum: 0.9))
        case .scheduleFree:
            let warmup = max(1, totalSteps / 20)
            return try go(ScheduleFreeSGD<Scalar>(parameterCount: n, momentum: 0.9, warmupSteps: warmup), learningRate)
        case .adaDelta:
            return try go(AdaDelta<Scalar>(parameterCount: n, decay: 0.95, epsilon: 1e-6, learningRate: 1))
        }
    }
}
