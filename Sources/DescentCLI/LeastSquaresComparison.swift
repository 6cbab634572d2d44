import Descent

/// How close SGD came to the exact least-squares answer on the built-in problem.
struct LeastSquaresComparison: Encodable {
    /// The loss at the least-squares solution (the lowest a linear model can reach).
    var leastSquaresLoss: Double
    var sgdLoss: Double
    /// sgdLoss − leastSquaresLoss (≥ 0 up to rounding).
    var gap: Double
    var relativeGap: Double
    /// ‖θ − θ*‖/‖θ*‖ over weights and intercept (linear model with intercept only).
    var relativeDistance: Double?

    static func make<S: BLASScalar>(setup: TrainingSetup<S>, parameters: [S], sgdLoss: Double) throws -> LeastSquaresComparison {
        let x = setup.train.x, y = setup.train.y
        let exact = try LeastSquares.solve(x, y, intercept: true)
        let linear = LinearModel<S>(inputs: x.cols, outputs: y.cols, intercept: true)
        let star = linear.parameters(weights: exact.weights, bias: exact.bias)
        let objective = try SupervisedObjective(x: x, y: y, model: linear, loss: setup.loss, maximumBatchSize: 4096)
        let lsLoss = objective.evaluate(parameters: star).loss
        var distance: Double? = nil
        if setup.shape == linear.shape {
            var num = 0.0, den = 0.0
            for (a, b) in zip(parameters, star) { num += Double(a - b) * Double(a - b); den += Double(b) * Double(b) }
            distance = (num / den).squareRoot()
        }
        return LeastSquaresComparison(leastSquaresLoss: lsLoss, sgdLoss: sgdLoss, gap: sgdLoss - lsLoss,
                                      relativeGap: (sgdLoss - lsLoss) / lsLoss, relativeDistance: distance)
    }

    var lines: [String] {
        var l = ["  exact least-squares loss  \(Format.number(leastSquaresLoss))   (LAPACK gelsd)",
                 "  SGD loss                  \(Format.number(sgdLoss))",
                 "  gap                       \(Format.scientific(gap))   (\(Format.scientific(relativeGap)) relative)"]
        if let d = relativeDistance { l.append("  ‖W − W*‖ / ‖W*‖           \(Format.scientific(d))") }
        return l
    }
}

