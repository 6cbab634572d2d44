import Foundation
import LinearAlgebra

/// An optimizer that `LazyAdaptive` cannot run lazily (only SGD without an L1 penalty, AdaGrad,
/// RMSProp, Adam and AdamW have a lazy form).
public struct LazyOptimizerError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// The lazy form of SGD, AdaGrad, RMSProp, Adam and AdamW for sparse gradients: an update touches only
/// the coordinates the batch touched, and each coordinate catches up on the updates it missed
/// when it is next touched (or at `synchronize`), so the parameters and the state equal the dense
/// optimizer's after the same updates with zero gradients elsewhere — **exact to rounding, not an
/// approximation**.
///
/// A missed update is the dense rule with g = 0 at that update's learning rate, step count and
/// bias corrections, applied through the rule's own element-wise code (`AdaGrad.update`,
/// `RMSProp.update`, `Adam.update` on one coordinate), in the same order as the dense run applied
/// it. Where that zero-gradient update provably leaves the coordinate unchanged it is skipped, so
/// the cost of an update is O(touched coordinates):
/// - **SGD without momentum or weight decay**: θ − γ·0 = θ, exactly: skipped.
/// - **AdaGrad without weight decay**: s + 0² = s and θ − γₜ·0/(√s + ε) = θ, exactly: skipped.
/// - **RMSProp without weight decay, momentum or centring**: θ is unchanged and v ← α·v, so k missed
///   updates are v·αᵏ (one power; equal to the dense run's k multiplications to rounding).
/// - Otherwise (weight decay, SGD's and RMSProp's momentum, centring, Adam's and AdamW's moments, which keep
///   moving θ while they decay) every missed update is replayed: O(updates missed) per coordinate, the
///   same arithmetic as the dense run's, deferred.
///
/// **Not torch's `SparseAdam`.** `torch.optim.SparseAdam` updates the moments of the touched
/// coordinates only: an untouched coordinate neither decays its moments nor moves, and the bias
/// corrections count every update. That is a different optimizer from dense Adam (its trajectory
/// differs as soon as a coordinate is skipped while its first moment is not zero); this lazy form
/// is dense Adam, computed lazily.
///
/// The learning rate of every update is kept (a missed update needs it): `init(reservingSteps:)`
/// reserves room, so updates up to that count never allocate.
public struct LazyAdaptive<Scalar: BLASScalar> {
    enum Rule {
        case sgd(SGD<Scalar>)
        case adagrad(AdaGrad<Scalar>)
        case rmsprop(RMSProp<Scalar>)
        case adam(Adam<Scalar>)
        /// Held while a payload is mutated in place (so its arrays are not copied).
        case taken
    }

    var rule: Rule
    /// The number of updates each coordinate has been brought up to (≤ `stepCount`).
    var done: [Int]
    /// Each parameter's group (index into `groupScale`/`groupDecay`).
    var groupOf: [Int32]
    var groupScale: [Double]
    var groupDecay: [Double]
    /// The scheduled learning rate of every update so far.
    var rates: [Double]
    /// Completed updates.
    public private(set) var stepCount = 0

    /// The lazy form of `optimizer` (an `AdaGrad`, `RMSProp`, `Adam` or `AdamW`, with its groups,
    /// hyper-parameters and state, e.g. fresh from the registry), or a `LazyOptimizerError`.
    /// `reservingSteps`: the updates to reserve learning-rate room for.
    public init(_ optimizer: any Optimizer<Scalar>, reservingSteps: Int = 0) throws(LazyOptimizerError) {
        let groups: [ParameterGroup], defaultDecay: Double, steps: Int
        switch optimizer {
        case let o as SGD<Scalar>:
            guard o.l1Penalty == 0 else { throw LazyOptimizerError("SGD's L1 penalty clips every coordinate at every update; it has no lazy form") }
            rule = .sgd(o); groups = o.groups; defaultDecay = o.weightDecay; steps = o.stepCount
        case let o as AdaGrad<Scalar>: rule = .adagrad(o); groups = o.groups; defaultDecay = o.weightDecay; steps = o.stepCount
        case let o as RMSProp<Scalar>: rule = .rmsprop(o); groups = o.groups; defaultDecay = o.weightDecay; steps = o.stepCount
        case let o as Adam<Scalar>: rule = .adam(o); groups = o.groups; defaultDecay = o.weightDecay; steps = o.stepCount
        case let o as AdamW<Scalar>: rule = .adam(o.adam); groups = o.groups; defaultDecay = o.weightDecay; steps = o.stepCount
        default:
            throw LazyOptimizerError("\(optimizer.name) has no lazy (sparse) form; \(Self.optimizerNames.joined(separator: ", ")) have one")
        }
        guard steps == 0 else { throw LazyOptimizerError("the lazy form starts from a fresh \(optimizer.name) (it has taken \(steps) updates)") }
        let n = optimizer.parameterCount
        done = [Int](repeating: 0, count: n)
        groupOf = [Int32](repeating: -1, count: n)
        for (k, g) in groups.enumerated() { for i in g.range { groupOf[i] = Int32(k) } }
        groupScale = groups.map(\.learningRateScale)
        groupDecay = groups.map { $0.weightDecay ?? defaultDecay }
        rates = []
        rates.reserveCapacity(reservingSteps)
    }

