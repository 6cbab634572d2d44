import Testing
import Descent
import _TestSupport

/// Replaying a given sample order (`BatchOrder`, `TrainingConfiguration.batchOrder`) against a
/// shuffled PyTorch run (`BatchOrderTorchReference`, made by `scripts/reference/batch_order_torch.py`):
/// a DataLoader's shuffled batches of 4 over 14 rows (a short last batch), SGD with momentum 0.9 on
/// 0.5·MSE; Descent on the same order must end on torch's weights and bias. Plus the order's checks
/// and a checkpoint resumed mid-run.
struct BatchOrderReplayTests {
    typealias Ref = BatchOrderTorchReference

    func trainer<T: BLASScalar>(_: T.Type, epochs: Int = Ref.orders.count) throws -> Trainer<SupervisedObjective<T>, SGD<T>> {
        let data = try Dataset(x: Matrix(rows: Ref.rows, cols: Ref.features, elements: Ref.x.map { T($0) }),
                               y: Matrix(rows: Ref.rows, cols: 1, elements: Ref.y.map { T($0) }))
        let objective = try Integration.linearObjective(data)
        let sgd = try SGD<T>(parameterCount: objective.parameterCount, momentum: Ref.momentum)
        var configuration = try TrainingConfiguration(epochs: epochs, batchSize: .size(Ref.batchSize), seed: 99,
                                                      learningRate: Ref.learningRate)
        configuration.batchOrder = try BatchOrder(sampleCount: Ref.rows, epochs: Ref.orders)
        return try Trainer(objective: objective, optimizer: sgd, configuration: configuration,
                           initialParameters: [T](repeating: 0, count: objective.parameterCount))
    }

    @Test func replaysTorchDouble() throws {
        let r = try trainer(Double.self).run()
        #expect(maxScaledDifference(r.parameters, Ref.weights + [Ref.bias]) <= 1e-10, "\(r.parameters) vs torch \(Ref.weights + [Ref.bias])")
    }

    @Test func replaysTorchFloat() throws {
        let r = try trainer(Float.self).run()
        #expect(maxScaledDifference(r.parameters.map { Double($0) }, Ref.weights + [Ref.bias]) <= 1e-4)
    }

    /// The seeded shuffle ends elsewhere: the replayed order is what made the match.
    @Test func ownShuffleDiffers() throws {
        let data = try Dataset(x: Matrix(rows: Ref.rows, cols: Ref.features, elements: Ref.x),
                               y: Matrix(rows: Ref.rows, cols: 1, elements: Ref.y))
        let objective = try Integration.linearObjective(data)
        let configuration = try TrainingConfiguration(epochs: Ref.orders.count, batchSize: .size(Ref.batchSize), learningRate: Ref.learningRate)
        let r = try Trainer(objective: objective, optimizer: try SGD<Double>(parameterCount: 3, momentum: Ref.momentum),
                            configuration: configuration, initialParameters: [0, 0, 0]).run()
        #expect(maxScaledDifference(r.parameters, Ref.weights + [Ref.bias]) > 1e-6)
    }

    @Test func resumedMidRunEndsTheSame() throws {
        let first = try trainer(Double.self)
        first.afterEpoch = { record, _ in record.epoch == 2 ? .stop : .continue }
        _ = try first.run()
        let state = first.state
        let t = try trainer(Double.self)
        let resumed = try Trainer(objective: t.objective, optimizer: try SGD<Double>(parameterCount: 3, momentum: Ref.momentum),
                                  configuration: t.configuration, resumingFrom: state)
        let r = try resumed.run()
        #expect(maxScaledDifference(r.parameters, Ref.weights + [Ref.bias]) <= 1e-10)
    }

    @Test func badOrdersAreRefused() throws {
        #expect(throws: BatchOrder.Problem.self) { try BatchOrder(sampleCount: 3, epochs: [[0, 1, 3]]) }
        #expect(throws: BatchOrder.Problem.self) { try BatchOrder(sampleCount: 3, epochs: [[0, 1, 1]]) }
        #expect(throws: BatchOrder.Problem.self) { try BatchOrder(sampleCount: 3, epochs: [[0, 1]]) }
        #expect(throws: TrainingError.self) { try trainer(Double.self, epochs: Ref.orders.count + 1) }
    }
}

/// Replaying a shuffled scikit-learn run (`BatchOrderSklearnReference`, made by
/// `scripts/reference/batch_order_sklearn.py`): SGDRegressor per-sample SGD with its invscaling
/// rate, each epoch on a seeded permutation of the rows (one `partial_fit` per epoch, `t_`
/// continuing). Descent's per-sample SGD with `InverseScalingSchedule` on the same orders must end on
/// sklearn's `coef_` and `intercept_`.
struct BatchOrderSklearnReplayTests {
    typealias Ref = BatchOrderSklearnReference

    func fit<T: BLASScalar>(_: T.Type) throws -> [T] {
        let data = try Dataset(x: Matrix(rows: Ref.rows, cols: Ref.features, elements: Ref.x.map { T($0) }),
                               y: Matrix(rows: Ref.rows, cols: 1, elements: Ref.y.map { T($0) }))
        let objective = try Integration.linearObjective(data, maximumBatchSize: 1)
        let sgd = try SGD<T>(parameterCount: objective.parameterCount, learningRate: 1)
        var configuration = TrainingConfiguration(epochs: Ref.orders.count, batchSize: .size(1),
                                                  schedule: try InverseScalingSchedule(baseLearningRate: Ref.eta0, power: Ref.power))
        configuration.batchOrder = try BatchOrder(sampleCount: Ref.rows, epochs: Ref.orders)
        return try Trainer(objective: objective, optimizer: sgd, configuration: configuration,
                           initialParameters: [T](repeating: 0, count: objective.parameterCount)).run().parameters
    }

    @Test func replaysSklearnDouble() throws {
        let p = try fit(Double.self)
        #expect(maxScaledDifference(p, Ref.coef + [Ref.intercept]) <= 1e-10, "\(p) vs sklearn \(Ref.coef + [Ref.intercept])")
    }

    @Test func replaysSklearnFloat() throws {
        let p = try fit(Float.self)
        #expect(maxScaledDifference(p.map { Double($0) }, Ref.coef + [Ref.intercept]) <= 1e-4)
    }
}
