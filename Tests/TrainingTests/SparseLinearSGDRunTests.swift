import Testing
import Descent

/// `SparseLinearSGD.run` (the per-sample kernel over epochs, what `descent train --batch-size 1`
/// takes on sparse data) against `Trainer` with the dense `SGD` on the same `SparseLinearObjective`,
/// batches of one row in the same reshuffled order: the parameters and every epoch's mean loss to
/// rounding, the update counts exactly.
struct SparseLinearSGDRunTests {
    func compare<T: BLASScalar>(_: T.Type, loss: Loss, momentum: Double, decay: Double, tolerance: Double) throws {
        let (x, y) = try LazySparseTrainingTests.problem(T.self, outputs: 1, loss: loss)
        let model = LinearModel<T>(inputs: 40, outputs: 1)
        let objective = try SparseLinearObjective(x: x, y: y, model: model, loss: loss, maximumBatchSize: 1)
        let configuration = try TrainingConfiguration(epochs: 3, batchSize: .size(1), shuffle: .reshuffle, seed: 9, learningRate: 0.05)
        let groups = [ParameterGroup(name: "weight", range: model.weightRange, weightDecay: decay),
                      ParameterGroup(name: "bias", range: model.biasRange!, weightDecay: 0)]
        let sgd = try SGD<T>(parameterCount: model.parameterCount, groups: groups, learningRate: 0.05, momentum: momentum)
        let dense = try Trainer(objective: objective, optimizer: sgd, configuration: configuration,
                                initialParameters: [T](repeating: 0, count: model.parameterCount)).run()
        let kernel = try SparseLinearSGD<T>(features: 40, loss: loss, learningRate: .constant(0.05), weightDecay: decay, momentum: momentum)
        let sparse = try kernel.run(objective, configuration: configuration)
        #expect(sparse.stopReason == .completed && dense.stopReason == .completed)
        #expect(sparse.steps == dense.steps && sparse.steps == 270)
        let scale = max(1, dense.parameters.map { abs(Double($0)) }.max()!)
        let worst = zip(sparse.parameters, dense.parameters).map { abs(Double($0) - Double($1)) }.max()!
        #expect(worst <= tolerance * scale, "\(loss) μ \(momentum) λ \(decay): parameters differ by \(worst)")
        #expect(dense.parameters.contains { $0 != 0 })
        #expect(sparse.history.count == 3)
        for (a, b) in zip(sparse.history, dense.history) {
            #expect(abs(a.trainingLoss - b.trainingLoss) <= tolerance * max(1, abs(b.trainingLoss)), "\(a.trainingLoss) vs \(b.trainingLoss)")
            #expect(a.steps == b.steps && a.samples == b.samples && a.learningRate == b.learningRate)
        }
    }

    @Test func matchesTrainerInDouble() throws {
        try compare(Double.self, loss: .squaredError, momentum: 0, decay: 0, tolerance: 1e-12)
        try compare(Double.self, loss: .squaredError, momentum: 0, decay: 0.01, tolerance: 1e-12)
        try compare(Double.self, loss: .binaryLogistic, momentum: 0.5, decay: 0.01, tolerance: 1e-12)
    }

    @Test func matchesTrainerInFloat() throws {
        try compare(Float.self, loss: .binaryLogistic, momentum: 0, decay: 0.01, tolerance: 1e-5)
    }

    /// A rate far too large: the run stops as diverged, with finite parameters (the last epoch's).
    @Test func divergenceKeepsTheLastFiniteParameters() throws {
        let (x, y) = try LazySparseTrainingTests.problem(Double.self, outputs: 1, loss: .squaredError)
        let objective = try SparseLinearObjective(x: x, y: y, model: LinearModel<Double>(inputs: 40, outputs: 1), loss: .squaredError,
                                                  maximumBatchSize: 1)
        let kernel = try SparseLinearSGD<Double>(features: 40, loss: .squaredError, learningRate: .constant(50))
        let result = try kernel.run(objective, configuration: try TrainingConfiguration(epochs: 50, batchSize: .size(1), learningRate: 50))
        guard case .diverged = result.stopReason else { Issue.record("\(result.stopReason)"); return }
        #expect(result.parameters.allSatisfy { $0.isFinite })
        #expect(result.steps < 50 * 90 && result.history.count == result.steps / 90)
    }

    /// A schedule or batches of more than one row are refused with the reason.
    @Test func refusesWhatItDoesNotDo() throws {
        let (x, y) = try LazySparseTrainingTests.problem(Double.self, outputs: 1, loss: .squaredError)
        let objective = try SparseLinearObjective(x: x, y: y, model: LinearModel<Double>(inputs: 40, outputs: 1), loss: .squaredError,
                                                  maximumBatchSize: 4)
        let kernel = try SparseLinearSGD<Double>(features: 40, loss: .squaredError, learningRate: .constant(0.05))
        #expect(throws: TrainingError.self) { try kernel.run(objective, configuration: try TrainingConfiguration(epochs: 1, batchSize: .size(4), learningRate: 0.05)) }
        #expect(throws: TrainingError.self) { try kernel.run(objective, configuration: try TrainingConfiguration(epochs: 1, batchSize: .size(1), learningRate: 0.1)) }
        #expect(SparseLinearSGD<Double>.unsupported(try TrainingConfiguration(epochs: 1, batchSize: .size(4), learningRate: 0.05)) != nil)
    }
}
