import Foundation
import Testing
import Descent

/// The recipe is the checkpoint fingerprint: it changes with every setting that changes the run,
/// and not with what may change on resume (epochs, paths, the data's description).
struct TrainingRecipeTests {
    static func recipe() throws -> TrainingRecipe {
        TrainingRecipe(
            data: .init(path: "d.csv", targetsPath: nil, targetColumns: ["price"], header: "auto", delimiter: ",",
                        dropNonfinite: false, digest: "0123456789abcdef", description: "d.csv: 10 samples"),
            precision: "double", model: "linear 3→1 with intercept", loss: "squared-error", initial: "zeros", initialDigest: nil,
            optimizer: try OptimizerSettings(parsing: "sgd:momentum=0.9"), noBiasDecay: false, averageFrom: nil,
            learningRate: 0.05, schedule: "cosine:T=10", scheduleMetric: nil, batchSize: .size(32), epochs: 10,
            shuffle: .reshuffle, dropLast: false, seed: 1, validationSplit: 0.2, standardize: "all",
            earlyStopping: .init(patience: 3, minDelta: 0, monitor: nil), dataParallel: nil)
    }

    @Test func fingerprintIgnoresWhatAResumeMayChange() throws {
        let a = try Self.recipe()
        var b = a
        b.epochs = 50; b.data.path = "/elsewhere/d.csv"; b.data.description = "moved"
        #expect(a.fingerprint == b.fingerprint)
        #expect(a.fingerprint.count == 16)
    }

    @Test func fingerprintChangesWithEverySetting() throws {
        let a = try Self.recipe()
        var changes: [TrainingRecipe] = []
        func change(_ edit: (inout TrainingRecipe) throws -> Void) rethrows { var r = a; try edit(&r); changes.append(r) }
        change { $0.data.digest = "fedcba9876543210" }
        change { $0.data.targetColumns = ["0"] }
        change { $0.precision = "float" }
        change { $0.loss = "huber:1" }
        change { $0.initial = "random (seed 1)" }
        try change { $0.optimizer = try OptimizerSettings(parsing: "sgd:momentum=0.8") }
        change { $0.noBiasDecay = true }
        change { $0.averageFrom = 5 }
        change { $0.learningRate = 0.1 }
        change { $0.schedule = nil }
        change { $0.batchSize = .full }
        change { $0.shuffle = .once }
        change { $0.dropLast = true }
        change { $0.seed = 2 }
        change { $0.validationSplit = 0.1 }
        change { $0.standardize = "features" }
        change { $0.earlyStopping = nil }
        change { $0.dataParallel = "sharded every-step" }
        let prints = Set(changes.map(\.fingerprint))
        #expect(prints.count == changes.count && !prints.contains(a.fingerprint))
    }

    @Test func recipeRoundTripsThroughJSON() throws {
        let a = try Self.recipe()
        let back = try JSONDecoder().decode(TrainingRecipe.self, from: JSONEncoder().encode(a))
        #expect(back == a && back.fingerprint == a.fingerprint)
        #expect(a.trainingRecord(stopReason: "completed", batch: 32)["optimizer"] == "sgd:momentum=0.9")
    }
}
