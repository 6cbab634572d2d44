import Testing
import Descent
import _TestSupport

/// The weighted objective L_w = (1/B)·Σᵢ wᵢ·ℓᵢ (`SampleWeights`) on the fused linear path and the
/// batched (MLP) path: its value against the per-sample losses of an independent forward pass, its
/// gradient against central finite differences and against the weighted sum of one-sample
/// gradients, on `.rows` and `.indices` batches and split over threads; and unit weights giving
/// the unweighted result bit for bit.
struct SampleWeightObjectiveTests {
    let n = 14, d = 4

    static let losses: [Loss] = [.squaredError, .huber(delta: 0.5), .binaryLogistic, .softmaxCrossEntropy]

    func weights(seed: UInt64) -> [Double] {
        var g = SeededGenerator(seed: seed)
        var w = (0..<n).map { _ in 2.5 * g.nextUnit() }
        w[5] = 0   // a sample that must not count
        return w
    }

    func numericalGradient(_ objective: SupervisedObjective<Double>, _ theta: [Double], _ batch: Batch) -> [Double] {
        (0..<theta.count).map { i in
            let h = 1e-6 * max(1, abs(theta[i]))
            var plus = theta, minus = theta
            plus[i] += h; minus[i] -= h
            return (EngineFixtures.loss(objective, plus, batch) - EngineFixtures.loss(objective, minus, batch)) / (2 * h)
        }
    }

    func check(_ loss: Loss, _ model: any Model<Double>, seed: UInt64) throws {
        let k = model.outputCount
        let x: Matrix<Double> = randomMatrix(n, d, seed: seed)
        let y: Matrix<Double> = EngineFixtures.targets(for: loss, rows: n, cols: k, seed: seed + 10)
        let w = weights(seed: seed + 30)
        let theta = EngineFixtures.parameters(for: model, seed: seed + 20)
        let data = try Dataset(x: x, y: y).weighted(SampleWeights(w))
        var objective = try SupervisedObjective(dataset: data, model: model, loss: loss, maximumBatchSize: n, threads: 1)
        let label = "\(loss) × \(model.shape)"

        // The value: (1/B)·Σ wᵢ·ℓᵢ with ℓᵢ from the naive forward pass and the loss of one row.
        let (out, _) = NaiveNetwork.forward(model, theta, x)
        func rowLoss(_ i: Int) -> Double {
            let p = Matrix<Double>(rows: 1, cols: k) { _, j in out[i][j] }
            let t = Matrix<Double>(rows: 1, cols: k) { _, j in y[i, j] }
            return p.withView { pv in t.withView { loss.value(prediction: pv, target: $0) } }
        }
        let batches: [[Int]] = [Array(0..<n), [3, 4, 5, 6, 7], [9, 2, 7, 0, 5, 2, 11]]
        for rows in batches {
            let expected = rows.map { w[$0] * rowLoss($0) }.reduce(0, +) / Double(rows.count)
            let consecutive = rows == Array(rows[0]...rows[rows.count - 1])
            let (value, g) = consecutive
                ? EngineFixtures.lossAndGradient(&objective, theta, .rows(rows[0]..<(rows[rows.count - 1] + 1)))
                : EngineFixtures.withIndices(rows) { EngineFixtures.lossAndGradient(&objective, theta, $0) }
            #expect(isClose(value, expected, tol: 1e-13), "\(label) \(rows): loss \(value) vs \(expected)")
            let fd = consecutive ? numericalGradient(objective, theta, .rows(rows[0]..<(rows[rows.count - 1] + 1)))
                : EngineFixtures.withIndices(rows) { numericalGradient(objective, theta, $0) }
            #expect(allClose(g, fd, tol: 1e-6), "\(label) \(rows): worst FD difference \(maxScaledDifference(g, fd))")

            // The weighted mean of the unweighted one-sample gradients.
            var plain = try SupervisedObjective(x: x, y: y, model: model, loss: loss, maximumBatchSize: 1, threads: 1)
            var sum = [Double](repeating: 0, count: theta.count)
            for i in rows {
                let (_, gi) = EngineFixtures.lossAndGradient(&plain, theta, .rows(i..<(i + 1)))
                for j in sum.indices { sum[j] += w[i] * gi[j] / Double(rows.count) }
            }
            #expect(allClose(g, sum, tol: 1e-13), "\(label) \(rows): worst difference \(maxScaledDifference(g, sum))")
        }

    }

