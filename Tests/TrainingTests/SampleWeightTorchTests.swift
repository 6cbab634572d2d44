import Testing
import Descent
import _TestSupport

/// Mini-batch SGD on the weighted objective against PyTorch's `(w * loss(reduction='none')).mean()`
/// (`SampleWeightTorchReference`, from `scripts/reference/sample_weights_torch.py`): an MLP with
/// softmax cross-entropy (the batched path) and a linear model with ½‖ŷ − y‖² (the fused path),
/// batches of 6 in file order, plain SGD, from the script's start point.
struct SampleWeightTorchTests {
    typealias R = SampleWeightTorchReference

    func train<T: BLASScalar>(_: T.Type, model: any Model<T>, x: [Double], y: [Double], weights: [Double], loss: Loss,
                              rate: Double, epochs: Int, start: [Double]) throws -> [T] {
        let n = weights.count
        let xm = Matrix<T>(rows: n, cols: model.inputCount) { i, j in T(x[i * model.inputCount + j]) }
        let ym = Matrix<T>(rows: n, cols: model.outputCount) { i, j in T(y[i * model.outputCount + j]) }
        let data = try Dataset(x: xm, y: ym).weighted(SampleWeights(weights.map { T($0) }))
        let objective = try SupervisedObjective(dataset: data, model: model, loss: loss, maximumBatchSize: R.batch, threads: 1)
        let optimizer = try SGD<T>(parameterCount: model.parameterCount, groups: model.parameterGroups, learningRate: rate)
        let configuration = try TrainingConfiguration(epochs: epochs, batchSize: .size(R.batch), shuffle: .none, learningRate: rate)
        let trainer = try Trainer(objective: objective, optimizer: optimizer, configuration: configuration,
                                  initialParameters: start.map { T($0) })
        let result = try trainer.run()
        #expect(result.stopReason == .completed)
        return result.parameters
    }

    func compare<T: BLASScalar>(_: T.Type, tolerance: Double) throws {
        let mlp = try train(T.self, model: MLP<T>(inputs: 3, hidden: [5], outputs: 3), x: R.mlpX, y: R.mlpY, weights: R.mlpWeights,
                            loss: .softmaxCrossEntropy, rate: R.mlpRate, epochs: R.mlpEpochs, start: R.mlpStart)
        let linear = try train(T.self, model: LinearModel<T>(inputs: 4, outputs: 2, intercept: true), x: R.linearX, y: R.linearY,
                               weights: R.linearWeights, loss: .squaredError, rate: R.linearRate, epochs: R.linearEpochs,
                               start: R.linearStart)
        for (name, found, expected, start) in [("mlp", mlp, R.mlpEnd, R.mlpStart), ("linear", linear, R.linearEnd, R.linearStart)] {
            let scale = expected.map(abs).max()!
            #expect(found.count == expected.count)
            for (i, (f, e)) in zip(found, expected).enumerated() {
                #expect(abs(Double(f) - e) <= tolerance * scale, "\(name) parameter \(i): \(f) vs torch \(e)")
            }
            #expect(zip(expected, start).contains { abs($0 - $1) > 1e-3 }, "\(name): the run moved the parameters")
        }
    }

    @Test func doubleMatchesTorchWeightedMean() throws { try compare(Double.self, tolerance: 1e-10) }
    @Test func floatMatchesTorchWeightedMean() throws { try compare(Float.self, tolerance: 1e-4) }
}
