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
    /// The groups' ranges (their starts and ends), scales and decays, by group index.
    var groupStart: [Int]
    var groupEnd: [Int]
    var groupScale: [Double]
    var groupDecay: [Double]
    /// The scheduled learning rate of every update so far.
    var rates: [Double]
    /// The rule's state arrays, held here (taken out of the optimizer in `rule`, which keeps its
    /// hyper-parameters): SGD (buffer), AdaGrad (sum), RMSProp (v, ḡ, buffer), Adam (m, v, v̂max).
    var stateA: [Scalar] = [], stateB: [Scalar] = [], stateC: [Scalar] = []
    /// The rule's constants for the kernel, and whether missed updates change nothing (then they
    /// are not tracked at all: `done` stays as it is). Fixed at construction.
    var kernelKind: Kernel.Kind = .adagrad(decay: 0, epsilon: 0)
    var skipsCatchUp = false
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
        groupStart = groups.map(\.range.lowerBound)
        groupEnd = groups.map(\.range.upperBound)
        groupScale = groups.map(\.learningRateScale)
        groupDecay = groups.map { $0.weightDecay ?? defaultDecay }
        rates = []
        rates.reserveCapacity(reservingSteps)
        switch rule {
        case .sgd(var o): rule = .taken; swap(&stateA, &o.buffer); rule = .sgd(o)
        case .adagrad(var o): rule = .taken; swap(&stateA, &o.sum); rule = .adagrad(o)
        case .rmsprop(var o):
            rule = .taken; swap(&stateA, &o.squareAverage); swap(&stateB, &o.gradientAverage); swap(&stateC, &o.buffer); rule = .rmsprop(o)
        case .adam(var o):
            rule = .taken; swap(&stateA, &o.firstMoment); swap(&stateB, &o.secondMoment); swap(&stateC, &o.maxSecondMoment); rule = .adam(o)
        case .taken: break
        }
        switch rule {
        case .sgd(let o):
            kernelKind = .sgd(momentum: o.hasMomentum && o.currentMomentum != 0 ? o.currentMomentum : 0, dampening: o.dampening,
                              nesterov: o.nesterov, mode: o.weightDecayMode, maximize: o.maximize)
        case .adagrad(let o):
            kernelKind = .adagrad(decay: o.learningRateDecay, epsilon: Scalar(o.epsilon))
        case .rmsprop(let o):
            kernelKind = .rmsprop(alpha: o.alpha, epsilon: Scalar(o.epsilon), centered: o.centered,
                                  momentum: o.hasMomentum && o.currentMomentum > 0 ? o.currentMomentum : 0)
        case .adam(let o):
            kernelKind = .adam(beta1: o.beta1, beta2: o.beta2, epsilon: Scalar(o.epsilon), amsgrad: o.amsgrad, decoupled: o.decoupledWeightDecay)
        case .taken: break
        }
        if case .rmsprop = rule { skipsCatchUp = false } else { skipsCatchUp = catchesUpInConstantTime }
    }

    /// The parameter count the optimizer was built for.
    public var parameterCount: Int { done.count }

    /// Whether every coordinate catches up on missed updates in O(1) (they change nothing, or plain
    /// RMSProp's one power): SGD without momentum, AdaGrad and RMSProp without momentum or centring,
    /// all without weight decay. Otherwise missed updates are replayed one by one, which costs about
    /// as many element updates as the dense run but without its vectorised loops: slower than dense
    /// updates, so `descent train` takes dense ones then.
    public var catchesUpInConstantTime: Bool {
        guard groupDecay.allSatisfy({ Scalar($0) == 0 }) else { return false }
        switch rule {
        case .sgd(let o): return !(o.hasMomentum && o.currentMomentum != 0)
        case .adagrad: return true
        case .rmsprop(let o): return !o.centered && !(o.hasMomentum && o.currentMomentum > 0)
        case .adam, .taken: return false
        }
    }

    /// The registry names of the optimizers with a lazy form.
    public static var optimizerNames: [String] { ["sgd", "adagrad", "rmsprop", "adam", "adamw"] }

    /// Brings `coordinates` (each once) up to date: every update they missed, with g = 0. Call it
    /// before reading their parameters (a forward pass).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func bringUpToDate(_ coordinates: UnsafeBufferPointer<Int>, parameters: UnsafeMutableBufferPointer<Scalar>) {
        precondition(parameters.count == parameterCount, "LazyAdaptive: \(parameters.count) parameters, built for \(parameterCount)")
        let target = stepCount
        withKernel(parameters) { k in for i in coordinates { k.catchUp(i, to: target) } }
    }

    /// One update of the coordinates in `touched` (each once, brought up to date first by
    /// `bringUpToDate`) with their entries of `gradient` (which may be overwritten); every other
    /// coordinate's gradient is taken as 0 and its update deferred. `learningRate`: this update's
    /// scheduled rate.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func step(parameters: UnsafeMutableBufferPointer<Scalar>, gradient: UnsafeMutableBufferPointer<Scalar>,
                              touched: UnsafeBufferPointer<Int>, learningRate: Double) {
        precondition(parameters.count == parameterCount && gradient.count == parameterCount,
                     "LazyAdaptive.step: \(parameters.count) parameters and \(gradient.count) gradient entries, built for \(parameterCount)")
        precondition(learningRate.isFinite && learningRate >= 0, "LazyAdaptive.step: learning rate \(learningRate) is not a finite number ≥ 0")
        let s = stepCount
        rates.append(learningRate)
        withKernel(parameters) { k in
            for i in touched {
                k.catchUp(i, to: s)
                k.apply(update: s, at: i, gradient: gradient[i])
                k.markDone(i, s + 1)
            }
        }
        stepCount = s + 1
    }

    /// Brings every coordinate up to date (before evaluating or saving the parameters).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func synchronize(parameters: UnsafeMutableBufferPointer<Scalar>) {
        precondition(parameters.count == parameterCount, "LazyAdaptive: \(parameters.count) parameters, built for \(parameterCount)")
        let (target, n) = (stepCount, parameterCount)
        withKernel(parameters) { k in for i in 0..<n { k.catchUp(i, to: target) } }
    }

    /// Runs `body` on a `Kernel` over this optimizer's arrays (raw pointers taken once per call).
    @inline(__always)
    mutating func withKernel(_ parameters: UnsafeMutableBufferPointer<Scalar>, _ body: (inout Kernel) -> Void) {
        let (kind, skips) = (kernelKind, skipsCatchUp)
        stateA.withUnsafeMutableBufferPointer { pa in
            stateB.withUnsafeMutableBufferPointer { pb in
                stateC.withUnsafeMutableBufferPointer { pc in
                    done.withUnsafeMutableBufferPointer { d in
                        groupStart.withUnsafeBufferPointer { g0 in
                            groupEnd.withUnsafeBufferPointer { g1 in
                                groupScale.withUnsafeBufferPointer { gs in
                                    groupDecay.withUnsafeBufferPointer { gd in
                                        rates.withUnsafeBufferPointer { r in
                                            var k = Kernel(kind: kind, parameters: parameters.baseAddress!, a: pa.baseAddress, b: pb.baseAddress,
                                                           c: pc.baseAddress, done: d.baseAddress!, groupCount: g0.count,
                                                           groupStart: g0.baseAddress, groupEnd: g1.baseAddress,
                                                           groupScale: gs.baseAddress, groupDecay: gd.baseAddress, rates: r.baseAddress,
                                                           skipsCatchUp: skips)
                                            body(&k)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// One call's view of the state: raw pointers into the arrays, and the rule's constants. An
    /// update of coordinate i goes through the dense rule's element-wise code on one element.
    struct Kernel {
        enum Kind {
            case sgd(momentum: Double, dampening: Double, nesterov: Bool, mode: WeightDecayMode, maximize: Bool)
            case adagrad(decay: Double, epsilon: Scalar)
            case rmsprop(alpha: Double, epsilon: Scalar, centered: Bool, momentum: Double)
            case adam(beta1: Double, beta2: Double, epsilon: Scalar, amsgrad: Bool, decoupled: Bool)
        }
        let kind: Kind
        let parameters: UnsafeMutablePointer<Scalar>
        /// The state arrays: SGD (buffer), AdaGrad (sum), RMSProp (v, ḡ, buffer), Adam (m, v, v̂max).
        let a: UnsafeMutablePointer<Scalar>?, b: UnsafeMutablePointer<Scalar>?, c: UnsafeMutablePointer<Scalar>?
        let done: UnsafeMutablePointer<Int>
        let groupCount: Int
        let groupStart: UnsafePointer<Int>?, groupEnd: UnsafePointer<Int>?
        let groupScale: UnsafePointer<Double>?, groupDecay: UnsafePointer<Double>?
        let rates: UnsafePointer<Double>?
        /// Every missed update changes nothing (SGD without momentum, AdaGrad, no decay): no catch-up.
        let skipsCatchUp: Bool

        /// The group holding coordinate i (groups are few: a scan of their ranges), or -1.
        @inline(__always)
        func group(of i: Int) -> Int {
            for k in 0..<groupCount where i >= groupStart![k] && i < groupEnd![k] { return k }
            return -1
        }

        /// Records that coordinate i has had `count` updates.
        @inline(__always)
        func markDone(_ i: Int, _ count: Int) { if !skipsCatchUp { done[i] = count } }

        @inline(__always)
        func one(_ p: UnsafeMutablePointer<Scalar>?, _ i: Int) -> UnsafeMutableBufferPointer<Scalar> {
            UnsafeMutableBufferPointer(start: p! + i, count: 1)
        }

        /// The missed updates done[i]..<target of coordinate i, with g = 0: skipped where they
        /// change nothing, one power for plain RMSProp, replayed otherwise.
        @inline(__always)
        mutating func catchUp(_ i: Int, to target: Int) {
            guard !skipsCatchUp else { return }
            let from = done[i]
            guard from < target else { return }
            done[i] = target
            let group = group(of: i)
            guard group >= 0 else { return }
            let decayOff = Scalar(groupDecay![group]) == 0
            switch kind {
            case .sgd(let momentum, _, _, _, _) where decayOff && momentum == 0: return
            case .adagrad where decayOff: return
            case .rmsprop(let alpha, _, let centered, let momentum) where decayOff && !centered && momentum == 0:
                a![i] = a![i] * Scalar(Foundation.pow(alpha, Double(target - from)))   // v ← α·v per missed update; θ unchanged
                return
            default:
                for s in from..<target { apply(update: s, at: i, gradient: 0) }
            }
        }

        /// Update s (0-based) of coordinate i with gradient g, by the dense rule's element-wise code
        /// and the constants the dense `step` computes for that update.
        @inline(__always)
        func apply(update s: Int, at i: Int, gradient g: Scalar) {
            let group = group(of: i)
            guard group >= 0 else { return }   // in no group: the dense step leaves it alone
            let decay = groupDecay![group]
            var gi = g
            let θ = UnsafeMutableBufferPointer(start: parameters + i, count: 1)
            withUnsafeMutablePointer(to: &gi) { gp in
                let gb = UnsafeMutableBufferPointer(start: gp, count: 1)
                switch kind {
                case .sgd(let momentum, let dampening, let nesterov, let mode, let maximize):
                    let update = SGD<Scalar>.UpdateRule(
                        group: GroupStep(index: group, range: i..<(i + 1), learningRateScale: groupScale![group], weightDecay: decay),
                        learningRate: rates![s], momentum: momentum, dampening: dampening, nesterov: nesterov,
                        weightDecayMode: mode, maximize: maximize)
                    SGD.update(parameters: θ, gradient: gb, buffer: momentum != 0 ? one(a, i) : nil, firstStep: s == 0, rule: update)
                case .adagrad(let lrDecay, let epsilon):
                    let clr = rates![s] * groupScale![group] / (1 + Double(s) * lrDecay)
                    AdaGrad.update(parameters: θ, gradient: gb, sum: one(a, i), negativeStep: Scalar(-clr), epsilon: epsilon,
                                   weightDecay: CoupledL2(rounded: decay))
                case .rmsprop(let alpha, let epsilon, let centered, let momentum):
                    RMSProp.update(parameters: θ, gradient: gb, squareAverage: one(a, i), gradientAverage: centered ? one(b, i) : nil,
                                   buffer: momentum > 0 ? one(c, i) : nil, alpha: Scalar(alpha), oneMinusAlpha: Scalar(1 - alpha),
                                   epsilon: epsilon, momentum: Scalar(momentum), negativeRate: Scalar(-(rates![s] * groupScale![group])),
                                   weightDecay: CoupledL2(rounded: decay))
                case .adam(let beta1, let beta2, let epsilon, let amsgrad, let decoupled):
                    let rate = rates![s] * groupScale![group]
                    let t = Double(s + 1)
                    let biasCorrection1 = 1 - Foundation.pow(beta1, t), biasCorrection2 = 1 - Foundation.pow(beta2, t)
                    let update = Adam<Scalar>.UpdateRule(
                        negativeStepSize: Scalar(-(rate / biasCorrection1)), biasCorrection2Sqrt: Scalar(Foundation.pow(biasCorrection2, 0.5)),
                        oneMinusBeta1: Scalar(1 - beta1), beta2: Scalar(beta2), oneMinusBeta2: Scalar(1 - beta2), epsilon: epsilon,
                        coupledL2: decoupled ? .off : CoupledL2(rounded: decay),
                        shrink: decoupled && decay != 0 ? Scalar(1 - rate * decay) : nil)
                    Adam.update(parameters: θ, gradient: gb, firstMoment: one(a, i), secondMoment: one(b, i),
                                maxSecondMoment: amsgrad ? one(c, i) : nil, rule: update)
                }
            }
        }
    }
}
