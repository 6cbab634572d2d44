import Foundation
import Testing
import Descent
import _TestSupport

/// AdaGrad, RMSProp, Adam and AdamW: their first steps against the equations of their doc
/// comments, worked in Double here, two parameter groups (the second at `scale` times the rate,
/// with its own weight decay); defaults, validation and state layout.
struct AdaptiveStepTests {
    static let θ0: [Double] = [1, -2, 0.5]
    static let g0: [Double] = [3, -4, 0.25]
    /// "weight" x[0..<2] with the optimizer's decay, "bias" x[2..<3] at half the rate, decay `biasDecay`.
    static func groups(biasDecay: Double) -> [ParameterGroup] {
        [ParameterGroup(name: "weight", range: 0..<2), ParameterGroup(name: "bias", range: 2..<3, learningRateScale: 0.5, weightDecay: biasDecay)]
    }
    static let scale: [Double] = [1, 1, 0.5]

    static func tolerance<T: BLASScalar>(_: T.Type) -> Double { T.self == Float.self ? 1e-6 : 1e-14 }

    /// Steps `opt` with gradient g0 (then `g1`) at rate γ; returns x after each step.
    static func steps<T: BLASScalar, O: Optimizer>(_ opt: inout O, rate γ: Double, gradients: [[Double]]) -> [[Double]] where O.Scalar == T {
        var x = θ0.map { T($0) }
        var out: [[Double]] = []
        for g in gradients {
            var gt = g.map { T($0) }
            opt.step(parameters: &x, gradient: &gt, learningRate: γ)
            out.append(x.map { Double($0) })
        }
        return out
    }

    // MARK: AdaGrad

    /// γ = 0.4, η = 0.5, λ = 0.1 (bias 0), s₀ = 16, ε = 1e-10.
    /// Step 1: g ← g + λθ; s = s₀ + g²; θ ← θ − γ·scale·g/(√s + ε).
    /// Step 2 (same raw gradient): γ₂ = γ/(1 + η), s ← s + g², g with the new θ.
    func adaGrad<T: BLASScalar>(_: T.Type) throws {
        let (γ, η, λ, s0, ε) = (0.4, 0.5, 0.1, 16.0, 1e-10)
        var opt = try AdaGrad<T>(parameterCount: 3, groups: Self.groups(biasDecay: 0), learningRate: γ, learningRateDecay: η,
                                 weightDecay: λ, initialAccumulatorValue: s0, epsilon: ε)
        let trace: [[Double]] = Self.steps(&opt, rate: γ, gradients: [Self.g0, Self.g0])
        var θ = Self.θ0, s = [Double](repeating: s0, count: 3)
        for (t, x) in trace.enumerated() {
            for i in 0..<3 {
                let g = Self.g0[i] + (i < 2 ? λ : 0) * θ[i]
                s[i] += g * g
                θ[i] -= γ * Self.scale[i] / (1 + Double(t) * η) * g / (s[i].squareRoot() + ε)
            }
            #expect(maxScaledDifference(x, θ) <= Self.tolerance(T.self), "step \(t + 1): \(x) vs \(θ)")
        }
        if T.self == Double.self {  // the first step by hand: s = 16 + 9.1² (weights), 16 + 0.0625 (bias)
            let g = [3.1, -4.2, 0.25]
            let hand = [1 - 0.4 * 3.1 / ((16 + 9.61).squareRoot() + ε), -2 + 0.4 * 4.2 / ((16 + 17.64).squareRoot() + ε),
                        0.5 - 0.2 * 0.25 / (16.0625.squareRoot() + ε)]
            #expect(maxScaledDifference(trace[0], hand) <= 1e-15, "\(trace[0]) vs \(hand) (g \(g))")
        }
        #expect(opt.stepCount == 2)
        #expect(maxScaledDifference(opt.state.sum, s) <= Self.tolerance(T.self), "sum \(opt.state.sum) vs \(s)")
    }

    @Test func adaGradDouble() throws { try adaGrad(Double.self) }
    @Test func adaGradFloat() throws { try adaGrad(Float.self) }

    // MARK: RMSProp

