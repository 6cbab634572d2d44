import Testing
import Descent
import _TestSupport

/// `SupervisedObjective` evaluates a batch larger than its chunk (512 KB of input rows: 128 rows of
/// 1024 Float inputs, 64 rows of 1024 Double inputs) in chunks whose parameter gradients add up.
/// With d = 1024 and B = 300 these batches span 3 (Float) and 5 (Double) chunks, the last one short.
struct ChunkedBatchTests {
    static let (n, d) = (300, 1024)

    /// Linear model, squared error, k = 2: loss and gradient against the closed form
    /// L = 1/(2B)·Σᵢ‖W·xᵢ + b − yᵢ‖², ∂L/∂W = (1/B)·Σᵢ rᵢxᵢᵀ, ∂L/∂b = (1/B)·Σᵢ rᵢ, computed naively in
    /// Double, for a zero-copy row range and for a shuffled (gathered) batch.
    func linearClosedForm<T: BLASScalar>(_: T.Type, tol: Double) throws {
        let (n, d, k) = (Self.n, Self.d, 2)
        let x: Matrix<T> = randomMatrix(n, d, seed: 11), y: Matrix<T> = randomMatrix(n, k, seed: 12)
        let model = LinearModel<T>(inputs: d, outputs: k)
        let theta: [T] = randomVector(model.parameterCount, seed: 13)
        var objective = try SupervisedObjective(x: x, y: y, model: model, loss: .squaredError, maximumBatchSize: n)

        var order = Array(0..<n)
        var g = SeededGenerator(seed: 14)
        order.shuffle(using: &g)
        let rowsUsed: [[Int]] = [Array(0..<n), Array(order[0..<(n - 7)])]
        for (case_, rows) in rowsUsed.enumerated() {
            var gradient = [T](repeating: .nan, count: model.parameterCount)
            let loss: Double = theta.withUnsafeBufferPointer { p in
                gradient.withUnsafeMutableBufferPointer { gb in
                    if case_ == 0 { return objective.lossAndGradient(parameters: p, gradient: gb, batch: .rows(0..<n)) }
                    return rows.withUnsafeBufferPointer { objective.lossAndGradient(parameters: p, gradient: gb, batch: .indices($0)) }
                }
            }
            // Closed form in Double.
            let b = Double(rows.count)
            var expectedLoss = 0.0
            var expected = [Double](repeating: 0, count: model.parameterCount)
            for i in rows {
                for o in 0..<k {
                    var z = Double(theta[d * k + o])
                    for j in 0..<d { z += Double(theta[o * d + j]) * Double(x[i, j]) }
                    let r = z - Double(y[i, o])
                    expectedLoss += 0.5 * r * r / b
                    for j in 0..<d { expected[o * d + j] += r * Double(x[i, j]) / b }
                    expected[d * k + o] += r / b
                }
            }
            #expect(isClose(loss, expectedLoss, tol: tol), "loss \(loss), closed form \(expectedLoss)")
            // The forward-only paths chunk the same way (the workspace holds one chunk, not B rows).
            let forwardOnly: Double = theta.withUnsafeBufferPointer { p in
                if case_ == 0 { return objective.loss(parameters: p, batch: .rows(0..<n)) }
                return rows.withUnsafeBufferPointer { objective.loss(parameters: p, batch: .indices($0)) }
            }
            #expect(isClose(forwardOnly, expectedLoss, tol: tol), "forward-only loss \(forwardOnly), closed form \(expectedLoss)")
            if case_ == 0 {
                let evaluated = objective.evaluate(parameters: theta).loss
                #expect(isClose(evaluated, expectedLoss, tol: tol), "evaluate \(evaluated), closed form \(expectedLoss)")
            }
            let difference = maxScaledDifference(gradient.map { Double($0) }, expected)
            #expect(difference <= tol, "batch \(case_): gradient differs from the closed form by \(difference)")
        }
    }

    @Test func linearFloat() throws { try linearClosedForm(Float.self, tol: 1e-4) }
    @Test func linearDouble() throws { try linearClosedForm(Double.self, tol: 1e-11) }

    /// MLP with a Huber loss: the chunked batch gradient equals the mean of the B single-sample
    /// gradients of an objective whose batches are one row (never chunked).
    func mlpMatchesPerSample<T: BLASScalar>(_: T.Type, tol: Double) throws {
        let (n, d, k) = (Self.n, Self.d, 2)
        let x: Matrix<T> = randomMatrix(n, d, seed: 21), y: Matrix<T> = randomMatrix(n, k, seed: 22)
        let model = MLP<T>(inputs: d, hidden: [5], outputs: k)
        let theta = model.initialParameters(seed: 23)
        let loss = Loss.huber(delta: 0.3)
        var chunked = try SupervisedObjective(x: x, y: y, model: model, loss: loss, maximumBatchSize: n)
        var single = try SupervisedObjective(x: x, y: y, model: model, loss: loss, maximumBatchSize: 1)

        let (value, gradient) = EngineFixtures.lossAndGradient(&chunked, theta, .rows(0..<n))
        var meanValue = 0.0
        var mean = [Double](repeating: 0, count: model.parameterCount)
        for i in 0..<n {
            let (v, g) = EngineFixtures.lossAndGradient(&single, theta, .rows(i..<(i + 1)))
            meanValue += v / Double(n)
            for j in mean.indices { mean[j] += Double(g[j]) / Double(n) }
        }
        #expect(isClose(value, meanValue, tol: tol), "loss \(value), per-sample mean \(meanValue)")
        let difference = maxScaledDifference(gradient.map { Double($0) }, mean)
        #expect(difference <= tol, "gradient differs from the per-sample mean by \(difference)")
    }

    @Test func mlpFloat() throws { try mlpMatchesPerSample(Float.self, tol: 1e-4) }
    @Test func mlpDouble() throws { try mlpMatchesPerSample(Double.self, tol: 1e-11) }
}
