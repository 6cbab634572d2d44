import Testing
import Descent
import _TestSupport

/// The fused linear kernel and the multi-threaded batch split against an independent truth: the
/// chain rule written out in Double (ŷ = x·Wᵀ + b by hand, ∂L/∂ŷ from the loss's batch
/// `valueAndGradient`, then ∂W = δᵀX and ∂b = δᵀ1 by hand), for every loss, 1–3 outputs, with and
/// without an intercept, for consecutive and shuffled batches and for 1, 2 and 3 threads.
struct FusedAndThreadedGradientTests {
    static let (n, d) = (257, 131)

    /// Targets that suit each loss (0/1 for logistic, one-hot rows for softmax).
    static func targets<T: BLASScalar>(_ loss: Loss, n: Int, k: Int, seed: UInt64) -> Matrix<T> {
        var g = SeededGenerator(seed: seed)
        switch loss {
        case .binaryLogistic: return Matrix(rows: n, cols: k) { _, _ in g.nextUnit() < 0.5 ? 0 : 1 }
        case .softmaxCrossEntropy:
            let labels = (0..<n).map { _ in Int(g.nextUnit() * Double(k)) % k }
            return Matrix(rows: n, cols: k) { i, j in labels[i] == j ? 1 : 0 }
        default: return randomMatrix(n, k, seed: seed)
        }
    }

    static let cases: [(Loss, Int)] = [(.squaredError, 1), (.squaredError, 3), (.huber(delta: 0.3), 1), (.huber(delta: 0.3), 2),
                                       (.absoluteError, 2), (.binaryLogistic, 1), (.softmaxCrossEntropy, 3)]

    /// Loss and gradient in Double by the chain rule, for the rows `rows`.
    static func reference<T: BLASScalar>(x: Matrix<T>, y: Matrix<T>, theta: [T], k: Int, intercept: Bool,
                                         loss: Loss, rows: [Int]) -> (Double, [Double]) {
        let d = x.cols, b = rows.count
        let prediction = Matrix<Double>(rows: b, cols: k) { r, o in
            var z = intercept ? Double(theta[d * k + o]) : 0
            for j in 0..<d { z += Double(theta[o * d + j]) * Double(x[rows[r], j]) }
            return z
        }
        let target = Matrix<Double>(rows: b, cols: k) { r, o in Double(y[rows[r], o]) }
        var delta = Matrix<Double>(rows: b, cols: k)
        let value: Double = prediction.withView { p in
            target.withView { t in delta.withMutableView { loss.valueAndGradient(prediction: p, target: t, gradient: $0) } }
        }
        var gradient = [Double](repeating: 0, count: k * d + (intercept ? k : 0))
        for r in 0..<b {
            for o in 0..<k {
                for j in 0..<d { gradient[o * d + j] += delta[r, o] * Double(x[rows[r], j]) }
                if intercept { gradient[d * k + o] += delta[r, o] }
            }
        }
        return (value, gradient)
    }

    static func evaluate<T: BLASScalar>(_ objective: inout SupervisedObjective<T>, theta: [T], rows: [Int]?,
                                        count: Int) -> (Double, [T]) {
        var gradient = [T](repeating: .nan, count: theta.count)
        let value: Double = theta.withUnsafeBufferPointer { p in
            gradient.withUnsafeMutableBufferPointer { g in
                if let rows { return rows.withUnsafeBufferPointer { objective.lossAndGradient(parameters: p, gradient: g, batch: .indices($0)) } }
                return objective.lossAndGradient(parameters: p, gradient: g, batch: .rows(0..<count))
            }
        }
        return (value, gradient)
    }

