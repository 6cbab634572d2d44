import Descent

/// The golden least-squares problem of `scripts/reference/sgd_adadelta_traces.py` (also
/// `LRFreeGoldenProblem`), f(x) = ½‖Ax − b‖², evaluated by plain loops in the
/// scalar's precision (the same order as torch's `A @ x - b`, then `Aᵀ r`).
enum SGDTestProblem {
    static var x0: [Double] { SGDAdaDeltaFixtures.x0 }

    static func gradient<T: BLASScalar>(_ x: [T]) -> [T] {
        let a = SGDAdaDeltaFixtures.a, b = SGDAdaDeltaFixtures.b
        precondition(x.count == a[0].count, "gradient: x has \(x.count) elements, A has \(a[0].count) columns")
        let r: [T] = a.indices.map { i in
            var s: T = 0
            for j in x.indices { s += T(a[i][j]) * x[j] }
            return s - T(b[i])
        }
        return x.indices.map { j in
            var s: T = 0
            for i in a.indices { s += T(a[i][j]) * r[i] }
            return s
        }
    }

    /// Trace tolerance relative to max(1, |x|): Double agrees with torch's float64 to rounding;
    /// Float carries ~1e-7 relative error per operation through a few steps.
    static func tolerance<T: BLASScalar>(_: T.Type) -> T { T.self == Float.self ? T(2e-5) : T(1e-12) }

    /// Runs `optimizer` from x0 with the given learning rates; returns x after each step.
    static func run<T: BLASScalar, O: Optimizer>(_ optimizer: inout O, learningRates: [Double], from start: [T]? = nil) -> [[T]]
    where O.Scalar == T {
        var x = start ?? x0.map { T($0) }
        var trace: [[T]] = []
        for lr in learningRates {
            var g = gradient(x)
            optimizer.step(parameters: &x, gradient: &g, learningRate: lr)
            trace.append(x)
        }
        return trace
    }
}