    /// The parameter count the optimizer was built for.
    public var parameterCount: Int { done.count }

    /// The registry names of the optimizers with a lazy form.
    public static var optimizerNames: [String] { ["sgd", "adagrad", "rmsprop", "adam", "adamw"] }

    /// Whether a zero-gradient update leaves coordinate i's parameter and state unchanged (skipped).
    @inline(__always)
    func zeroUpdateIsIdentity(group: Int) -> Bool {
        guard Scalar(groupDecay[group]) == 0 else { return false }
        switch rule {
        case .adagrad: return true
        case .sgd(let o): return !(o.hasMomentum && o.currentMomentum != 0)
        default: return false
        }
    }

    /// Brings `coordinates` (each once) up to date: every update they missed, with g = 0. Call it
    /// before reading their parameters (a forward pass).
    public mutating func bringUpToDate(_ coordinates: UnsafeBufferPointer<Int>, parameters: UnsafeMutableBufferPointer<Scalar>) {
        precondition(parameters.count == parameterCount, "LazyAdaptive: \(parameters.count) parameters, built for \(parameterCount)")
        for i in coordinates { catchUp(i, to: stepCount, parameters: parameters) }
    }

    /// One update of the coordinates in `touched` (each once, brought up to date first by
    /// `bringUpToDate`) with their entries of `gradient` (which may be overwritten); every other
    /// coordinate's gradient is taken as 0 and its update deferred. `learningRate`: this update's
    /// scheduled rate.
    public mutating func step(parameters: UnsafeMutableBufferPointer<Scalar>, gradient: UnsafeMutableBufferPointer<Scalar>,
                              touched: UnsafeBufferPointer<Int>, learningRate: Double) {
        precondition(parameters.count == parameterCount && gradient.count == parameterCount,
                     "LazyAdaptive.step: \(parameters.count) parameters and \(gradient.count) gradient entries, built for \(parameterCount)")
        precondition(learningRate.isFinite && learningRate >= 0, "LazyAdaptive.step: learning rate \(learningRate) is not a finite number ≥ 0")
        let s = stepCount
        rates.append(learningRate)
        for i in touched {
            catchUp(i, to: s, parameters: parameters)
            apply(update: s, at: i, gradient: gradient[i], parameters: parameters)
            done[i] = s + 1
        }
        stepCount = s + 1
    }

    /// Brings every coordinate up to date (before evaluating or saving the parameters).
    public mutating func synchronize(parameters: UnsafeMutableBufferPointer<Scalar>) {
        precondition(parameters.count == parameterCount, "LazyAdaptive: \(parameters.count) parameters, built for \(parameterCount)")
        for i in 0..<parameterCount { catchUp(i, to: stepCount, parameters: parameters) }
    }

    /// The missed updates done[i]..<target of coordinate i, with g = 0.
    @inline(__always)
    mutating func catchUp(_ i: Int, to target: Int, parameters: UnsafeMutableBufferPointer<Scalar>) {
        let from = done[i]
        guard from < target else { return }
        let group = Int(groupOf[i])
        if group < 0 || zeroUpdateIsIdentity(group: group) { done[i] = target; return }
        if case .rmsprop(var o) = rule, Scalar(groupDecay[group]) == 0, !o.centered, !(o.hasMomentum && o.currentMomentum > 0) {
            // v ← α·v per missed update; θ unchanged.
            rule = .taken
            o.squareAverage[i] = o.squareAverage[i] * Scalar(Foundation.pow(o.alpha, Double(target - from)))
            rule = .rmsprop(o)
            done[i] = target
            return
        }
        for s in from..<target { apply(update: s, at: i, gradient: 0, parameters: parameters) }
        done[i] = target
    }

