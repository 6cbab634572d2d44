import LinearAlgebra
import Training

/// The built-in regression problem `descent train` uses when no data is given: nothing to download,
/// the same numbers on every machine (a fixed seed and `SeededGenerator`).
///
///     zᵢⱼ ~ N(0, 1),   xᵢⱼ = sⱼ·(zᵢⱼ + ρ·zᵢ,ⱼ₋₁)   (neighbouring features correlated, ρ = 0.5,
///                                                   scales sⱼ = 1 + j/(d−1) from 1 to 2)
///     yᵢ = xᵢ·w + b + σ·εᵢ,   εᵢ ~ N(0, 1),   σ = 0.1,
///     wⱼ = (−1)ʲ·(1 + j/10),  b = 0.5
///
/// with n = 20 000 samples and d = 20 features. The exact answer to compare with is the
/// least-squares fit on these samples (`LeastSquares.solve`), not w itself (the noise moves it).
public enum EmbeddedProblem {
    /// n, the number of samples (20 000).
    public static let sampleCount = 20_000
    /// d, the number of features (20).
    public static let featureCount = 20
    /// The seed of the generator that draws the problem.
    public static let seed: UInt64 = 20_240_601
    /// σ, the standard deviation of the targets' noise.
    public static let noise = 0.1
    /// ρ, the weight of the previous feature's draw in each feature.
    public static let correlation = 0.5
    /// b, the intercept of the true model.
    public static let intercept = 0.5

    /// Settings used unless the user gives their own: mini-batch SGD with momentum and a per-update
    /// cosine decay to 0 over the whole run.
    public static let epochs = 10
    /// The default batch size on the built-in problem.
    public static let batchSize = 64
    /// The default SGD momentum on the built-in problem.
    public static let momentum = 0.9
    /// The default learning rate on the built-in problem (the cosine decay's start).
    public static let learningRate = 0.01

    /// w, the true weights: wⱼ = (−1)ʲ·(1 + j/10).
    public static func trueWeights() -> [Double] {
        (0..<featureCount).map { (j: Int) -> Double in
            let sign: Double = j % 2 == 0 ? 1 : -1
            return sign * (1 + Double(j) / 10)
        }
    }

    /// sⱼ, the scale of feature j, from 1 (j = 0) to 2 (j = d − 1).
    public static func scale(_ j: Int) -> Double { 1 + Double(j) / Double(featureCount - 1) }

    /// Generates the problem's features (n × d) and targets (n × 1), the same on every machine.
    public static func make<Scalar: BLASScalar>(_: Scalar.Type) -> (x: Matrix<Scalar>, y: Matrix<Scalar>) {
        var g = SeededGenerator(seed: seed)
        let w = trueWeights()
        var x = Matrix<Scalar>(rows: sampleCount, cols: featureCount)
        var y = Matrix<Scalar>(rows: sampleCount, cols: 1)
        var z = [Double](repeating: 0, count: featureCount)
        for i in 0..<sampleCount {
            for j in 0..<featureCount { z[j] = g.nextGaussian() }
            var target = intercept
            for j in 0..<featureCount {
                let v = scale(j) * (z[j] + (j > 0 ? correlation * z[j - 1] : 0))
                x[i, j] = Scalar(v)
                target += v * w[j]
            }
            y[i, 0] = Scalar(target + noise * g.nextGaussian())
        }
        return (x, y)
    }

    /// The feature names, `x1` to `x20`.
    public static var featureNames: [String] { (1...featureCount).map { "x\($0)" } }

    /// The cosine schedule's text for `updates` updates in all (learning rate reaching 0 at the end).
    public static func schedule(updates: Int) -> String { "cosine:T=\(updates),unit=batch" }
}
