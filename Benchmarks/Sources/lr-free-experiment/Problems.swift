import Descent
import Foundation

/// One regression problem of the experiment: a fixed training/validation split, the model to
/// train, and the reference figures the table compares against.
struct Problem<Scalar: BLASScalar> {
    let key: String
    let title: String
    /// How the data were made, for the doc.
    let description: String
    let training: Dataset<Scalar>
    let validation: Dataset<Scalar>
    let model: any Model<Scalar>
    let epochs: Int
    /// The exact least-squares optimum's training loss for (a) (to report the excess loss); nil for (b).
    let optimalTrainingLoss: Double?
    /// Reference lines for the doc ("exact least-squares optimum: validation RMSE …").
    let references: [(label: String, trainingLoss: Double, validationRMSE: Double, validationR2: Double)]
}

/// Deterministic data generation. The problems are fixed (generated from `problemSeed`); the
/// experiment's seeds change only the initialisation and the mini-batch order.
enum Problems {
    static let problemSeed: UInt64 = 2026
    static let sampleCount = 4000
    static let validationFraction = 0.2
    static let noise = 0.1

    /// (a) Linear least squares, d = 50: x = z·diag(√λ)·Q with z standard normal, Q a random
    /// orthogonal matrix and λ log-spaced from 1 to 0.01, so the feature covariance QᵀΛQ has
    /// condition number 100 and every feature is correlated with the others; y = x·w* + b* + 0.1·ε
    /// with w* ~ N(0, I), b* = 1.
    static func leastSquares<Scalar: BLASScalar>(_: Scalar.Type = Scalar.self) throws -> Problem<Scalar> {
        let d = 50, n = sampleCount
        var g = SeededGenerator(seed: problemSeed)
        let q = randomOrthogonal(d, &g)
        let scales = (0..<d).map { i in pow10(-2.0 * Double(i) / Double(d - 1)).squareRoot() }
        let wStar = (0..<d).map { _ in g.nextGaussian() }
        let bStar = 1.0
        var xs = [Double](repeating: 0, count: n * d), ys = [Double](repeating: 0, count: n)
        var z = [Double](repeating: 0, count: d)
        for i in 0..<n {
            for j in 0..<d { z[j] = g.nextGaussian() * scales[j] }
            var target = bStar
            for c in 0..<d {
                var v = 0.0
                for j in 0..<d { v += z[j] * q[j * d + c] }
                xs[i * d + c] = v
                target += v * wStar[c]
            }
            ys[i] = target + noise * g.nextGaussian()
        }
        let (training, validation): (Dataset<Scalar>, Dataset<Scalar>) = try split(xs, ys, d: d)
        let model = LinearModel<Scalar>(inputs: d, outputs: 1)
        let solution = try LeastSquares.solve(training.x, training.y)
        let optimum = model.parameters(weights: solution.weights, bias: solution.bias)
        let reference = try evaluate(model, optimum, training, validation)
        return Problem(
            key: "a", title: "(a) Linear least squares",
            description: "n = \(n) samples (\(training.sampleCount) training / \(validation.sampleCount) validation), d = \(d) correlated features "
                + "x = z·diag(√λ)·Q (z standard normal, Q random orthogonal, λ log-spaced 1 … 0.01, so the feature covariance has condition number 100), "
                + "y = x·w* + 1 + \(noise)·ε with w* ~ N(0, I). Model: linear with intercept, started at 0.",
            training: training, validation: validation, model: model, epochs: 20,
            optimalTrainingLoss: reference.trainingLoss,
            references: [("exact least-squares optimum (LAPACK gelsd on the training part)",
                          reference.trainingLoss, reference.rmse, reference.r2)])
    }