    /// γ = 0.1, α = 0.9, ε = 1e-8, λ = 0.2 (bias 0.05), μ ∈ {0, 0.5}, centred or not; two steps
    /// with gradients g0 then g0/2 through the equation block of `RMSProp`.
    func rmsProp<T: BLASScalar>(_: T.Type, momentum μ: Double, centered: Bool) throws {
        let (γ, α, ε, λ, λb) = (0.1, 0.9, 1e-8, 0.2, 0.05)
        var opt = try RMSProp<T>(parameterCount: 3, groups: Self.groups(biasDecay: λb), learningRate: γ, alpha: α, epsilon: ε,
                                 weightDecay: λ, momentum: μ, centered: centered)
        let gradients = [Self.g0, Self.g0.map { $0 / 2 }]
        let trace: [[Double]] = Self.steps(&opt, rate: γ, gradients: gradients)
        var θ = Self.θ0, v = [0.0, 0, 0], m = [0.0, 0, 0], b = [0.0, 0, 0]
        for (t, x) in trace.enumerated() {
            for i in 0..<3 {
                let g = gradients[t][i] + (i < 2 ? λ : λb) * θ[i]
                v[i] = α * v[i] + (1 - α) * g * g
                let a: Double
                if centered {
                    m[i] = α * m[i] + (1 - α) * g
                    a = (v[i] - m[i] * m[i]).squareRoot() + ε
                } else {
                    a = v[i].squareRoot() + ε
                }
                if μ > 0 {
                    b[i] = μ * b[i] + g / a
                    θ[i] -= γ * Self.scale[i] * b[i]
                } else {
                    θ[i] -= γ * Self.scale[i] * g / a
                }
            }
            // The equation in Double differs from torch's order of operations (lerp) by rounding only.
            #expect(maxScaledDifference(x, θ) <= Self.tolerance(T.self), "μ \(μ) centered \(centered), step \(t + 1): \(x) vs \(θ)")
        }
        // The first step in closed form: v = (1 − α)g², so a = √(1 − α)|g| + ε (centred: √(α(1 − α))|g| + ε).
        let g = [3.0 + 0.2, -4.0 - 0.4, 0.25 + 0.025]
        let k = centered ? (α * (1 - α)).squareRoot() : (1 - α).squareRoot()
        let first = (0..<3).map { Self.θ0[$0] - γ * Self.scale[$0] * g[$0] / (k * abs(g[$0]) + ε) }
        #expect(maxScaledDifference(trace[0], first) <= Self.tolerance(T.self), "first step \(trace[0]) vs \(first)")
        #expect(opt.momentum == (μ > 0 ? μ : nil))
        #expect((opt.state.momentumBuffer != nil) == (μ > 0) && (opt.state.gradientAverage != nil) == centered)
    }

    @Test(arguments: [(0.0, false), (0.0, true), (0.5, false), (0.5, true)])
    func rmsPropDouble(momentum: Double, centered: Bool) throws { try rmsProp(Double.self, momentum: momentum, centered: centered) }
    @Test(arguments: [(0.0, false), (0.0, true), (0.5, false), (0.5, true)])
    func rmsPropFloat(momentum: Double, centered: Bool) throws { try rmsProp(Float.self, momentum: momentum, centered: centered) }

    // MARK: Adam and AdamW

    /// The equation block of `Adam` (coupled) or `AdamW` (decoupled), worked in Double.
    static func adamReference(rate γ: Double, β1: Double, β2: Double, ε: Double, λ: [Double], amsgrad: Bool, decoupled: Bool,
                              gradients: [[Double]]) -> [[Double]] {
        var θ = θ0, m = [0.0, 0, 0], v = [0.0, 0, 0], vmax = [0.0, 0, 0]
        var out: [[Double]] = []
        for (s, raw) in gradients.enumerated() {
            let t = Double(s + 1)
            for i in 0..<3 {
                let lr = γ * scale[i]
                var g = raw[i]
                if decoupled { θ[i] *= 1 - lr * λ[i] } else { g += λ[i] * θ[i] }
                m[i] = β1 * m[i] + (1 - β1) * g
                v[i] = β2 * v[i] + (1 - β2) * g * g
                vmax[i] = max(vmax[i], v[i])
                let c1 = 1 - pow(β1, t), c2 = 1 - pow(β2, t)
                θ[i] -= lr / c1 * m[i] / ((amsgrad ? vmax[i] : v[i]).squareRoot() / c2.squareRoot() + ε)
            }
            out.append(θ)
        }
        return out
    }

