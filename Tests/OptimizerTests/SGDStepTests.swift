import Testing
import Descent
import _TestSupport

/// First steps and short sequences of SGD on 3-element inputs, against arithmetic worked by hand
/// (in the comments). θ = [1, 2, 3], g = [0.5, −1, 2] (the same g every step), γ = 0.1 unless said.
struct SGDStepTests {
    static let theta: [Double] = [1, 2, 3]
    static let grad: [Double] = [0.5, -1, 2]

    /// Runs `learningRates.count` steps with the constant gradient `grad`.
    func steps<T: BLASScalar>(_ opt: inout SGD<T>, _ learningRates: [Double], theta: [Double] = theta,
                              grad: [Double] = grad) -> [T] {
        var x = theta.map { T($0) }
        for lr in learningRates {
            var g = grad.map { T($0) }
            opt.step(parameters: &x, gradient: &g, learningRate: lr)
        }
        return x
    }

    func check<T: BLASScalar>(_ x: [T], _ expected: [Double], _ what: String) {
        let tol: T = T.self == Float.self ? T(1e-6) : T(1e-14)
        #expect(maxScaledDifference(x, expected.map { T($0) }) <= tol, "\(what): \(x) vs \(expected)")
    }

    func firstSteps<T: BLASScalar>(_: T.Type) throws {
        // Plain: θ − 0.1g = [1 − 0.05, 2 + 0.1, 3 − 0.2].
        var plain = try SGD<T>(parameterCount: 3)
        check(steps(&plain, [0.1]), [0.95, 2.1, 2.8], "plain")

        // Base learning rate when no schedule: γ = 0.1 from the initializer.
        var base = try SGD<T>(parameterCount: 3, learningRate: 0.1)
        var x = Self.theta.map { T($0) }, g = Self.grad.map { T($0) }
        base.step(parameters: &x, gradient: &g)
        check(x, [0.95, 2.1, 2.8], "base learning rate")

        // μ = 0.9, τ = 0.5, λ = 0.1. Step 1: g' = g + 0.1θ = [0.6, −0.8, 2.3]; b = g' (no dampening);
        // θ = θ − 0.1b = [0.94, 2.08, 2.77].
        var damped = try SGD<T>(parameterCount: 3, momentum: 0.9, dampening: 0.5, weightDecay: 0.1)
        check(steps(&damped, [0.1]), [0.94, 2.08, 2.77], "first step ignores dampening")
        // Step 2 at θ = [0.94, 2.08, 2.77]: g' = [0.594, −0.792, 2.277];
        // b = 0.9·[0.6, −0.8, 2.3] + 0.5·g' = [0.837, −1.116, 3.2085]; θ − 0.1b = [0.8563, 2.1916, 2.44915].
        var damped2 = try SGD<T>(parameterCount: 3, momentum: 0.9, dampening: 0.5, weightDecay: 0.1)
        check(steps(&damped2, [0.1, 0.1]), [0.8563, 2.1916, 2.44915], "second step dampens")

        // Nesterov μ = 0.9, first step: b = g; d = g + 0.9b = 1.9g = [0.95, −1.9, 3.8];
        // θ − 0.1d = [0.905, 2.19, 2.62].
        var nesterov = try SGD<T>(parameterCount: 3, momentum: 0.9, nesterov: true)
        check(steps(&nesterov, [0.1]), [0.905, 2.19, 2.62], "nesterov first step")

        // Maximize, λ = 0.1: g ← −g = [−0.5, 1, −2]; + 0.1θ = [−0.4, 1.2, −1.7]; θ − 0.1·that
        // = [1.04, 1.88, 3.17] (the decay still pulls θ toward 0: it is added after negation).
        var maximize = try SGD<T>(parameterCount: 3, weightDecay: 0.1, maximize: true)
        check(steps(&maximize, [0.1]), [1.04, 1.88, 3.17], "maximize")
    }

    @Test func firstStepsDouble() throws { try firstSteps(Double.self) }
    @Test func firstStepsFloat() throws { try firstSteps(Float.self) }

    /// γ sits outside the buffer (aprender PR #2190's example per coordinate): θ₀ = 0, g = [1, 2, −1],
    /// μ = 0.9, γ = 0.1 then 0.01. Step 1: b = g, θ = −0.1g. Step 2: b = 0.9g + g = 1.9g,
    /// θ = −0.1g − 0.01·1.9g = −0.119g = [−0.119, −0.238, 0.119]. (With γ inside the velocity it
    /// would be −(0.1 + 0.9·0.1 + 0.01)g = −0.2g.)
    func learningRateOutsideBuffer<T: BLASScalar>(_: T.Type) throws {
        var opt = try SGD<T>(parameterCount: 3, momentum: 0.9)
        check(steps(&opt, [0.1, 0.01], theta: [0, 0, 0], grad: [1, 2, -1]), [-0.119, -0.238, 0.119], "lr change")
    }

