import Testing
import Descent
import _AllocationCounter

/// The lazy forms of SGD, AdaGrad, RMSProp, Adam and AdamW (`LazyAdaptive`, `LazySparseTraining`) against
/// the dense computation on the same data: the objective's dense gradient and the registry's dense
/// optimizer stepping every coordinate, on the same batches and per-update rates, with two parameter
/// groups (the weights with their own weight decay, the intercept at half the rate and no decay).
@Suite struct LazySparseTrainingTests {
    /// 90 rows over 40 columns, about 3 stored per row: most coordinates miss most updates.
    static func problem<T: BLASScalar>(_: T.Type, outputs k: Int, loss: Loss) throws -> (SparseMatrix<T>, Matrix<T>) {
        var g = SeededGenerator(seed: 21)
        var starts = [0], columns: [Int] = [], values: [T] = []
        for _ in 0..<90 {
            for j in 0..<40 where Double.random(in: 0..<1, using: &g) < (j < 4 ? 0.5 : 0.05) {
                columns.append(j); values.append(T(Double.random(in: -2...2, using: &g)))
            }
            starts.append(values.count)
        }
        let x = try SparseMatrix(rows: 90, cols: 40, rowStarts: starts, columnIndices: columns, values: values)
        let y = Matrix<T>(rows: 90, cols: k) { i, o in
            switch loss {
            case .binaryLogistic: T(i % 3 == 0 ? 1 : 0)
            case .softmaxCrossEntropy: T(o == i % k ? 1 : 0)
            default: T(Double((i * 7 + o) % 11) / 3 - 1.5)
            }
        }
        return (x, y)
    }

    static let settings = ["sgd", "sgd:momentum=0.9,nesterov,weight_decay=0.02", "sgd:momentum=0.5,dampening=0.2,decay_mode=shrink-after-step",
                           "adagrad", "adagrad:lr_decay=0.01,initial_accumulator_value=0.1,weight_decay=0.02",
                           "rmsprop", "rmsprop:alpha=0.9", "rmsprop:centered,momentum=0.5,weight_decay=0.01",
                           "adam", "adam:amsgrad,weight_decay=0.01,beta1=0.8", "adamw", "adamw:weight_decay=0.1,amsgrad"]