    func fusedAgainstChainRule<T: BLASScalar>(_: T.Type, tol: Double) throws {
        let (n, d) = (Self.n, Self.d)
        let x: Matrix<T> = randomMatrix(n, d, seed: 21)
        var g = SeededGenerator(seed: 22)
        var order = Array(0..<n)
        order.shuffle(using: &g)
        let shuffled = Array(order[0..<200])
        for (loss, k) in Self.cases {
            let y: Matrix<T> = Self.targets(loss, n: n, k: k, seed: 23)
            for intercept in [true, false] {
                let model = LinearModel<T>(inputs: d, outputs: k, intercept: intercept)
                let theta: [T] = randomVector(model.parameterCount, seed: 24).map { $0 / 4 }
                let batches: [[Int]?] = [nil, shuffled]
                let references = batches.map { rows in
                    Self.reference(x: x, y: y, theta: theta, k: k, intercept: intercept, loss: loss, rows: rows ?? Array(0..<n))
                }
                for threads in [1, 2, 3] {
                    var objective = try SupervisedObjective(x: x, y: y, model: model, loss: loss, maximumBatchSize: n,
                                                            threads: threads)
                    if threads > 1 {
                        #expect(objective.partCount(batchSize: n) > 1, "\(loss) k=\(k): a 257×131 batch should be split")
                    }
                    for (rows, (expectedValue, expected)) in zip(batches, references) {
                        let (value, gradient) = Self.evaluate(&objective, theta: theta, rows: rows, count: n)
                        let context = "\(T.self) \(loss) k=\(k) intercept=\(intercept) threads=\(threads) shuffled=\(rows != nil)"
                        #expect(isClose(value, expectedValue, tol: tol), "\(context): loss \(value), chain rule \(expectedValue)")
                        let difference = maxScaledDifference(gradient.map { Double($0) }, expected)
                        #expect(difference <= tol, "\(context): gradient differs by \(difference)")
                    }
                }
            }
        }
    }

    @Test func fusedLinearKernelDouble() throws { try fusedAgainstChainRule(Double.self, tol: 1e-13) }
    @Test func fusedLinearKernelFloat() throws { try fusedAgainstChainRule(Float.self, tol: 2e-5) }

    /// For a given thread count the split and the order of the sums are fixed: repeated calls give
    /// bit-identical results; another thread count agrees to rounding. Covers the batched path
    /// (an MLP, and a linear model too wide for the fused kernel) as well as the fused one.
    @Test func threadedBatchesAreDeterministic() throws {
        let (n, d) = (600, 64)
        let x: Matrix<Double> = randomMatrix(n, d, seed: 31)
        let models: [(any Model<Double>, Matrix<Double>)] = [
            (MLP<Double>(inputs: d, hidden: [16], outputs: 2), randomMatrix(n, 2, seed: 32)),
            (LinearModel<Double>(inputs: d, outputs: 8), randomMatrix(n, 8, seed: 33)),
            (LinearModel<Double>(inputs: d, outputs: 1), randomMatrix(n, 1, seed: 34)),
        ]
        for (model, y) in models {
            let theta = model.initialParameters(seed: 5).enumerated().map { $0.element + 0.01 * Double($0.offset % 7) }
            var results: [Int: (Double, [Double])] = [:]
            for threads in [1, 2, 3] {
                var objective = try SupervisedObjective(x: x, y: y, model: model, loss: .squaredError, maximumBatchSize: n,
                                                        threads: threads)
                let first = Self.evaluate(&objective, theta: theta, rows: nil, count: n)
                let again = Self.evaluate(&objective, theta: theta, rows: nil, count: n)
                #expect(first.0 == again.0 && first.1 == again.1, "\(model.shape) threads=\(threads): repeated calls differ")
                results[threads] = first
            }
            for threads in [2, 3] {
                #expect(isClose(results[threads]!.0, results[1]!.0, tol: 1e-14))
                let difference = maxScaledDifference(results[threads]!.1, results[1]!.1)
                #expect(difference <= 1e-13, "\(model.shape): \(threads) threads differ from 1 by \(difference)")
            }
        }
    }

    /// A small batch is not worth splitting: it runs as one part.
    @Test func smallBatchesStayOnOneThread() throws {
        let x: Matrix<Float> = randomMatrix(64, 8, seed: 41), y: Matrix<Float> = randomMatrix(64, 1, seed: 42)
        let objective = try SupervisedObjective(x: x, y: y, model: LinearModel<Float>(inputs: 8, outputs: 1),
                                                loss: .squaredError, maximumBatchSize: 64, threads: 2)
        #expect(objective.threadCount == 2)
        #expect(objective.partCount(batchSize: 4) == 1)
        #expect(objective.partCount(batchSize: 1) == 1)
    }
}
