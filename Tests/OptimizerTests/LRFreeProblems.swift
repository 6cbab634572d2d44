import Descent
import _TestSupport

/// The golden least-squares problem of the optimizer tests: f(x) = ½‖Ax − b‖² with A 3×4, b and
/// x₀ below, full-batch gradient Aᵀ(Ax − b). The same problem as `SGDTestProblem` (A, b and x₀ of
/// `SGDAdaDeltaFixtures`, from `scripts/reference/sgd_adadelta_traces.py`).
enum LRFreeGoldenProblem {
    static let a: [[Double]] = [[2, 0, 1, 0], [0, 1, 0, -1], [1, 1, 1, 1]]
    static let b: [Double] = [1, 2, 3]
    static let x0: [Double] = [0.5, -1.0, 2.0, 1.5]

    /// Aᵀ(Ax − b), accumulated in Double with plain loops.
    static func gradient<T: BLASScalar>(_ x: [T]) -> [T] {
        var g = [Double](repeating: 0, count: 4)
        for i in 0..<3 {
            var r = -b[i]
            for j in 0..<4 { r += a[i][j] * Double(x[j]) }
            for j in 0..<4 { g[j] += a[i][j] * r }
        }
        return g.map { T($0) }
    }

    /// Runs `steps` full-batch steps from x0, calling `inspect(k, x, optimizer)` after step k.
    static func run<O: Optimizer>(_ optimizer: inout O, steps: Int = 5, learningRate: Double = 1,
                                  inspect: (Int, [O.Scalar], O) -> Void = { _, _, _ in }) -> [O.Scalar] {
        var x = x0.map { O.Scalar($0) }
        for k in 0..<steps {
            var g = gradient(x)
            optimizer.step(parameters: &x, gradient: &g, learningRate: learningRate)
            inspect(k, x, optimizer)
        }
        return x
    }
}

/// The two-group linear model of `LRFreeFixtures` (y = Wx + b, loss ½·mean‖Wx + b − y‖²).
enum LRFreeTwoGroupModel {
    typealias F = LRFreeFixtures
    static let weightCount = F.outputs * F.features
    static let count = weightCount + F.outputs

    static func groups(weightDecayOfWeights: Double? = nil, weightDecayOfBias: Double? = nil) -> [ParameterGroup] {
        [ParameterGroup(name: "weight", range: 0..<weightCount, weightDecay: weightDecayOfWeights),
         ParameterGroup(name: "bias", range: weightCount..<count, weightDecay: weightDecayOfBias)]
    }

    /// The mini-batch gradient of step k (samples `order[8k ..< 8k+8]`), with loops in Double.
    static func gradient<T: BLASScalar>(_ p: [T], step k: Int) -> [T] {
        var g = [Double](repeating: 0, count: count)
        let scale = 1 / Double(F.batchSize)
        for i in F.order[(k * F.batchSize)..<((k + 1) * F.batchSize)] {
            for o in 0..<F.outputs {
                var r = Double(p[weightCount + o]) - F.y[i * F.outputs + o]
                for f in 0..<F.features { r += Double(p[o * F.features + f]) * F.x[i * F.features + f] }
                for f in 0..<F.features { g[o * F.features + f] += scale * r * F.x[i * F.features + f] }
                g[weightCount + o] += scale * r
            }
        }
        return g.map { T($0) }
    }

    /// Runs steps `range` of the fixture's batch sequence on `parameters`.
    static func run<O: Optimizer>(_ optimizer: inout O, parameters: inout [O.Scalar], steps: Range<Int>,
                                  learningRate: Double = 1, after: (Int, [O.Scalar], O) -> Void = { _, _, _ in }) {
        for k in steps {
            var g = gradient(parameters, step: k)
            optimizer.step(parameters: &parameters, gradient: &g, learningRate: learningRate)
            after(k + 1, parameters, optimizer)
        }
    }

    static func evaluation<O: Optimizer>(_ optimizer: O, _ parameters: [O.Scalar]) -> [O.Scalar] {
        var out = [O.Scalar](repeating: 0, count: parameters.count)
        parameters.withUnsafeBufferPointer { p in out.withUnsafeMutableBufferPointer { optimizer.evaluationPoint(parameters: p, into: $0) } }
        return out
    }
}

/// Per-precision tolerance: `double` for Double, `float` for Float.
func lrFreeTolerance<T: BLASScalar>(_: T.Type, double: Double, float: Double) -> Double {
    T.self == Double.self ? double : float
}

/// |a − b| ≤ tol·|b| (for small quantities such as step sizes, where `isClose` would be absolute).
func lrFreeRelativelyClose(_ a: Double, _ b: Double, tol: Double) -> Bool { abs(a - b) <= tol * abs(b) }

func lrFreeDoubles<T: BLASScalar>(_ v: [T]) -> [Double] { v.map { Double($0) } }
