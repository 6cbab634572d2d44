import Testing
import Descent
import _TestSupport

/// The problem of `scripts/reference/adaptive_torch.py` (`AdaptiveFixtures`): least squares with a
/// weight w = x[0..<3] and a bias b = x[3], f = 1/(2n) Σᵢ (xᵢ·w + b − yᵢ)², its gradient by plain
/// loops in the script's order, and the two parameter groups the script gives torch.
enum AdaptiveTestProblem {
    static func gradient<T: BLASScalar>(_ x: [T]) -> [T] {
        let features = AdaptiveFixtures.features, targets = AdaptiveFixtures.targets
        let n = features.count, d = features[0].count
        precondition(x.count == d + 1, "gradient: x has \(x.count) elements, expected \(d + 1)")
        var r: [T] = []
        for i in 0..<n {
            var s: T = 0
            for j in 0..<d { s += T(features[i][j]) * x[j] }
            r.append(s + x[d] - T(targets[i]))
        }
        var g: [T] = []
        for j in 0..<d {
            var s: T = 0
            for i in 0..<n { s += T(features[i][j]) * r[i] }
            g.append(s / T(n))
        }
        var s: T = 0
        for ri in r { s += ri }
        g.append(s / T(n))
        return g
    }

    /// "weight" with the optimizer's weight decay, "bias" at `biasScale` times the rate with its own decay.
    static func groups(biasWeightDecay: Double) -> [ParameterGroup] {
        [ParameterGroup(name: "weight", range: 0..<3),
         ParameterGroup(name: "bias", range: 3..<4, learningRateScale: AdaptiveFixtures.biasScale, weightDecay: biasWeightDecay)]
    }

    /// Runs a trace's optimizer, built through the registry from its text form, from x0 with the
    /// trace's rates; returns x after each step.
    static func run<T: BLASScalar>(_ trace: AdaptiveFixtures.Trace, as _: T.Type) throws -> [[T]] {
        var opt = try OptimizerSettings(parsing: trace.settings)
            .make(T.self, groups: groups(biasWeightDecay: trace.biasWeightDecay), learningRate: trace.learningRates[0])
        #expect(opt.name == trace.optimizer)
        func iterate<O: Optimizer<T>>(_ o: inout O) -> [[T]] {
            var x = AdaptiveFixtures.x0.map { T($0) }
            var out: [[T]] = []
            for rate in trace.learningRates {
                var g = gradient(x)
                o.step(parameters: &x, gradient: &g, learningRate: rate)
                out.append(x)
            }
            return out
        }
        return iterate(&opt)
    }
}

/// AdaGrad, RMSProp, Adam and AdamW against `torch.optim.Adagrad`/`RMSprop`/`Adam`/`AdamW` traces
/// (float64, two param groups with their own learning rate and weight decay, 20 steps, several
/// option sets each), printed by `scripts/reference/adaptive_torch.py`. Every step is compared:
/// 1e-12 relative to max(1, |x|) in Double (the differences are at rounding, ≤ 4e-16); in Float,
/// against the same float64 trace, 2e-5 as `SGDTestProblem.tolerance` (≤ 3e-7 seen).
struct AdaptiveTraceTests {
    static let optimizers = ["adagrad", "rmsprop", "adam", "adamw"]

    static func tolerance<T: BLASScalar>(_: T.Type) -> Double { T.self == Float.self ? 2e-5 : 1e-12 }

    func torchTraces<T: BLASScalar>(_ optimizer: String, _: T.Type) throws {
        let cases = AdaptiveFixtures.traces.filter { $0.optimizer == optimizer }
        #expect(cases.count >= 3, "\(optimizer): \(cases.count) torch traces")
        var worst = 0.0, worstRelative = 0.0
        for c in cases {
            let trace = try AdaptiveTestProblem.run(c, as: T.self)
            #expect(trace.count == c.x.count, "\(c.name): \(trace.count) steps run, torch trace has \(c.x.count)")
            for (k, (x, expected)) in zip(trace, c.x).enumerated() {
                let xd = x.map { Double($0) }
                let err = maxScaledDifference(xd, expected)
                worst = max(worst, err)
                for (a, b) in zip(xd, expected) where b != 0 { worstRelative = max(worstRelative, abs(a - b) / abs(b)) }
                #expect(err <= Self.tolerance(T.self), "\(optimizer) \(c.name) (\(c.settings)), step \(k): \(x) vs torch \(expected) (scaled error \(err))")
            }
        }
        print("AdaptiveTraceTests \(optimizer) \(T.self): max difference to torch \(worst) relative to max(1, |x|), \(worstRelative) relative to |x|")
    }

    @Test(arguments: optimizers) func torchTracesDouble(optimizer: String) throws { try torchTraces(optimizer, Double.self) }
    @Test(arguments: optimizers) func torchTracesFloat(optimizer: String) throws { try torchTraces(optimizer, Float.self) }

    /// The fixture covers the options the brief names: amsgrad, centred with momentum, lr_decay and
    /// initial_accumulator_value, a bias group with its own decay, a changing rate.
    @Test func fixtureCoversTheOptions() throws {
        let settings = AdaptiveFixtures.traces.map(\.settings)
        for needle in ["adam:", "amsgrad", "centered", "momentum", "lr_decay", "initial_accumulator_value", "adamw:"] {
            #expect(settings.contains { $0.contains(needle) }, "no torch trace with \(needle)")
        }
        #expect(settings.contains { $0.contains("centered") && $0.contains("momentum") })
        #expect(AdaptiveFixtures.traces.contains { $0.biasWeightDecay != 0 })
        #expect(AdaptiveFixtures.traces.contains { Set($0.learningRates).count > 1 })
    }
}