    /// γ = 0.05, β₁ = 0.8, β₂ = 0.9, ε = 1e-8, λ = 0.3 (bias 0.1); gradients g0 then 0 (so that
    /// v shrinks and AMSGrad's v̂ keeps the first v), then g0 again.
    func adam<T: BLASScalar>(_: T.Type, amsgrad: Bool, decoupled: Bool) throws {
        let (γ, β1, β2, ε, λ, λb) = (0.05, 0.8, 0.9, 1e-8, 0.3, 0.1)
        let gradients = [Self.g0, [0, 0, 0], Self.g0]
        let trace: [[Double]]
        if decoupled {
            var opt = try AdamW<T>(parameterCount: 3, groups: Self.groups(biasDecay: λb), learningRate: γ, beta1: β1, beta2: β2,
                                   epsilon: ε, weightDecay: λ, amsgrad: amsgrad)
            trace = Self.steps(&opt, rate: γ, gradients: gradients)
            #expect(opt.name == "adamw" && opt.saveState().kind == "adamw" && opt.stepCount == 3)
            #expect((opt.state.maxSecondMoment != nil) == amsgrad)
        } else {
            var opt = try Adam<T>(parameterCount: 3, groups: Self.groups(biasDecay: λb), learningRate: γ, beta1: β1, beta2: β2,
                                  epsilon: ε, weightDecay: λ, amsgrad: amsgrad)
            trace = Self.steps(&opt, rate: γ, gradients: gradients)
            #expect(opt.name == "adam" && opt.saveState().kind == "adam" && opt.stepCount == 3)
            #expect((opt.state.maxSecondMoment != nil) == amsgrad)
        }
        let expected = Self.adamReference(rate: γ, β1: β1, β2: β2, ε: ε, λ: [λ, λ, λb], amsgrad: amsgrad, decoupled: decoupled,
                                          gradients: gradients)
        for (t, (x, e)) in zip(trace, expected).enumerated() {
            #expect(maxScaledDifference(x, e) <= Self.tolerance(T.self), "amsgrad \(amsgrad) decoupled \(decoupled), step \(t + 1): \(x) vs \(e)")
        }
        // The first step in closed form: m/c₁ = g and √v/√c₂ = |g|, so θ − γ·g/(|g| + ε), with
        // g ← g + λθ (Adam) or θ ← (1 − γλ)θ first (AdamW).
        let first: [Double] = (0..<3).map { (i: Int) -> Double in
            let lr = γ * Self.scale[i], decay = i < 2 ? λ : λb
            let θ = decoupled ? Self.θ0[i] * (1 - lr * decay) : Self.θ0[i]
            let g = decoupled ? Self.g0[i] : Self.g0[i] + decay * Self.θ0[i]
            return θ - lr * g / (abs(g) + ε)
        }
        #expect(maxScaledDifference(trace[0], first) <= Self.tolerance(T.self), "first step \(trace[0]) vs \(first)")
        if amsgrad {  // AMSGrad's second step differs from Adam's: v̂ keeps v₁ > v₂.
            let plain = Self.adamReference(rate: γ, β1: β1, β2: β2, ε: ε, λ: [λ, λ, λb], amsgrad: false, decoupled: decoupled,
                                           gradients: gradients)
            #expect(maxScaledDifference(plain[1], expected[1]) > 1e-6)
        }
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func adamDouble(amsgrad: Bool, decoupled: Bool) throws { try adam(Double.self, amsgrad: amsgrad, decoupled: decoupled) }
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func adamFloat(amsgrad: Bool, decoupled: Bool) throws { try adam(Float.self, amsgrad: amsgrad, decoupled: decoupled) }

    // MARK: Defaults, validation, state

    @Test func defaultsArePyTorchs() throws {
        let a = try AdaGrad<Double>(parameterCount: 2)
        #expect(a.learningRate == 1e-2 && a.learningRateDecay == 0 && a.weightDecay == 0 && a.initialAccumulatorValue == 0 && a.epsilon == 1e-10)
        let r = try RMSProp<Double>(parameterCount: 2)
        #expect(r.learningRate == 1e-2 && r.alpha == 0.99 && r.epsilon == 1e-8 && r.weightDecay == 0 && r.momentum == nil && !r.centered)
        let m = try Adam<Double>(parameterCount: 2)
        #expect(m.learningRate == 1e-3 && m.beta1 == 0.9 && m.beta2 == 0.999 && m.epsilon == 1e-8 && m.weightDecay == 0 && !m.amsgrad)
        let w = try AdamW<Double>(parameterCount: 2)
        #expect(w.learningRate == 1e-3 && w.beta1 == 0.9 && w.beta2 == 0.999 && w.epsilon == 1e-8 && w.weightDecay == 0.01 && !w.amsgrad)
        // The registry's default rates: PyTorch's for rmsprop, ten times PyTorch's for adagrad,
        // adam and adamw (see `AdamSpec`), as sgd's 0.01 is ten times torch's SGD default.
        for (name, rate) in [("adagrad", 0.1), ("rmsprop", 1e-2), ("adam", 1e-2), ("adamw", 1e-2)] {
            #expect(try OptimizerRegistry.spec(named: name).defaultLearningRate == rate)
        }
        let text = try OptimizerSettings(parsing: "adam:beta1=0.8,beta2=0.99,eps=1e-6,weight-decay=0.1,amsgrad")
        #expect(text.description == "adam:beta1=0.8,beta2=0.99,eps=1e-06,weight_decay=0.1,amsgrad")
        #expect(try OptimizerSettings(parsing: "adamw").number("weight_decay") == 0.01)
        #expect(try OptimizerSettings(parsing: "rmsprop:centred,momentum=0.9").flag("centered"))
    }

    @Test func validation() throws {
        for (field, build) in [
            ("learning rate", { _ = try AdaGrad<Double>(parameterCount: 2, learningRate: -1) }),
            ("lr_decay", { _ = try AdaGrad<Double>(parameterCount: 2, learningRateDecay: -1) }),
            ("initial accumulator", { _ = try AdaGrad<Double>(parameterCount: 2, initialAccumulatorValue: -1) }),
            ("epsilon", { _ = try AdaGrad<Double>(parameterCount: 2, epsilon: 0) }),
            ("weight decay", { _ = try AdaGrad<Double>(parameterCount: 2, weightDecay: .nan) }),
            ("alpha", { _ = try RMSProp<Double>(parameterCount: 2, alpha: 1.5) }),
            ("momentum", { _ = try RMSProp<Double>(parameterCount: 2, momentum: -0.1) }),
            ("epsilon", { _ = try RMSProp<Double>(parameterCount: 2, epsilon: -1) }),
            ("bias", { _ = try RMSProp<Double>(parameterCount: 2, groups: [ParameterGroup(name: "bias", range: 0..<2, weightDecay: -1)]) }),
            ("beta1", { _ = try Adam<Double>(parameterCount: 2, beta1: 1) }),
            ("beta2", { _ = try Adam<Double>(parameterCount: 2, beta2: -0.1) }),
            ("epsilon", { _ = try Adam<Double>(parameterCount: 2, epsilon: .infinity) }),
            ("AdamW: beta1", { _ = try AdamW<Double>(parameterCount: 2, beta1: 1) }),
            ("AdamW: weight decay", { _ = try AdamW<Double>(parameterCount: 2, weightDecay: -0.01) }),
        ] as [(String, () throws -> Void)] {
            let error = #expect(throws: OptimizerError.self) { try build() }
            #expect(error?.description.contains(field) == true, "\(error?.description ?? "none") should name \(field)")
        }
        var plain = try RMSProp<Float>(parameterCount: 2)
        #expect(throws: OptimizerError.self) { try plain.setMomentum(0.9) }
        var heavy = try RMSProp<Float>(parameterCount: 2, momentum: 0.9)
        try heavy.setMomentum(0.5)
        #expect(heavy.momentum == 0.5)
        var adam = try Adam<Float>(parameterCount: 2)
        #expect(adam.momentum == nil)
        #expect(throws: OptimizerError.self) { try adam.setMomentum(0.9) }
    }

    /// A state restores only into an optimizer of the same kind and layout.
    @Test func stateLayoutMustMatch() throws {
        var adam = try Adam<Double>(parameterCount: 3)
        var ams = try Adam<Double>(parameterCount: 3, amsgrad: true)
        var adamw = try AdamW<Double>(parameterCount: 3)
        _ = Self.steps(&ams, rate: 0.1, gradients: [Self.g0]) as [[Double]]
        #expect(throws: OptimizerError.self) { try adam.restore(ams.saveState()) }
        #expect(throws: OptimizerError.self) { try adamw.restore(adam.saveState()) }
        #expect(throws: OptimizerError.self) { try adam.restore(adamw.saveState()) }
        var ams2 = try Adam<Double>(parameterCount: 3, amsgrad: true)
        try ams2.restore(ams.saveState())
        #expect(ams2.state == ams.state)
        var centred = try RMSProp<Double>(parameterCount: 3, centered: true)
        let momentum = try RMSProp<Double>(parameterCount: 3, momentum: 0.9)
        #expect(throws: OptimizerError.self) { try centred.restore(momentum.saveState()) }
        var grad = try AdaGrad<Double>(parameterCount: 3)
        #expect(throws: OptimizerError.self) { try grad.restore(AdaGrad<Double>(parameterCount: 2).saveState()) }
    }
}
