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
    /// The parameter groups tiling the buffer, with their learning-rate scale and weight-decay override.
    public let groups: [ParameterGroup]
    /// The default L2 weight decay wd, taken at y (a group's `weightDecay` replaces it).
    public let weightDecay: Double
    /// The length of the linear warm-up of γ, in steps (0: none).
    public let warmupSteps: Int
    /// r, the polynomial weighting (k+1)^r of the average.
    public let averagingPower: Double
    /// The power of γ_max in the averaging weights.
    public let weightLRPower: Double
    /// β, the interpolation between x and z where gradients are taken (changed by `setMomentum`).
    public internal(set) var beta: Double

    /// Steps taken.
    public internal(set) var stepCount = 0
    /// Σ w_k and max γ_k, per group.
    public internal(set) var weightSums: [Double]
    /// max γ_k of each group.
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

// MARK: - Update rule

/// One Schedule-Free SGD step of one parameter group, and the maps between y and x (see
/// `ScheduleFreeSGD`), with k the step (from 0), c_lr the group's multiplier (learning rate × its
/// scale) and λ its weight decay:
///
/// ```
/// γ = c_lr·min(1, (k+1)/warmupSteps)                                      rate(_:)
/// γ_max ← max(γ_max, γ);  w = (k+1)^r·γ_max^weightLRPower;  W ← W + w;  c = w/W (0 if W = 0)
///                                                                         averagingWeight(…)
/// g ← g + λy
/// y ← (1−c)·y;  y ← y + c·z;  y ← y + γ·(β(1−c) − 1)·g;  z ← z − γ·g          apply(…)
/// ```
/// γ_max and W are the group's state (`Double`).
struct ScheduleFreeUpdate<Scalar: BLASScalar> {
    /// k, counted from 0.
    let step: Int
    let warmupSteps: Int
    /// β
    let beta: Double
    /// r
    let averagingPower: Double
    let weightLRPower: Double

    /// γ for the group multiplier c_lr (linear warm-up over `warmupSteps`).
    func rate(_ multiplier: Double) -> Double {
        let warm = step < warmupSteps ? Double(step + 1) / Double(warmupSteps) : 1
        return multiplier * warm
    }

    /// c, the weight of z in this step's average, updating γ_max and W.
    func averagingWeight(rate: Double, maxRate: inout Double, weightSum: inout Double) -> Double {
        maxRate = Swift.max(maxRate, rate)
        let w = Self.power(Double(step + 1), averagingPower) * Self.power(maxRate, weightLRPower)
        weightSum += w
        return weightSum == 0 ? 0 : w / weightSum
    }

    /// The in-place update of y and z for one group, the weight decay taken at y.
    func apply(y: UnsafeMutableBufferPointer<Scalar>, gradient g: UnsafeMutableBufferPointer<Scalar>,
               z: UnsafeMutableBufferPointer<Scalar>, rate: Double, averagingWeight c: Double, weightDecay: CoupledL2<Scalar>) {
        weightDecay.apply(to: g, at: y)
        BLAS.scal(Scalar(1 - c), y)
        BLAS.axpy(Scalar(c), z, y)
        BLAS.axpy(Scalar(rate * (beta * (1 - c) - 1)), g, y)
        BLAS.axpy(Scalar(-rate), g, z)
    }

    /// a^b with 0^0 = 1 (Python's `**`).
    static func power(_ a: Double, _ b: Double) -> Double { b == 0 ? 1 : Double.pow(a, b) }

    /// x = (y − (1−β)·z)/β, in place over the whole buffer: y ← y/β;  y ← y − ((1−β)/β)·z.
    static func average(fromTrainingPoint buffer: UnsafeMutableBufferPointer<Scalar>, z: UnsafeBufferPointer<Scalar>, beta: Double) {
        BLAS.scal(Scalar(1 / beta), buffer)
        BLAS.axpy(Scalar(-(1 - beta) / beta), z, buffer)
    }

