import Testing
import Descent
import _TestSupport

/// Gradient clipping against PyTorch (`ClipGradTorchReference`, made by
/// `scripts/reference/clip_grad_torch.py`): SGD with momentum 0.9 on a 10-row linear regression,
/// batches of 4 in order, the clip applied before every step; by 2-norm, ∞-norm, value, and value
/// then norm. The reference's clip is active at some updates only, so both branches are compared.
/// Plus first-step checks against the closed form of each rule.
struct GradientClippingTests {
    typealias Ref = ClipGradTorchReference

    func clipping(_ c: Ref.Case) throws -> GradientClipping {
        try GradientClipping(maxNorm: c.maxNorm, norm: c.infinityNorm ? .infinity : .two, maxValue: c.clipValue)
    }

    /// Trains the reference's problem with `clipping`; returns the parameters after every update and
    /// the total norm the clip saw at each (recomputed by the test from the gradient before the step).
    func replay<T: BLASScalar>(_ c: Ref.Case, as _: T.Type) throws -> [[Double]] {
        let data = try Dataset(x: Matrix(rows: Ref.rows, cols: Ref.features, elements: Ref.x.map { T($0) }),
                               y: Matrix(rows: Ref.rows, cols: 1, elements: Ref.y.map { T($0) }))
        let objective = try Integration.linearObjective(data)
        let sgd = try SGD<T>(parameterCount: objective.parameterCount, momentum: Ref.momentum)
        var configuration = try TrainingConfiguration(epochs: Ref.epochs, batchSize: .size(Ref.batchSize), shuffle: .none,
                                                      learningRate: Ref.learningRate)
        configuration.gradientClipping = try clipping(c)
        let trainer = try Trainer(objective: objective, optimizer: sgd, configuration: configuration,
                                  initialParameters: [T](repeating: 0, count: objective.parameterCount))
        var trace: [[Double]] = []
        trainer.onStep = { [unowned trainer] _ in
            trace.append(trainer.currentParameters.map { Double($0) })
            return .continue
        }
        _ = try trainer.run()
        return trace
    }

    @Test(arguments: Ref.cases.map(\.name))
    func matchesTorchDouble(_ name: String) throws {
        let c = Ref.cases.first { $0.name == name }!
        let trace = try replay(c, as: Double.self)
        #expect(trace.count == c.parameters.count)
        for (k, (mine, torch)) in zip(trace, c.parameters).enumerated() {
            #expect(maxScaledDifference(mine, torch) <= 1e-12, "\(name), update \(k + 1): \(mine) vs torch \(torch)")
        }
    }

    @Test(arguments: Ref.cases.map(\.name))
    func matchesTorchFloat(_ name: String) throws {
        let c = Ref.cases.first { $0.name == name }!
        let trace = try replay(c, as: Float.self)
        for (k, (mine, torch)) in zip(trace, c.parameters).enumerated() {
            #expect(maxScaledDifference(mine, torch) <= 1e-4, "\(name), update \(k + 1): \(mine) vs torch \(torch)")
        }
    }

    /// The gradient of the reference's first batch at zero: g = (1/m)·Σ (0 − yᵢ)·[xᵢ, 1].
    func firstGradient() -> [Double] {
        var g = [Double](repeating: 0, count: Ref.features + 1)
        for i in 0..<Ref.batchSize {
            let r = -Ref.y[i] / Double(Ref.batchSize)
            for j in 0..<Ref.features { g[j] += r * Ref.x[i * Ref.features + j] }
            g[Ref.features] += r
        }
        return g
    }

    func clipped(_ g: [Double], _ clipping: GradientClipping) -> ([Double], Double?) {
        var out = g
        let total = out.withUnsafeMutableBufferPointer { clipping.apply(to: $0) }
        return (out, total)
    }

    @Test func firstStepNormRuleIsTheClosedForm() throws {
        let g = firstGradient()
        let norm = g.map { $0 * $0 }.reduce(0, +).squareRoot()
        // Active: half the norm.
        let (half, total) = clipped(g, try GradientClipping(maxNorm: norm / 2))
        #expect(abs(total! - norm) <= 1e-14 * norm)
        let c = (norm / 2) / (norm + 1e-6)
        #expect(maxScaledDifference(half, g.map { $0 * c }) <= 1e-15)
        // At or above the norm the coefficient is ≥ 1 and the gradient is left as it was (bit for bit).
        #expect(clipped(g, try GradientClipping(maxNorm: norm * 1.5)).0 == g)
        // ∞-norm: max |gᵢ|.
        let inf = g.map(abs).max()!
        let (byInf, infTotal) = clipped(g, try GradientClipping(maxNorm: inf / 4, norm: .infinity))
        #expect(infTotal == inf)
        #expect(abs(byInf.map(abs).max()! - inf / 4) <= 1e-6)
    }

    @Test func firstStepValueRuleClampsEachElement() throws {
        let g = firstGradient()
        let v = g.map(abs).sorted()[g.count / 2]      // the median magnitude: some elements clamp, some do not
        let (out, total) = clipped(g, try GradientClipping(maxValue: v))
        #expect(total == nil)
        #expect(out == g.map { Swift.min(Swift.max($0, -v), v) })
        #expect(out.contains { abs($0) < v } && out.contains { abs($0) == v })
    }

    @Test func rejectsBadBounds() {
        for bad in [0.0, -1.0, .infinity, .nan] {
            #expect(throws: TrainingError.self) { try GradientClipping(maxNorm: bad) }
            #expect(throws: TrainingError.self) { try GradientClipping(maxValue: bad) }
        }
        #expect(throws: TrainingError.self) { try GradientClipping() }
    }
}
