import Testing
import Descent
import _AllocationCounter

/// `SparseLinearObjective` against `SupervisedObjective` on the same rows made dense: the loss, the
/// gradient and the evaluation agree to rounding for every loss kind, for consecutive and shuffled
/// batches, in both precisions; and a call allocates nothing.
@Suite struct SparseLinearObjectiveTests {
    /// A seeded n × d CSR matrix with about `density`·d entries per row (some rows empty), and
    /// targets for `loss` with k outputs.
    struct Problem<T: BLASScalar> {
        let x: SparseMatrix<T>
        let y: Matrix<T>
        init(rows n: Int = 60, cols d: Int = 17, outputs k: Int, loss: Loss, seed: UInt64 = 7) throws {
            var g = SeededGenerator(seed: seed)
            var starts = [0], columns: [Int] = [], values: [T] = []
            for i in 0..<n {
                if i % 11 != 5 {   // every eleventh row has no entry
                    for j in 0..<d where Double.random(in: 0..<1, using: &g) < 0.25 {
                        columns.append(j); values.append(T(Double.random(in: -2...2, using: &g)))
                    }
                }
                starts.append(values.count)
            }
            x = try SparseMatrix(rows: n, cols: d, rowStarts: starts, columnIndices: columns, values: values)
            var targets = [T]()
            for i in 0..<n {
                switch loss {
                case .binaryLogistic: targets.append(T(i % 3 == 0 ? 1 : 0))
                case .softmaxCrossEntropy: for o in 0..<k { targets.append(T(o == i % k ? 1 : 0)) }
                default: for _ in 0..<k { targets.append(T(Double.random(in: -3...3, using: &g))) }
                }
            }
            y = Matrix(rows: n, cols: k, elements: targets)
        }
    }

    static let cases: [(Loss, Int)] = [(.squaredError, 1), (.squaredError, 2), (.huber(delta: 0.5), 1), (.absoluteError, 1),
                                       (.binaryLogistic, 1), (.softmaxCrossEntropy, 3)]

    func check<T: BLASScalar>(_: T.Type, loss: Loss, outputs k: Int, tolerance: Double) throws {
        let p = try Problem<T>(outputs: k, loss: loss)
        let model = LinearModel<T>(inputs: p.x.cols, outputs: k)
        var sparse = try SparseLinearObjective(x: p.x, y: p.y, model: model, loss: loss, maximumBatchSize: 25)
        var dense = try SupervisedObjective(x: p.x.toDense(), y: p.y, model: model, loss: loss, maximumBatchSize: 25, threads: 1)
        var g = SeededGenerator(seed: 3)
        let theta = (0..<model.parameterCount).map { _ in T(Double.random(in: -1...1, using: &g)) }
        let shuffled = [41, 3, 17, 5, 59, 0, 22, 16, 5, 38]
        try shuffled.withUnsafeBufferPointer { indices in
            for batch in [Batch.rows(0..<25), .rows(30..<31), .rows(40..<60), .indices(indices)] {
                var gs = [T](repeating: 0, count: model.parameterCount), gd = gs
                let ls = try sparse.lossAndGradient(parameters: theta, gradient: &gs, batch: batch)
                let ld = try dense.lossAndGradient(parameters: theta, gradient: &gd, batch: batch)
                #expect(abs(ls - ld) <= tolerance * max(1, abs(ld)), "\(loss) k=\(k) \(batch): loss \(ls) vs \(ld)")
                let scale = max(1, gd.map { abs(Double($0)) }.max()!)
                let worst = zip(gs, gd).map { abs(Double($0) - Double($1)) }.max()!
                #expect(worst <= tolerance * scale, "\(loss) k=\(k) \(batch): gradient differs by \(worst)")
            }
        }
        let es = sparse.evaluate(parameters: theta), ed = dense.evaluate(parameters: theta)
        #expect(abs(es.loss - ed.loss) <= tolerance * max(1, abs(ed.loss)))
        #expect(es.sampleCount == ed.sampleCount && es.accuracy == ed.accuracy)
        if let a = es.r2, let b = ed.r2 { #expect(abs(a - b) <= tolerance * 10) } else { #expect(es.r2 == nil && ed.r2 == nil) }
        if let a = es.rocAUC, let b = ed.rocAUC { #expect(abs(a - b) <= tolerance) } else { #expect(es.rocAUC == nil && ed.rocAUC == nil) }
    }

    @Test(arguments: 0..<cases.count)
    func matchesTheDenseObjectiveInDouble(_ c: Int) throws {
        try check(Double.self, loss: Self.cases[c].0, outputs: Self.cases[c].1, tolerance: 1e-13)
    }

    @Test(arguments: 0..<cases.count)
    func matchesTheDenseObjectiveInFloat(_ c: Int) throws {
        try check(Float.self, loss: Self.cases[c].0, outputs: Self.cases[c].1, tolerance: 2e-5)
    }

    /// A central finite difference of the sparse loss matches its gradient (a truth independent of
    /// the dense code).
    @Test func gradientMatchesFiniteDifferences() throws {
        let p = try Problem<Double>(outputs: 1, loss: .binaryLogistic)
        let model = LinearModel<Double>(inputs: p.x.cols, outputs: 1)
        var objective = try SparseLinearObjective(x: p.x, y: p.y, model: model, loss: .binaryLogistic, maximumBatchSize: 60)
        let theta = (0..<model.parameterCount).map { Double($0 % 5) * 0.1 - 0.2 }
        var g = [Double](repeating: 0, count: theta.count), scratch = g
        _ = try objective.lossAndGradient(parameters: theta, gradient: &g, batch: .rows(0..<60))
        for j in 0..<theta.count {
            var plus = theta, minus = theta
            plus[j] += 1e-6; minus[j] -= 1e-6
            let fd = (try objective.lossAndGradient(parameters: plus, gradient: &scratch, batch: .rows(0..<60))
                      - objective.lossAndGradient(parameters: minus, gradient: &scratch, batch: .rows(0..<60))) / 2e-6
            #expect(abs(fd - g[j]) < 1e-8, "coordinate \(j): finite difference \(fd), gradient \(g[j])")
        }
    }

    @Test func shapeMismatchesAreErrors() throws {
        let p = try Problem<Double>(outputs: 1, loss: .squaredError)
        #expect(throws: TrainingDataError.self) {
            try SparseLinearObjective(x: p.x, y: p.y, model: LinearModel(inputs: p.x.cols + 1, outputs: 1), loss: .squaredError, maximumBatchSize: 4)
        }
        #expect(throws: TrainingDataError.self) {
            try SparseLinearObjective(x: p.x, y: p.y, model: LinearModel(inputs: p.x.cols, outputs: 1), loss: .binaryLogistic, maximumBatchSize: 4)
        }
    }

