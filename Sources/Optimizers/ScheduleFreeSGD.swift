import LinearAlgebra

/// Schedule-Free SGD: SGD on z, gradients taken at y, and x a weighted running average of z that
/// is the point to evaluate and to save. The parameter buffer holds y while training.
///
/// Per group, with c_lr = `learningRate` × `learningRateScale` and step k counted from 0:
///
///     γ_k = c_lr · min(1, (k+1)/warmupSteps)                   (linear warm-up)
///     γ_max = max(γ_max, γ_k);  w_k = (k+1)^r · γ_max^weightLRPower;  W += w_k;  c = w_k/W  (0 if W = 0)
///     g ← ∇f(y) + wd·y
///     y ← (1−c)·y + c·z + γ_k·(β(1−c) − 1)·g                   (uses the old z)
///     z ← z − γ_k·g
///
/// which is y = β·x + (1−β)·z with x ← (1−c)·x + c·z. The first step (c = 1) is a plain SGD
/// step. x = (y − (1−β)·z)/β is what `evaluationPoint` returns in training mode. `eval(parameters:)`
/// / `train(parameters:)` switch the buffer itself between y and x, like the reference's
/// `optimizer.eval()`/`train()`; `step` requires training mode. Defaults as the reference:
/// β = 0.9 (in (0,1)), wd = 0, warmupSteps = 0, r = 0, weightLRPower = 2; c_lr's default of 1
/// is a placeholder (the README suggests 10–50× a classical SGD rate). The weight decay follows
/// the reference's math (taken at y); its in-place change of `p.grad` is not part of the contract
/// (`gradient` is scratch, undefined after `step`). z is allocated at construction and filled
/// from y on the first step. One group's arithmetic is `ScheduleFreeUpdate`.
///
/// Source: Defazio et al., "The Road Less Scheduled", NeurIPS 2024 (arXiv 2405.15682); reference
/// `schedulefree` 1.4.1, `schedulefree/sgd_schedulefree.py`.
public struct ScheduleFreeSGD<Scalar: BLASScalar>: Optimizer {
    public var name: String { "schedule-free-sgd" }
    public let parameterCount: Int
    public let groups: [ParameterGroup]
    public let weightDecay: Double
    public let warmupSteps: Int
    public let averagingPower: Double
    public let weightLRPower: Double
    public internal(set) var beta: Double

    /// Steps taken.
    public internal(set) var stepCount = 0
    /// Σ w_k and max γ_k, per group.
    public internal(set) var weightSums: [Double]
    public internal(set) var maxRates: [Double]
    /// True while the buffer holds y (the default); false after `eval(parameters:)`.
    public internal(set) var isTraining = true

    var z: [Scalar]
    var started = false

    /// - Parameters:
    ///   - averagingPower: r, the polynomial weighting (k+1)^r of the average.
    ///   - weightLRPower: the power of γ_max in the averaging weights (0 = unweighted).
    public init(parameterCount: Int, groups: [ParameterGroup]? = nil, momentum: Double = 0.9, weightDecay: Double = 0,
                warmupSteps: Int = 0, averagingPower: Double = 0, weightLRPower: Double = 2) throws {
        let groups = groups ?? ParameterGroup.all(parameterCount)
        ParameterGroup.validate(groups, count: parameterCount)
        let check = Self.hyperParameters
        try check(momentum, "momentum", .open(0, 1))
        try check.weightDecays(weightDecay, "weightDecay", groups: groups)
        try check(warmupSteps, "warmupSteps", .nonNegative)
        try check(averagingPower, "averagingPower (r)", .finite)
        try check(weightLRPower, "weightLRPower", .finite)
        self.parameterCount = parameterCount
        self.groups = groups
        self.beta = momentum
        self.weightDecay = weightDecay
        self.warmupSteps = warmupSteps
        self.averagingPower = averagingPower
        self.weightLRPower = weightLRPower
        weightSums = Array(repeating: 0, count: groups.count)
        maxRates = Array(repeating: -1, count: groups.count)
        z = Array(repeating: 0, count: parameterCount)
    }

    static var hyperParameters: HyperParameterCheck { HyperParameterCheck("schedule-free-sgd") }

    public var momentum: Double? { beta }

    /// Changes β; only in training mode, since x is recovered from y with the β that made it.
    public mutating func setMomentum(_ value: Double) throws {
        try Self.hyperParameters(value, "momentum", .open(0, 1))
        guard isTraining else { throw OptimizerError("schedule-free-sgd: cannot change momentum in eval mode; call train(parameters:) first") }
        beta = value
    }

    public mutating func step(parameters: UnsafeMutableBufferPointer<Scalar>, gradient: UnsafeMutableBufferPointer<Scalar>,
                              learningRate: Double) {
        precondition(parameters.count == parameterCount && gradient.count == parameterCount,
                     "schedule-free-sgd: parameters have \(parameters.count) elements and gradient \(gradient.count), optimizer built for \(parameterCount)")
        precondition(isTraining, "schedule-free-sgd: step called in eval mode; call train(parameters:) first")
        let rule = ScheduleFreeUpdate<Scalar>(step: stepCount, warmupSteps: warmupSteps, beta: beta,
                                              averagingPower: averagingPower, weightLRPower: weightLRPower)
        z.withUnsafeMutableBufferPointer { zAll in
            if !started { BLAS.copy(parameters, zAll) }
            groups.forEachStep(weightDecay: weightDecay) { group in
                let j = group.index
                let rate = rule.rate(learningRate * group.learningRateScale)
                let c = rule.averagingWeight(rate: rate, maxRate: &maxRates[j], weightSum: &weightSums[j])
                rule.apply(y: group.slice(parameters), gradient: group.slice(gradient), z: group.slice(zAll),
                           rate: rate, averagingWeight: c, weightDecay: CoupledL2(group.weightDecay))
            }
        }
        started = true
        stepCount += 1
    }

    /// x = (y − (1−β)·z)/β in training mode; the buffer itself (already x) in eval mode or before the first step.
    public func evaluationPoint(parameters: UnsafeBufferPointer<Scalar>, into destination: UnsafeMutableBufferPointer<Scalar>) {
        BLAS.copy(parameters, destination)
        guard isTraining, started else { return }
        z.withUnsafeBufferPointer { ScheduleFreeUpdate.average(fromTrainingPoint: destination, z: $0, beta: beta) }
    }

    /// Switches the buffer from y to x (before evaluating or saving a model), like `optimizer.eval()`.
    public mutating func eval(parameters: UnsafeMutableBufferPointer<Scalar>) {
        precondition(parameters.count == parameterCount, "schedule-free-sgd: parameters have \(parameters.count) elements, optimizer built for \(parameterCount)")
        guard isTraining else { return }
        if started {
            z.withUnsafeBufferPointer { ScheduleFreeUpdate.average(fromTrainingPoint: parameters, z: $0, beta: beta) }
        }
        isTraining = false
    }

    /// Switches the buffer from x back to y = β·x + (1−β)·z, like `optimizer.train()`.
    public mutating func train(parameters: UnsafeMutableBufferPointer<Scalar>) {
        precondition(parameters.count == parameterCount, "schedule-free-sgd: parameters have \(parameters.count) elements, optimizer built for \(parameterCount)")
        guard !isTraining else { return }
        if started {
            z.withUnsafeBufferPointer { ScheduleFreeUpdate.trainingPoint(fromAverage: parameters, z: $0, beta: beta) }
        }
        isTraining = true
    }
}