    @Test func weightedValueAndGradientOnEveryPath() throws {
        for (s, loss) in Self.losses.enumerated() {
            let k = EngineFixtures.outputs(for: loss)
            for model in EngineFixtures.models(inputs: d, outputs: k, as: Double.self) {
                try check(loss, model, seed: 400 + UInt64(s))
            }
        }
    }

    /// Unit weights take the unweighted path: the same bits, with one thread and with a split over
    /// several (a batch large enough to be split), in both precisions.
    func unitWeights<T: BLASScalar>(_: T.Type) throws {
        let rows = 12000
        let x: Matrix<T> = randomMatrix(rows, 3, seed: 77)
        let y: Matrix<T> = Matrix(rows: rows, cols: 1) { i, _ in x[i, 0] - 2 * x[i, 2] }
        for model in [LinearModel<T>(inputs: 3, outputs: 1, intercept: true) as any Model<T>, MLP<T>(inputs: 3, hidden: [6], outputs: 1)] {
            let theta = EngineFixtures.parameters(for: model, seed: 78)
            for threads in [1, 2] {
                let parts = try SupervisedObjective(x: x, y: y, model: model, loss: .squaredError, maximumBatchSize: rows, threads: threads)
                    .partCount(batchSize: rows)
                try #require(parts == threads)
                var plain = try SupervisedObjective(x: x, y: y, model: model, loss: .squaredError, maximumBatchSize: rows, threads: threads)
                var unit = try SupervisedObjective(dataset: Dataset(x: x, y: y).weighted(SampleWeights([T](repeating: 1, count: rows))),
                                                   model: model, loss: .squaredError, maximumBatchSize: rows, threads: threads)
                #expect(unit.sampleWeights == nil)
                let (a, ga) = EngineFixtures.lossAndGradient(&plain, theta, .rows(0..<rows))
                let (b, gb) = EngineFixtures.lossAndGradient(&unit, theta, .rows(0..<rows))
                #expect(a == b && ga == gb, "\(model.shape), \(threads) threads")
            }
        }
    }

    /// A weighted batch split over two threads: the same as on one, to rounding (the parts' sums
    /// are added in order), on the fused and the batched path.
    @Test func weightedBatchSplitOverThreads() throws {
        let rows = 12000
        let x: Matrix<Double> = randomMatrix(rows, 3, seed: 81)
        let y: Matrix<Double> = Matrix(rows: rows, cols: 1) { i, _ in x[i, 0] * x[i, 1] > 0 ? 1 : 0 }
        let w: [Double] = randomVector(rows, seed: 82).map { abs($0) }
        let data = try Dataset(x: x, y: y).weighted(SampleWeights(w))
        for model in [LinearModel<Double>(inputs: 3, outputs: 1, intercept: true) as any Model<Double>, MLP<Double>(inputs: 3, hidden: [6], outputs: 1)] {
            let theta = EngineFixtures.parameters(for: model, seed: 83)
            var one = try SupervisedObjective(dataset: data, model: model, loss: .binaryLogistic, maximumBatchSize: rows, threads: 1)
            var two = try SupervisedObjective(dataset: data, model: model, loss: .binaryLogistic, maximumBatchSize: rows, threads: 2)
            try #require(two.partCount(batchSize: rows) == 2)
            let order = Array((0..<rows).reversed())
            for shuffled in [false, true] {
                let (l1, g1) = shuffled ? EngineFixtures.withIndices(order) { EngineFixtures.lossAndGradient(&one, theta, $0) }
                    : EngineFixtures.lossAndGradient(&one, theta, .rows(0..<rows))
                let (l2, g2) = shuffled ? EngineFixtures.withIndices(order) { EngineFixtures.lossAndGradient(&two, theta, $0) }
                    : EngineFixtures.lossAndGradient(&two, theta, .rows(0..<rows))
                #expect(isClose(l1, l2, tol: 1e-13), "\(model.shape) shuffled \(shuffled): \(l1) vs \(l2)")
                #expect(allClose(g1, g2, tol: 1e-12), "\(model.shape) shuffled \(shuffled): worst \(maxScaledDifference(g1, g2))")
            }
        }
    }