    /// Update s (0-based) of coordinate i with gradient g, by the dense rule's element-wise code
    /// and the constants the dense `step` computes for that update.
    @inline(__always)
    mutating func apply(update s: Int, at i: Int, gradient g: Scalar, parameters: UnsafeMutableBufferPointer<Scalar>) {
        let group = Int(groupOf[i])
        guard group >= 0 else { return }   // in no group: the dense step leaves it alone
        let rate = rates[s] * groupScale[group], decay = groupDecay[group]
        var gi = g
        let θ = UnsafeMutableBufferPointer(rebasing: parameters[i..<(i + 1)])
        withUnsafeMutablePointer(to: &gi) { gp in
            let gb = UnsafeMutableBufferPointer(start: gp, count: 1)
            switch rule {
            case .sgd(var o):
                rule = .taken
                let useMomentum = o.hasMomentum && o.currentMomentum != 0
                let update = SGD<Scalar>.UpdateRule(
                    group: GroupStep(index: group, range: i..<(i + 1), learningRateScale: groupScale[group], weightDecay: decay),
                    learningRate: rates[s], momentum: o.currentMomentum, dampening: o.dampening, nesterov: o.nesterov,
                    weightDecayMode: o.weightDecayMode, maximize: o.maximize)
                o.buffer.withUnsafeMutableBufferPointer { b in
                    SGD.update(parameters: θ, gradient: gb, buffer: useMomentum ? UnsafeMutableBufferPointer(rebasing: b[i..<(i + 1)]) : nil,
                               firstStep: s == 0, rule: update)
                }
                rule = .sgd(o)
            case .adagrad(var o):
                rule = .taken
                let clr = rate / (1 + Double(s) * o.learningRateDecay)
                o.sum.withUnsafeMutableBufferPointer { sum in
                    AdaGrad.update(parameters: θ, gradient: gb, sum: UnsafeMutableBufferPointer(rebasing: sum[i..<(i + 1)]),
                                   negativeStep: Scalar(-clr), epsilon: Scalar(o.epsilon), weightDecay: CoupledL2(rounded: decay))
                }
                rule = .adagrad(o)
            case .rmsprop(var o):
                rule = .taken
                let useMomentum = o.hasMomentum && o.currentMomentum > 0
                let (centered, alpha, epsilon, momentum) = (o.centered, o.alpha, o.epsilon, o.currentMomentum)
                o.squareAverage.withUnsafeMutableBufferPointer { v in
                    o.gradientAverage.withUnsafeMutableBufferPointer { a in
                        o.buffer.withUnsafeMutableBufferPointer { b in
                            RMSProp.update(parameters: θ, gradient: gb, squareAverage: UnsafeMutableBufferPointer(rebasing: v[i..<(i + 1)]),
                                           gradientAverage: centered ? UnsafeMutableBufferPointer(rebasing: a[i..<(i + 1)]) : nil,
                                           buffer: useMomentum ? UnsafeMutableBufferPointer(rebasing: b[i..<(i + 1)]) : nil,
                                           alpha: Scalar(alpha), oneMinusAlpha: Scalar(1 - alpha), epsilon: Scalar(epsilon),
                                           momentum: Scalar(momentum), negativeRate: Scalar(-rate), weightDecay: CoupledL2(rounded: decay))
                        }
                    }
                }
                rule = .rmsprop(o)
            case .adam(var o):
                rule = .taken
                let t = Double(s + 1)
                let biasCorrection1 = 1 - Foundation.pow(o.beta1, t), biasCorrection2 = 1 - Foundation.pow(o.beta2, t)
                let decoupled = o.decoupledWeightDecay, amsgrad = o.amsgrad
                let update = Adam<Scalar>.UpdateRule(
                    negativeStepSize: Scalar(-(rate / biasCorrection1)), biasCorrection2Sqrt: Scalar(Foundation.pow(biasCorrection2, 0.5)),
                    oneMinusBeta1: Scalar(1 - o.beta1), beta2: Scalar(o.beta2), oneMinusBeta2: Scalar(1 - o.beta2), epsilon: Scalar(o.epsilon),
                    coupledL2: decoupled ? .off : CoupledL2(rounded: decay),
                    shrink: decoupled && decay != 0 ? Scalar(1 - rate * decay) : nil)
                o.firstMoment.withUnsafeMutableBufferPointer { m in
                    o.secondMoment.withUnsafeMutableBufferPointer { v in
                        o.maxSecondMoment.withUnsafeMutableBufferPointer { vmax in
                            Adam.update(parameters: θ, gradient: gb, firstMoment: UnsafeMutableBufferPointer(rebasing: m[i..<(i + 1)]),
                                        secondMoment: UnsafeMutableBufferPointer(rebasing: v[i..<(i + 1)]),
                                        maxSecondMoment: amsgrad ? UnsafeMutableBufferPointer(rebasing: vmax[i..<(i + 1)]) : nil,
                                        rule: update)
                        }
                    }
                }
                rule = .adam(o)
            case .taken: preconditionFailure("LazyAdaptive: the rule is being updated")
            }
        }
    }

    /// The dense optimizer with this state (every coordinate brought up to date first with
    /// `synchronize`): the same parameters and state as a dense run of the same updates, to
    /// continue densely, save, or compare.
    public func denseOptimizer(parameters: UnsafeMutableBufferPointer<Scalar>) -> any Optimizer<Scalar> {
        var copy = self
        copy.synchronize(parameters: parameters)
        switch copy.rule {
        case .sgd(var o):
            o.stepCount = copy.stepCount
            o.bufferInitialized = copy.stepCount > 0 && o.hasMomentum && o.currentMomentum != 0
            return o
        case .adagrad(var o): o.stepCount = copy.stepCount; return o
        case .rmsprop(var o): o.stepCount = copy.stepCount; return o
        case .adam(var o):
            o.stepCount = copy.stepCount
            if o.decoupledWeightDecay { var w = try! AdamW<Scalar>(parameterCount: 0); w.adam = o; return w }
            return o
        case .taken: preconditionFailure("LazyAdaptive: the rule is being updated")
        }
    }
}
