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

// Step 3: a one-cycle schedule that peaks at the suggested rate, over the run's updates.
let epochs = 10
let updates = epochs * ((x.rows + 31) / 32)       // 32 batches of at most 32 rows per epoch
let configuration = TrainingConfiguration(
    epochs: epochs, batchSize: .size(32), seed: 2,
    schedule: try parseSchedule("onecycle:steps=\(updates)", baseLearningRate: peak))

// Step 4: stop after the fourth epoch, write the trainer's state, and resume from the file.
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("descent-tutorial")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
let checkpoint = folder.appendingPathComponent("run.checkpoint.json")
let interrupted = try Trainer(objective: objective, optimizer: try makeOptimizer(),
                              configuration: configuration, initialParameters: model.initialParameters(seed: 1))
interrupted.afterEpoch = { record, _ in record.epoch == 3 ? .stop : .continue }   // epochs count from 0
print(try interrupted.run().stopReason)
let encoder = JSONEncoder()
encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
try encoder.encode(interrupted.state).write(to: checkpoint)

let decoder = JSONDecoder()
decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
let saved = try decoder.decode(TrainerState<Double>.self, from: Data(contentsOf: checkpoint))
let resumed = try Trainer(objective: objective, optimizer: try makeOptimizer(),
                          configuration: configuration, resumingFrom: saved)
let result = try resumed.run()
print(result.stopReason, "after", result.steps, "updates")
