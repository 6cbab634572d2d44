import Foundation
import Testing
import Descent
import _TestSupport

/// Synthetic data sets and small helpers shared by the end-to-end integration tests. Everything here
/// builds REAL components (`Dataset`, `LinearModel`, `MLP`, `SupervisedObjective`, `LeastSquares`);
/// nothing stands in for a library type. Data are drawn in Double from a `SeededGenerator` and then
/// rounded to the scalar, so the Float and Double runs see the same problem up to rounding.
enum Integration {
    /// X (n × d) uniform in [shift − 1, shift + 1), Y = X·W* + b* + σ·N(0, 1) with
    /// W*[i, j] = (−1)^(i+j)·(1 + i/2 + j/3) and b*[j] = 2 − j: a noisy linear regression whose
    /// least-squares fit is not the generating model (so convergence to `LeastSquares.solve` is a real
    /// check) and whose intercept is far from 0 (so a shrunk bias shows).
    static func linear<T: BLASScalar>(samples n: Int, features d: Int, outputs k: Int = 1, noise: Double,
                                      shift: Double = 0.3, seed: UInt64, as _: T.Type = T.self) throws -> Dataset<T> {
        var g = SeededGenerator(seed: seed)
        var xd = [Double](repeating: 0, count: n * d), yd = [Double](repeating: 0, count: n * k)
        for i in 0..<n {
            for c in 0..<d { xd[i * d + c] = shift + 2 * g.nextUnit() - 1 }
            for j in 0..<k {
                var v = 2 - Double(j)
                for c in 0..<d {
                    let w = ((c + j) % 2 == 0 ? 1.0 : -1.0) * (1 + Double(c) / 2 + Double(j) / 3)
                    v += xd[i * d + c] * w
                }
                yd[i * k + j] = v + noise * g.nextGaussian()
            }
        }
        return try Dataset(x: Matrix(rows: n, cols: d, elements: xd.map { T($0) }),
                           y: Matrix(rows: n, cols: k, elements: yd.map { T($0) }))
    }

    /// x uniform in [−1, 1)³ and y = sin(2x₁)·x₂ + x₃² + σ·N(0, 1): nonlinear in every input (a product
    /// and a square), so a linear fit explains little of it.
    static func nonlinear<T: BLASScalar>(samples n: Int, noise: Double, seed: UInt64, as _: T.Type = T.self) throws -> Dataset<T> {
        var g = SeededGenerator(seed: seed)
        var xd = [Double](repeating: 0, count: n * 3), yd = [Double](repeating: 0, count: n)
        for i in 0..<n {
            for c in 0..<3 { xd[i * 3 + c] = 2 * g.nextUnit() - 1 }
            let (x1, x2, x3) = (xd[i * 3], xd[i * 3 + 1], xd[i * 3 + 2])
            yd[i] = Foundation.sin(2 * x1) * x2 + x3 * x3 + noise * g.nextGaussian()
        }
        return try Dataset(x: Matrix(rows: n, cols: 3, elements: xd.map { T($0) }),
                           y: Matrix(rows: n, cols: 1, elements: yd.map { T($0) }))
    }

    /// The squared-error objective of a linear model with intercept on `data`.
    static func linearObjective<T: BLASScalar>(_ data: Dataset<T>, maximumBatchSize: Int? = nil) throws -> SupervisedObjective<T> {
        try SupervisedObjective(dataset: data, model: LinearModel<T>(inputs: data.featureCount, outputs: data.targetCount),
                                loss: .squaredError, maximumBatchSize: maximumBatchSize ?? data.sampleCount)
    }

    /// The exact least-squares fit (LAPACK `gelsd`) in the linear model's parameter layout.
    static func leastSquaresParameters<T: BLASScalar>(_ data: Dataset<T>) throws -> [T] {
        let s = try LeastSquares.solve(data.x, data.y, intercept: true)
        return LinearModel<T>(inputs: data.featureCount, outputs: data.targetCount).parameters(weights: s.weights, bias: s.bias)
    }

    /// The full-data mean loss at `parameters`.
    static func loss<T: BLASScalar>(_ objective: SupervisedObjective<T>, _ parameters: [T]) -> Double {
        objective.evaluate(parameters: parameters).loss
    }

    /// The largest scaled difference (as `maxScaledDifference`) between two parameter vectors, in Double.
    static func distance<T: BLASScalar>(_ a: [T], _ b: [T]) -> Double {
        maxScaledDifference(a.map { Double($0) }, b.map { Double($0) })
    }

    /// Precision-dependent tolerance: `float` for Float, `double` for Double.
    static func tolerance<T: BLASScalar>(_: T.Type, float: Double, double: Double) -> Double {
        T.self == Float.self ? float : double
    }

    static func isFloat<T: BLASScalar>(_: T.Type) -> Bool { T.self == Float.self }
}