    @Test func learningRateOutsideBufferDouble() throws { try learningRateOutsideBuffer(Double.self) }
    @Test func learningRateOutsideBufferFloat() throws { try learningRateOutsideBuffer(Float.self) }

    /// Groups: weights θ[0..<2] with λ = 0.1 at γ = 0.1; bias θ[2] with no decay at 2γ = 0.2.
    /// Weights: g' = [0.5 + 0.1, −1 + 0.2] = [0.6, −0.8]; θ = [1 − 0.06, 2 + 0.08] = [0.94, 2.08].
    /// Bias: θ = 3 − 0.2·2 = 2.6.
    func groups<T: BLASScalar>(_: T.Type) throws {
        let groups = [ParameterGroup(name: "weights", range: 0..<2),
                      ParameterGroup(name: "bias", range: 2..<3, learningRateScale: 2, weightDecay: 0)]
        var opt = try SGD<T>(parameterCount: 3, groups: groups, weightDecay: 0.1)
        check(steps(&opt, [0.1]), [0.94, 2.08, 2.6], "groups")
        // microsoftml shrink per group: weights θ − 0.1g = [0.95, 2.1] then ×(1 − 0.1·0.1) = [0.9405, 2.079];
        // bias 3 − 0.2·2 = 2.6, no shrink.
        var shrink = try SGD<T>.microsoftML(parameterCount: 3, groups: groups, learningRate: 0.1, weightDecay: 0.1)
        check(steps(&shrink, [0.1]), [0.9405, 2.079, 2.6], "groups, shrink")
    }

    @Test func groupsDouble() throws { try groups(Double.self) }
    @Test func groupsFloat() throws { try groups(Float.self) }

    /// microsoftml's weight decay: θ ← (1 − γλ)θ after the step, never inside the buffer.
    func microsoftMLShrink<T: BLASScalar>(_: T.Type) throws {
        // μ = 0, λ = 0.1, γ = 0.1: θ − 0.1g = [0.95, 2.1, 2.8]; ×0.99 = [0.9405, 2.079, 2.772]
        // (coupled L2 would give [0.94, 2.08, 2.77]).
        var plain = try SGD<T>.microsoftML(parameterCount: 3, learningRate: 0.1, weightDecay: 0.1)
        check(steps(&plain, [0.1]), [0.9405, 2.079, 2.772], "shrink after step")
        // μ = 0.5: step 1 as above (b = g). Step 2: b = 0.5g + g = 1.5g = [0.75, −1.5, 3] (no λθ in it);
        // θ = [0.9405 − 0.075, 2.079 + 0.15, 2.772 − 0.3] = [0.8655, 2.229, 2.472]; ×0.99
        // = [0.856845, 2.20671, 2.44728].
        var momentum = try SGD<T>.microsoftML(parameterCount: 3, learningRate: 0.1, momentum: 0.5, weightDecay: 0.1)
        check(steps(&momentum, [0.1, 0.1]), [0.856845, 2.20671, 2.44728], "shrink with momentum")
        // The shrink uses this step's γ: γ = 0.2 gives θ − 0.2g = [0.9, 2.2, 2.6]; ×0.98 = [0.882, 2.156, 2.548].
        var scheduled = try SGD<T>.microsoftML(parameterCount: 3, weightDecay: 0.1)
        check(steps(&scheduled, [0.2]), [0.882, 2.156, 2.548], "shrink with scheduled lr")
        // Defaults: γ = 0.001, μ = 0 (no momentum), no Nesterov, λ = 0.
        let d = try SGD<T>.microsoftML(parameterCount: 3)
        #expect(d.learningRate == 0.001 && d.momentum == nil && !d.nesterov && d.weightDecay == 0)
        #expect(d.weightDecayMode == .shrinkAfterStep && d.dampening == 0)
    }

    @Test func microsoftMLShrinkDouble() throws { try microsoftMLShrink(Double.self) }
    @Test func microsoftMLShrinkFloat() throws { try microsoftMLShrink(Float.self) }

    /// Momentum cycling: μ = 0.9 then set to 0.5 after step 1. Step 1: b = g, θ = [0.95, 2.1, 2.8].
    /// Step 2: b = 0.5g + g = 1.5g = [0.75, −1.5, 3]; θ = [0.875, 2.25, 2.5].
    func setMomentum<T: BLASScalar>(_: T.Type) throws {
        var opt = try SGD<T>(parameterCount: 3, momentum: 0.9)
        #expect(opt.momentum == 0.9)
        var x = Self.theta.map { T($0) }
        var g = Self.grad.map { T($0) }
        opt.step(parameters: &x, gradient: &g, learningRate: 0.1)
        try opt.setMomentum(0.5)
        #expect(opt.momentum == 0.5)
        g = Self.grad.map { T($0) }
        opt.step(parameters: &x, gradient: &g, learningRate: 0.1)
        check(x, [0.875, 2.25, 2.5], "set momentum")
    }

    @Test func setMomentumDouble() throws { try setMomentum(Double.self) }
    @Test func setMomentumFloat() throws { try setMomentum(Float.self) }
}