    /// y = β·x + (1−β)·z, in place over the whole buffer: x ← β·x;  x ← x + (1−β)·z.
    static func trainingPoint(fromAverage buffer: UnsafeMutableBufferPointer<Scalar>, z: UnsafeBufferPointer<Scalar>, beta: Double) {
        BLAS.scal(Scalar(beta), buffer)
        BLAS.axpy(Scalar(1 - beta), z, buffer)
    }
}

// MARK: - Saved state

/// `ScheduleFreeSGD`'s state, format version 1.
public struct ScheduleFreeSGDState: OptimizerStatePayload {
    public static let version = 1
    /// Steps taken.
    public var stepCount: Int
    /// The current β (changed by `setMomentum`), in (0, 1): x is recovered from y by dividing by it.
    public var momentum: Double
    /// Whether z has been filled from y (the first step).
    public var started: Bool
    /// Whether the buffer holds y (training mode) rather than x (after `eval(parameters:)`).
    public var isTraining: Bool
    /// z, one element per parameter.
    public var z: [Double]
    /// Σ w_k and max γ_k, one element per parameter group.
    public var weightSums: [Double]
    /// max γ_k, one element per parameter group.
    public var maxRates: [Double]

    /// A state with these values.
    public init(stepCount: Int, momentum: Double, started: Bool, isTraining: Bool, z: [Double], weightSums: [Double],
                maxRates: [Double]) {
        self.stepCount = stepCount; self.momentum = momentum; self.started = started; self.isTraining = isTraining
        self.z = z; self.weightSums = weightSums; self.maxRates = maxRates
    }
}

extension ScheduleFreeSGD: OptimizerWithTypedState {
    /// The typed state this optimizer saves and restores (`ScheduleFreeSGDState`).
    public typealias State = ScheduleFreeSGDState

    public var state: ScheduleFreeSGDState {
        ScheduleFreeSGDState(stepCount: stepCount, momentum: beta, started: started, isTraining: isTraining,
                             z: z.map { Double($0) }, weightSums: weightSums, maxRates: maxRates)
    }

    public func validate(_ s: ScheduleFreeSGDState, _ check: StateCheck) throws {
        try check.counter(s.stepCount, "stepCount")
        try check.require(s.momentum, "momentum", .open(0, 1))
        try check.perParameter(s.z, "z")
        try check.length(s.weightSums, "weightSums", groups.count, per: "parameter group")
        try check.length(s.maxRates, "maxRates", groups.count, per: "parameter group")
    }

    public mutating func restore(_ saved: OptimizerState) throws { install(try validatedState(from: saved)) }

    mutating func install(_ s: ScheduleFreeSGDState) {
        stepCount = s.stepCount; beta = s.momentum; started = s.started; isTraining = s.isTraining
        z = s.z.map { Scalar($0) }; weightSums = s.weightSums; maxRates = s.maxRates
    }
}

// MARK: - Registry spec

/// `schedule-free` (see `ScheduleFreeSGD`).
public struct ScheduleFreeSGDSpec: OptimizerSpec {
    public init() {}
    public var listOrder: Int { 6 }
    public var name: String { "schedule-free" }
    public var aliases: [String] { ["schedule-free-sgd", "schedulefree", "sf-sgd"] }
    public var summary: String { "Schedule-Free SGD (Defazio et al. 2024): no decay schedule needed" }
    public var defaultLearningRate: Double { 1 }
    /// The fields of this optimizer's text form, with their defaults and ranges.
    public var fields: [OptimizerField] {
        [.number("momentum", aliases: ["beta"], default: 0.9, in: .unitOpen, help: "interpolation β"),
         .number("weight_decay", aliases: ["wd"], default: 0, in: .nonNegative, help: "weight decay λ"),
         .count("warmup_steps", default: 0, in: .nonNegative, help: "linear warm-up steps")]
    }

    public func make<Scalar: BLASScalar>(_ s: OptimizerSettings, groups: [ParameterGroup], learningRate: Double,
                                         as _: Scalar.Type) throws -> any Optimizer<Scalar> {
        try ScheduleFreeSGD<Scalar>(parameterCount: groups.last?.range.upperBound ?? 0, groups: groups, momentum: s.number("momentum")!,
                                    weightDecay: s.number("weight_decay")!, warmupSteps: Int(s.number("warmup_steps")!))
    }
}
