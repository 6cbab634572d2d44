import Descent
import Foundation

// Step 1: a small regression problem, a linear model, and a first fit at a constant rate.
var generator = SeededGenerator(seed: 11)
let x = Matrix<Double>(rows: 1000, cols: 2) { _, _ in generator.nextGaussian() }
let y = Matrix<Double>(rows: 1000, cols: 1) { i, _ in
    3 * x[i, 0] - 2 * x[i, 1] + 0.5 + 0.1 * generator.nextGaussian()
}
let model = LinearModel<Double>(inputs: 2, outputs: 1)
let objective = try SupervisedObjective(x: x, y: y, model: model, loss: .squaredError,
                                        maximumBatchSize: 32)
func makeOptimizer() throws -> SGD<Double> {
    try SGD<Double>(parameterCount: model.parameterCount, momentum: 0.9)
}
let firstFit = try Trainer(objective: objective, optimizer: try makeOptimizer(),
                           configuration: try TrainingConfiguration(epochs: 5, learningRate: 0.001),
                           initialParameters: model.initialParameters(seed: 1))
let first = try firstFit.run()
print("constant rate 0.001, last epoch's loss:", first.history.last!.trainingLoss)

// Step 2: a learning-rate range test on a fresh trainer (it changes nothing of the trainer).
let probe = try Trainer(objective: objective, optimizer: try makeOptimizer(),
                        configuration: try TrainingConfiguration(epochs: 1, learningRate: 0.001),
                        initialParameters: model.initialParameters(seed: 1))
let sweep = try probe.rangeTest(try LRRangeTest(sweep: try LRSweep(start: 1e-5, end: 10, iterations: 100)))
let suggestion = sweep.suggest(.valley)
print("valley suggestion:", suggestion)
let peak = suggestion.learningRate ?? 0.01