    /// (b) Nonlinear regression, d = 10, x ~ N(0, I):
    /// y = sin(2x₀) + x₁·x₂ + ½(x₃² − 1) + ½·cos(x₄ + x₅) + 0.1·ε; x₆ … x₉ are distractors.
    /// Model: ReLU MLP 10 → 64 → 64 → 1 (He/Xavier initialisation from the run's seed).
    static func mlpRegression<Scalar: BLASScalar>(_: Scalar.Type = Scalar.self) throws -> Problem<Scalar> {
        let d = 10, n = sampleCount
        var g = SeededGenerator(seed: problemSeed + 1)
        var xs = [Double](repeating: 0, count: n * d), ys = [Double](repeating: 0, count: n)
        for i in 0..<n {
            for j in 0..<d { xs[i * d + j] = g.nextGaussian() }
            let x = xs[(i * d)..<(i * d + d)].map { $0 }
            ys[i] = sin(2 * x[0]) + x[1] * x[2] + 0.5 * (x[3] * x[3] - 1) + 0.5 * cos(x[4] + x[5])
                + noise * g.nextGaussian()
        }
        let (training, validation): (Dataset<Scalar>, Dataset<Scalar>) = try split(xs, ys, d: d)
        let linear = LinearModel<Scalar>(inputs: d, outputs: 1)
        let solution = try LeastSquares.solve(training.x, training.y)
        let linearFit = try evaluate(linear, linear.parameters(weights: solution.weights, bias: solution.bias), training, validation)
        let model = MLP<Scalar>(inputs: d, hidden: [64, 64], outputs: 1)
        return Problem(
            key: "b", title: "(b) ReLU MLP regression",
            description: "n = \(n) samples (\(training.sampleCount) training / \(validation.sampleCount) validation), d = \(d) features x ~ N(0, I), "
                + "y = sin(2x₀) + x₁x₂ + ½(x₃² − 1) + ½cos(x₄ + x₅) + \(noise)·ε (x₆ … x₉ are distractors). "
                + "Model: ReLU MLP 10 → 64 → 64 → 1 (\(model.parameterCount) parameters), He-uniform hidden / Xavier-uniform output initialisation from the run's seed.",
            training: training, validation: validation, model: model, epochs: 30,
            optimalTrainingLoss: nil,
            references: [("best linear fit (exact least squares on the training part)",
                          linearFit.trainingLoss, linearFit.rmse, linearFit.r2),
                         ("noise floor (RMSE of the noise itself)", 0.5 * noise * noise, noise, .nan)])
    }

    // MARK: Helpers

    static func split<Scalar: BLASScalar>(_ xs: [Double], _ ys: [Double], d: Int) throws
        -> (Dataset<Scalar>, Dataset<Scalar>) {
        let n = ys.count
        let all = try Dataset(x: Matrix(rows: n, cols: d, elements: xs.map { Scalar($0) }),
                              y: Matrix(rows: n, cols: 1, elements: ys.map { Scalar($0) }))
        return try all.split(validationFraction: validationFraction, seed: problemSeed + 2)
    }

    static func evaluate<Scalar: BLASScalar>(_ model: any Model<Scalar>, _ parameters: [Scalar],
                                             _ training: Dataset<Scalar>, _ validation: Dataset<Scalar>) throws
        -> (trainingLoss: Double, rmse: Double, r2: Double) {
        let objective = try SupervisedObjective(dataset: training, model: model, loss: .squaredError, maximumBatchSize: 1024)
        let t = objective.evaluate(parameters: parameters)
        let v = objective.evaluate(parameters: parameters, on: validation)
        return (t.loss, v.rmse ?? .nan, v.r2 ?? .nan)
    }

    /// A random orthogonal d × d matrix (row-major): Gram–Schmidt (twice, for orthogonality to
    /// rounding) on a Gaussian matrix's rows.
    static func randomOrthogonal(_ d: Int, _ g: inout SeededGenerator) -> [Double] {
        var m = (0..<(d * d)).map { _ in g.nextGaussian() }
        for i in 0..<d {
            for _ in 0..<2 {
                for k in 0..<i {
                    var dot = 0.0
                    for j in 0..<d { dot += m[i * d + j] * m[k * d + j] }
                    for j in 0..<d { m[i * d + j] -= dot * m[k * d + j] }
                }
            }
            var norm = 0.0
            for j in 0..<d { norm += m[i * d + j] * m[i * d + j] }
            norm = norm.squareRoot()
            for j in 0..<d { m[i * d + j] /= norm }
        }
        return m
    }

    static func pow10(_ e: Double) -> Double { pow(10, e) }
}
