import Foundation
import Testing
import Descent

/// The DocC tutorial's code (Sources/Descent/Descent.docc/Tutorials/FitTuneCheckpointPredict.tutorial)
/// is this test's code: the body between the two markers below is run here on its tiny problem, and
/// each `// Step N:` section ends one of the tutorial's files, `Resources/tutorial-fit-0N.swift`
/// (`import Descent`, `import Foundation`, then the body up to the end of step N, un-indented).
/// `tutorialFilesAreThisCode` fails when a file differs; `DESCENT_UPDATE_TUTORIAL=1` rewrites them.
struct TutorialCodeTests {
    @Test func tutorialCodeRuns() throws {
        // tutorial code begins
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

        // Step 5: save the model file that `descent predict` reads, load it back, and predict.
        let modelFile = folder.appendingPathComponent("model.json")
        try ModelFile.write(SavedModel(shape: model.shape, parameters: result.parameters, loss: .squaredError),
                            to: modelFile)
        let loaded = try ModelFile.read(from: modelFile, as: Double.self)
        let newRows = Matrix<Double>([[1, 0], [0, 1]])
        let predictions = try loaded.predict(newRows)
        print(predictions[0, 0], predictions[1, 0])        // about 3.5 and -1.5
        // tutorial code ends

        // What the tutorial claims: the resumed run equals an uninterrupted one bit for bit, and the
        // model learned y = 3·x₀ − 2·x₁ + 0.5.
        let uninterrupted = try Trainer(objective: objective, optimizer: try makeOptimizer(),
                                        configuration: configuration, initialParameters: model.initialParameters(seed: 1)).run()
        #expect(result.stopReason == .completed)
        #expect(result.parameters == uninterrupted.parameters)
        #expect(suggestion.learningRate != nil)
        #expect(abs(predictions[0, 0] - 3.5) < 0.05 && abs(predictions[1, 0] + 1.5) < 0.05, "\(predictions[0, 0]) \(predictions[1, 0])")
        try? FileManager.default.removeItem(at: folder)
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The tutorial's files, rebuilt from this file's marked body: step N's file ends where step N+1 begins.
    static func expectedFiles() throws -> [(name: String, text: String)] {
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let lines = source.components(separatedBy: "\n")
        let begin = try #require(lines.firstIndex { $0.hasSuffix("// tutorial code begins") })
        let end = try #require(lines.firstIndex { $0.hasSuffix("// tutorial code ends") })
        let body = lines[(begin + 1)..<end].map { $0.hasPrefix("        ") ? String($0.dropFirst(8)) : $0 }
        let starts = body.indices.filter { body[$0].hasPrefix("// Step ") }
        return starts.enumerated().map { k, s in
            var upTo = k + 1 < starts.count ? Array(body[..<starts[k + 1]]) : Array(body)
            while upTo.last?.isEmpty == true { upTo.removeLast() }
            _ = s
            return ("tutorial-fit-0\(k + 1).swift", (["import Descent", "import Foundation", ""] + upTo).joined(separator: "\n") + "\n")
        }
    }

    @Test func tutorialFilesAreThisCode() throws {
        let resources = Self.root.appendingPathComponent("Sources/Descent/Descent.docc/Resources")
        let expected = try Self.expectedFiles()
        #expect(expected.count == 5)
        for (name, text) in expected {
            let url = resources.appendingPathComponent(name)
            let actual = try? String(contentsOf: url, encoding: .utf8)
            if actual != text, ProcessInfo.processInfo.environment["DESCENT_UPDATE_TUTORIAL"] == "1" {
                try text.write(to: url, atomically: true, encoding: .utf8)
                continue
            }
            #expect(actual == text, "\(name) differs from TutorialCodeTests' code (DESCENT_UPDATE_TUTORIAL=1 rewrites it)")
        }
    }
}