    @Test(.enabled(if: descent_allocations_supported() != 0, "allocations are only counted with glibc's malloc"))
    func lossAndGradientDoesNotAllocate() throws {
        let p = try Problem<Double>(outputs: 3, loss: .softmaxCrossEntropy)
        let model = LinearModel<Double>(inputs: p.x.cols, outputs: 3)
        var objective = try SparseLinearObjective(x: p.x, y: p.y, model: model, loss: .softmaxCrossEntropy, maximumBatchSize: 16)
        let theta = [Double](repeating: 0.1, count: model.parameterCount)
        var gradient = [Double](repeating: 0, count: model.parameterCount)
        let order = [5, 9, 1, 33, 2, 8, 13, 21]
        let count = try theta.withUnsafeBufferPointer { t in
            try gradient.withUnsafeMutableBufferPointer { g in
                try order.withUnsafeBufferPointer { o in
                    _ = try objective.lossAndGradient(parameters: t, gradient: g, batch: .indices(o))
                    descent_allocations_start()
                    for _ in 0..<5 {
                        _ = try objective.lossAndGradient(parameters: t, gradient: g, batch: .indices(o))
                        _ = try objective.lossAndGradient(parameters: t, gradient: g, batch: .rows(10..<26))
                    }
                    return descent_allocations_stop()
                }
            }
        }
        #expect(count == 0, "\(count) allocations in 10 calls")
    }

    /// The sparse scaling equals the dense standardisation's scales (population deviation over every
    /// row, zeros included), with means 0; constant columns (empty, or one value everywhere) get 1.
    @Test func scalingWithoutCentringMatchesTheDenseDeviation() throws {
        var p = try Problem<Double>(rows: 40, cols: 9, outputs: 1, loss: .squaredError)
        // Column 8 empty; column 7 the same value in every row.
        var starts = [0], columns: [Int] = [], values: [Double] = []
        for i in 0..<p.x.rows {
            for (j, v) in p.x.row(i) where j < 7 { columns.append(j); values.append(v) }
            columns.append(7); values.append(2.5)
            starts.append(values.count)
        }
        p = Problem(x: try SparseMatrix(rows: p.x.rows, cols: 9, rowStarts: starts, columnIndices: columns, values: values), y: p.y)
        let s = Standardization(scalingColumnsOf: p.x)
        let dense = Standardization(fitting: p.x.toDense())
        #expect(s.means == [Double](repeating: 0, count: 9))
        for j in 0..<7 { #expect(abs(s.scales[j] - dense.scales[j]) <= 1e-13 * dense.scales[j], "column \(j)") }
        #expect(s.scales[7] == 1 && s.scales[8] == 1)
        var scaled = p.x
        s.apply(to: &scaled)
        let expected = p.x.toDense()
        for i in 0..<p.x.rows { for j in 0..<9 { #expect(abs(scaled.toDense()[i, j] - expected[i, j] / s.scales[j]) < 1e-15) } }
    }

    /// A saved linear model predicts sparse rows as it predicts the same rows dense, with a
    /// centring standardisation (folded into the intercept) and with a target transform.
    @Test func savedModelPredictsSparseRowsAsDenseOnes() throws {
        let p = try Problem<Double>(outputs: 2, loss: .squaredError)
        let d = p.x.cols
        var g = SeededGenerator(seed: 11)
        let model = SavedModel<Double>(
            shape: .linear(inputs: d, outputs: 2, intercept: true),
            parameters: (0..<(2 * d + 2)).map { _ in Double.random(in: -1...1, using: &g) }, loss: .squaredError,
            featureStandardization: try Standardization(means: (0..<d).map { Double($0) * 0.1 - 0.5 }, scales: (0..<d).map { 0.5 + Double($0) * 0.2 }),
            targetStandardization: try Standardization(means: [1, -2], scales: [3, 0.5]))
        let sparse = try model.predict(p.x), dense = try model.predict(p.x.toDense())
        for i in 0..<p.x.rows { for o in 0..<2 { #expect(abs(sparse[i, o] - dense[i, o]) < 1e-12, "row \(i) output \(o)") } }
        #expect(throws: DataError.self) { try model.predict(SparseMatrix<Double>(rows: 2, cols: d + 1)) }
    }
}

extension SparseLinearObjectiveTests.Problem {
    init(x: SparseMatrix<T>, y: Matrix<T>) { self.x = x; self.y = y }
}