    @Test func unitWeightsAreBitIdenticalDouble() throws { try unitWeights(Double.self) }
    @Test func unitWeightsAreBitIdenticalFloat() throws { try unitWeights(Float.self) }

    /// Float: the weighted gradient of the fused and the batched path against the Double one.
    @Test func floatFollowsDouble() throws {
        let x: Matrix<Double> = randomMatrix(n, d, seed: 91)
        let y: Matrix<Double> = EngineFixtures.targets(for: .binaryLogistic, rows: n, cols: 1, seed: 92)
        let w = weights(seed: 93)
        for (dm, fm) in [(LinearModel<Double>(inputs: d, outputs: 1, intercept: true) as any Model<Double>,
                          LinearModel<Float>(inputs: d, outputs: 1, intercept: true) as any Model<Float>),
                         (MLP<Double>(inputs: d, hidden: [5], outputs: 1), MLP<Float>(inputs: d, hidden: [5], outputs: 1))] {
            let theta = EngineFixtures.parameters(for: dm, seed: 94)
            var od = try SupervisedObjective(dataset: Dataset(x: x, y: y).weighted(SampleWeights(w)), model: dm, loss: .binaryLogistic,
                                             maximumBatchSize: n, threads: 1)
            let xf = Matrix<Float>(rows: n, cols: d) { Float(x[$0, $1]) }, yf = Matrix<Float>(rows: n, cols: 1) { Float(y[$0, $1]) }
            var of = try SupervisedObjective(dataset: Dataset(x: xf, y: yf).weighted(SampleWeights(w.map(Float.init))), model: fm,
                                             loss: .binaryLogistic, maximumBatchSize: n, threads: 1)
            let (ld, gd) = EngineFixtures.lossAndGradient(&od, theta, .rows(0..<n))
            let (lf, gf) = EngineFixtures.lossAndGradient(&of, theta.map(Float.init), .rows(0..<n))
            #expect(isClose(lf, ld, tol: 1e-5), "\(dm.shape): \(lf) vs \(ld)")
            #expect(allClose(gf.map(Double.init), gd, tol: 1e-5), "\(dm.shape): worst \(maxScaledDifference(gf.map(Double.init), gd))")
        }
    }

    /// The split moves each row's weight with it (training and validation parts), and a subset
    /// takes the weights of its rows.
    @Test func splitCarriesTheWeights() throws {
        let rows = 50
        let x = Matrix<Double>(rows: rows, cols: 2) { i, j in Double(i * 2 + j) }
        let y = Matrix<Double>(rows: rows, cols: 1) { i, _ in Double(i) }
        let w = (0..<rows).map { Double($0) / 7 + 0.5 }
        let data = try Dataset(x: x, y: y).weighted(SampleWeights(w))
        let (t, v) = try Dataset<Double>.splitIndices(sampleCount: rows, validationFraction: 0.3, seed: 12)
        let split = try data.splitting(validationFraction: 0.3, seed: 12)
        #expect(split.training.weights?.values == t.map { w[$0] })
        #expect(split.validation.weights?.values == v.map { w[$0] })
        #expect((0..<split.training.sampleCount).allSatisfy { split.training.weights!.values[$0] == w[Int(split.training.y[$0, 0])] })
        #expect(data.subset([4, 1]).weights?.values == [w[4], w[1]])
    }

    @Test func badWeightsAreRejected() {
        #expect(throws: TrainingDataError.self) { try SampleWeights<Double>([1, -0.5]) }
        #expect(throws: TrainingDataError.self) { try SampleWeights<Double>([1, .nan]) }
        #expect(throws: TrainingDataError.self) { try SampleWeights<Double>([0, 0]) }
        #expect(throws: TrainingDataError.self) {
            try SupervisedObjective(x: Matrix<Double>(rows: 3, cols: 1), y: Matrix<Double>(rows: 3, cols: 1),
                                    model: LinearModel<Double>(inputs: 1, outputs: 1, intercept: true), loss: .squaredError,
                                    maximumBatchSize: 3, weights: SampleWeights([1, 2]))
        }
    }
}
