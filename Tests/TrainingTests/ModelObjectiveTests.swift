import Testing
import Descent
import _TestSupport

/// `SupervisedObjective` bookkeeping: the workspace is allocated once, the gradient is
/// overwritten, and user-data problems throw.
struct ModelObjectiveTests {
    func workspaceIsStable<T: BLASScalar>(_: T.Type) throws {
        let (n, d, k) = (20, 3, 2)
        let x: Matrix<T> = randomMatrix(n, d, seed: 1), y: Matrix<T> = randomMatrix(n, k, seed: 2)
        let model = MLP<T>(inputs: d, hidden: [6, 5], outputs: k)
        var objective = try SupervisedObjective(x: x, y: y, model: model, loss: .squaredError, maximumBatchSize: 8)
        let theta = model.initialParameters(seed: 3)
        let address = objective.workspaceAddress
        #expect(address != nil)

        let (first, g1) = EngineFixtures.lossAndGradient(&objective, theta, .rows(0..<8))
        var sampler = BatchSampler(sampleCount: n, batchSize: 8, mode: .reshuffle, seed: 4)
        for _ in 0..<3 {
            sampler.startEpoch()
            for j in 0..<sampler.batchesPerEpoch {
                _ = sampler.withBatch(j) { EngineFixtures.lossAndGradient(&objective, theta, $0) }
                #expect(objective.workspaceAddress == address)
            }
            _ = objective.evaluate(parameters: theta)
            _ = objective.predict(parameters: theta, x: x)
            #expect(objective.workspaceAddress == address)
        }
        // Same batch again after all that: the same result (the workspace holds no state between
        // calls), and the gradient is overwritten (the helper pre-fills it with NaN).
        let (again, g2) = EngineFixtures.lossAndGradient(&objective, theta, .rows(0..<8))
        #expect(again == first && g2 == g1)
        #expect(g1.allSatisfy { $0.isFinite })
    }

    @Test func workspaceFloat() throws { try workspaceIsStable(Float.self) }
    @Test func workspaceDouble() throws { try workspaceIsStable(Double.self) }

    @Test func dataErrorsThrow() {
        let x = Matrix<Double>(rows: 4, cols: 3), y = Matrix<Double>(rows: 4, cols: 1)
        let model = LinearModel<Double>(inputs: 3, outputs: 1)
        #expect(throws: TrainingDataError.self) {
            try SupervisedObjective(x: x, y: Matrix(rows: 5, cols: 1), model: model, loss: .squaredError, maximumBatchSize: 4)
        }
        #expect(throws: TrainingDataError.self) {
            try SupervisedObjective(x: Matrix(rows: 4, cols: 2), y: y, model: model, loss: .squaredError, maximumBatchSize: 4)
        }
        #expect(throws: TrainingDataError.self) {
            try SupervisedObjective(x: x, y: Matrix(rows: 4, cols: 2), model: model, loss: .squaredError, maximumBatchSize: 4)
        }
        #expect(throws: TrainingDataError.self) {
            try SupervisedObjective(x: x, y: Matrix(rows: 4, cols: 1, repeating: 3), model: model, loss: .binaryLogistic, maximumBatchSize: 4)
        }
        #expect(throws: TrainingDataError.self) {
            try SupervisedObjective(x: x, y: y, model: model, loss: .huber(delta: -1), maximumBatchSize: 4)
        }
    }

    @Test func oversizedBatchTraps() async {
        await #expect(processExitsWith: .failure) {
            let model = LinearModel<Double>(inputs: 2, outputs: 1)
            var objective = try! SupervisedObjective(x: Matrix(rows: 6, cols: 2), y: Matrix(rows: 6, cols: 1), model: model,
                                                     loss: .squaredError, maximumBatchSize: 2)
            _ = EngineFixtures.lossAndGradient(&objective, [0, 0, 0], .rows(0..<3))
        }
    }
}