    func compare<T: BLASScalar>(_: T.Type, _ text: String, loss: Loss, outputs k: Int, tolerance: Double) throws {
        let (x, y) = try Self.problem(T.self, outputs: k, loss: loss)
        let model = LinearModel<T>(inputs: 40, outputs: k)
        let objective = try SparseLinearObjective(x: x, y: y, model: model, loss: loss, maximumBatchSize: 6)
        let settings = try OptimizerSettings(parsing: text)
        let groups = [ParameterGroup(name: "weight", range: model.weightRange, weightDecay: text.contains("weight_decay") ? nil : 0.03),
                      ParameterGroup(name: "bias", range: model.biasRange!, learningRateScale: 0.5, weightDecay: 0)]
        let base = text.hasPrefix("adagrad") || text.hasPrefix("sgd") ? 0.2 : 0.01
        let rate: (Int) -> Double = { u in base / (1 + 0.02 * Double(u)) }
        let start = (0..<model.parameterCount).map { T(Double($0 % 7) * 0.05 - 0.1) }

        var lazy = try LazySparseTraining(objective: objective, optimizer: try settings.make(T.self, groups: groups, learningRate: base),
                                          initialParameters: start, reservingSteps: 100)
        var sampler = BatchSampler(sampleCount: 90, batchSize: 6, mode: .reshuffle, seed: 4)
        var lazyLosses: [Double] = []
        for _ in 0..<3 { lazyLosses.append(lazy.epoch(sampler: &sampler, learningRate: rate)) }
        lazy.synchronize()

        var dense = try settings.make(T.self, groups: groups, learningRate: base)
        var denseObjective = objective
        var theta = start, gradient = [T](repeating: 0, count: start.count)
        var denseSampler = BatchSampler(sampleCount: 90, batchSize: 6, mode: .reshuffle, seed: 4)
        var denseLosses: [Double] = []
        var u = 0
        for _ in 0..<3 {
            denseSampler.startEpoch()
            var total = 0.0
            for j in 0..<denseSampler.batchesPerEpoch {
                total += try denseSampler.withBatch(j) { try denseObjective.lossAndGradient(parameters: theta, gradient: &gradient, batch: $0) }
                dense.step(parameters: &theta, gradient: &gradient, learningRate: rate(u))
                u += 1
            }
            denseLosses.append(total / Double(denseSampler.batchesPerEpoch))
        }
        let scale = max(1, theta.map { abs(Double($0)) }.max()!)
        let worst = zip(lazy.parameters, theta).map { abs(Double($0) - Double($1)) }.max()!
        #expect(worst <= tolerance * scale, "\(text) \(loss): lazy and dense parameters differ by \(worst) (scale \(scale))")
        #expect(theta != start, "\(text): the dense run moved")
        for (a, b) in zip(lazyLosses, denseLosses) { #expect(abs(a - b) <= tolerance * max(1, abs(b)), "\(text): epoch loss \(a) vs \(b)") }
        #expect(lazy.optimizer.stepCount == u)
    }

    @Test(arguments: settings)
    func lazyEqualsDenseInDouble(_ text: String) throws {
        try compare(Double.self, text, loss: .squaredError, outputs: 1, tolerance: 1e-12)
        try compare(Double.self, text, loss: .softmaxCrossEntropy, outputs: 3, tolerance: 1e-12)
    }

    @Test(arguments: settings)
    func lazyEqualsDenseInFloat(_ text: String) throws {
        try compare(Float.self, text, loss: .binaryLogistic, outputs: 1, tolerance: 1e-5)
    }

    /// The first update by hand: AdaGrad from zeros with s₀ = 0 moves each touched coordinate by
    /// −γ·g/(|g| + ε) = −γ·sign(g); an untouched one stays at 0.
    @Test func firstAdaGradStepByHand() throws {
        let x = try SparseMatrix<Double>(rows: 2, cols: 3, rowStarts: [0, 1, 2], columnIndices: [0, 2] as [Int], values: [1, 2])
        let y = Matrix<Double>(rows: 2, cols: 1, elements: [1, -1])
        let model = LinearModel<Double>(inputs: 3, outputs: 1)
        let objective = try SparseLinearObjective(x: x, y: y, model: model, loss: .squaredError, maximumBatchSize: 1)
        var lazy = try LazySparseTraining(objective: objective, optimizer: try AdaGrad<Double>(parameterCount: 4, learningRate: 0.5),
                                          initialParameters: [0, 0, 0, 0])
        // Row 0: ŷ = 0, ℓ = ½(ŷ − y)², ∂ℓ/∂ŷ = ŷ − y = −1: g = (−1, 0, 0 | −1), s = 1.
        _ = lazy.step(batch: .rows(0..<1), learningRate: 0.5)
        lazy.synchronize()
        let e = 1e-10
        #expect(lazy.parameters == [0.5 * 1 / (1 + e), 0, 0, 0.5 * 1 / (1 + e)])
    }

    @Test func optimizersWithoutALazyFormAreRefused() throws {
        let (x, y) = try Self.problem(Double.self, outputs: 1, loss: .squaredError)
        let objective = try SparseLinearObjective(x: x, y: y, model: LinearModel(inputs: 40, outputs: 1), loss: .squaredError, maximumBatchSize: 4)
        #expect(throws: LazyOptimizerError.self) {
            try LazySparseTraining(objective: objective, optimizer: try DoG<Double>(parameterCount: 41),
                                   initialParameters: [Double](repeating: 0, count: 41))
        }
        #expect(throws: LazyOptimizerError.self) {
            try LazySparseTraining(objective: objective, optimizer: try OptimizerSettings(parsing: "sgd:l1=0.01").make(Double.self, groups: ParameterGroup.all(41), learningRate: 0.1),
                                   initialParameters: [Double](repeating: 0, count: 41))
        }
    }

    @Test(.enabled(if: descent_allocations_supported() != 0, "allocations are only counted with glibc's malloc"))
    func updatesDoNotAllocate() throws {
        let (x, y) = try Self.problem(Double.self, outputs: 2, loss: .squaredError)
        let model = LinearModel<Double>(inputs: 40, outputs: 2)
        let objective = try SparseLinearObjective(x: x, y: y, model: model, loss: .squaredError, maximumBatchSize: 6)
        for text in ["sgd:momentum=0.9", "adagrad", "rmsprop", "adam:amsgrad", "adamw"] {
            var lazy = try LazySparseTraining(objective: objective,
                                              optimizer: try OptimizerSettings(parsing: text).make(Double.self, groups: model.parameterGroups, learningRate: 0.01),
                                              initialParameters: [Double](repeating: 0, count: model.parameterCount), reservingSteps: 64)
            _ = lazy.step(batch: .rows(0..<6), learningRate: 0.01)
            descent_allocations_start()
            for j in 1..<12 { _ = lazy.step(batch: .rows((6 * j)..<(6 * j + 6)), learningRate: 0.01) }
            lazy.synchronize()
            let count = descent_allocations_stop()
            #expect(count == 0, "\(text): \(count) allocations in 11 updates")
        }
    }
}
