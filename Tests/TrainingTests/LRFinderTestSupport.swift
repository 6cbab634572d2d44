import Descent

/// Heavy-ball momentum in PyTorch's convention (b₁ = g, b = μb + g, p ← p − lr·b), test-local so the
/// range test's restore is checked against an optimizer whose state really changes every step. Its
/// typed state goes through `OptimizerWithTypedState`, as a library user's optimizer would.
struct TestMomentumSGD<Scalar: BLASScalar>: OptimizerWithTypedState {
    struct State: OptimizerStatePayload {
        static var version: Int { 1 }
        var steps: Int
        var momentum: Double
        var buffer: [Double]
    }

    var name: String { "test-momentum" }
    let parameterCount: Int
    var mu: Double
    var buffer: [Scalar]
    var steps = 0

    init(parameterCount: Int, momentum: Double) {
        self.parameterCount = parameterCount; self.mu = momentum
        buffer = [Scalar](repeating: 0, count: parameterCount)
    }

    var momentum: Double? { mu }
    mutating func setMomentum(_ value: Double) throws { mu = value }

    mutating func step(parameters: UnsafeMutableBufferPointer<Scalar>, gradient: UnsafeMutableBufferPointer<Scalar>, learningRate: Double) {
        for i in 0..<parameterCount {
            buffer[i] = steps == 0 ? gradient[i] : Scalar(mu) * buffer[i] + gradient[i]
            parameters[i] -= Scalar(learningRate) * buffer[i]
        }
        steps += 1
    }

    var state: State { State(steps: steps, momentum: mu, buffer: buffer.map(Double.init)) }

    func validate(_ state: State, _ check: StateCheck) throws {
        try check.counter(state.steps, "steps")
        try check.perParameter(state.buffer, "buffer")
    }

    mutating func restore(_ saved: OptimizerState) throws {
        let s = try validatedState(from: saved)
        steps = s.steps; mu = s.momentum; buffer = s.buffer.map { Scalar($0) }
    }
}

/// Plain gradient descent p ← p − lr·g (no state).
struct TestGD<Scalar: BLASScalar>: Optimizer {
    var name: String { "test-gd" }
    let parameterCount: Int
    mutating func step(parameters: UnsafeMutableBufferPointer<Scalar>, gradient: UnsafeMutableBufferPointer<Scalar>, learningRate: Double) {
        for i in 0..<parameterCount { parameters[i] -= Scalar(learningRate) * gradient[i] }
    }
    func saveState() -> OptimizerState { OptimizerState(kind: name) }
    mutating func restore(_ state: OptimizerState) throws { try state.expect(kind: name) }
}

/// Least squares ½·mean_i (a_iᵀw − b_i)² over the batch's rows, with plain loops (test-local truth).
/// Records the sample indices of every batch it sees.
struct TestLeastSquares<Scalar: BLASScalar>: Objective {
    let a: [[Double]]
    let b: [Double]
    var parameterCount: Int { a[0].count }
    var sampleCount: Int { a.count }
    var maximumBatchSize: Int { a.count }
    var seen: [[Int]] = []

    init(a: [[Double]], b: [Double]) { self.a = a; self.b = b }

    init(samples: Int, features: Int, seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        a = (0..<samples).map { _ in (0..<features).map { _ in g.nextGaussian() } }
        b = (0..<samples).map { _ in g.nextGaussian() }
    }

    func loss(at w: [Double], samples: [Int]) -> Double {
        samples.reduce(0.0) { acc, i in
            let r = zip(a[i], w).reduce(0.0) { $0 + $1.0 * $1.1 } - b[i]
            return acc + 0.5 * r * r
        } / Double(samples.count)
    }

    mutating func lossAndGradient(parameters: UnsafeBufferPointer<Scalar>, gradient: UnsafeMutableBufferPointer<Scalar>, batch: Batch) -> Double {
        let rows: [Int]
        switch batch {
        case .rows(let r): rows = Array(r)
        case .indices(let i): rows = Array(i)
        }
        seen.append(rows)
        var grad = [Double](repeating: 0, count: parameterCount), total = 0.0
        for i in rows {
            let r = (0..<parameterCount).reduce(0.0) { $0 + a[i][$1] * Double(parameters[$1]) } - b[i]
            total += 0.5 * r * r
            for j in 0..<parameterCount { grad[j] += r * a[i][j] }
        }
        for j in 0..<parameterCount { gradient[j] = Scalar(grad[j] / Double(rows.count)) }
        return total / Double(rows.count)
    }
}

final class ScriptCounter: @unchecked Sendable { var k = 0 }

/// Returns the scripted losses in turn (zero gradient), to drive the stop rule.
func scriptedObjective<Scalar: BLASScalar>(_ losses: [Double], as: Scalar.Type) -> ClosureObjective<Scalar> {
    let counter = ScriptCounter()
    return ClosureObjective<Scalar>(parameterCount: 1) { _, g in
        g[0] = 0
        defer { counter.k += 1 }
        return losses[counter.k]
    }
}

func isRelativelyClose(_ a: Double, _ b: Double, _ tol: Double) -> Bool { Swift.abs(a - b) <= tol * Swift.max(Swift.abs(a), Swift.abs(b)) }
