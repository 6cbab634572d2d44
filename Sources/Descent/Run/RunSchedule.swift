import Collective
import Foundation
import LinearAlgebra
import Optimizers
import Schedules
import Training

/// A plan's batch on its data: the batch size asked for (or the default), the epochs, the global
/// batch clamped to the samples and this process's share of it.
struct RunBatching {
    let batchSize: BatchSize
    let epochs: Int
    /// The batch on this process's data (the global batch, clamped to the samples).
    let batch: Int
    /// The samples this process takes per update: `batch`, or its share of it in sharded training.
    let localBatch: Int
    let batchesPerEpoch: Int
}

extension RunPlan {
    /// The model's parameter groups as the optimizer gets them: without weight decay on the
    /// biases when the plan says so (`noBiasDecay`).
    func optimizerGroups(_ groups: [ParameterGroup]) -> [ParameterGroup] {
        noBiasDecay ? groups.withoutDecayOnBiases() : groups
    }

    /// The batching of this plan on `sampleCount` training samples: batch 32 and 20 epochs by
    /// default, the built-in problem's own on it. Throws when --drop-last leaves no batch.
    func batching(sampleCount n: Int, dataParallel: DataParallel?) throws -> RunBatching {
        let embedded = isBuiltInProblem
        let batchSize = self.batchSize ?? .size(embedded ? EmbeddedProblem.batchSize : 32)
        let epochs = self.epochs ?? (embedded ? EmbeddedProblem.epochs : 20)
        let b = batchSize.resolved(sampleCount: n)
        // Sharded: each process takes B/N of its n local samples per update (the trainer checks B is a multiple of N).
        let localBatch = dataParallel.map { Swift.max(1, $0.localBatchSize(batchSize, sampleCount: n)) } ?? b
        let batchesPerEpoch = BatchSampler.batchesPerEpoch(sampleCount: n, batchSize: localBatch, dropLast: dropLast)
        guard batchesPerEpoch >= 1 else { throw TrainingError("--drop-last with batch size \(b) leaves no batch of \(n) samples") }
        return RunBatching(batchSize: batchSize, epochs: epochs, batch: b, localBatch: localBatch, batchesPerEpoch: batchesPerEpoch)
    }
}

/// The learning rate, schedule, loop configuration and recipe of a run: what follows from its plan
/// and a few facts about its prepared data, the same for dense (`PreparedRun`) and sparse
/// (`SparsePreparedRun`) data. The range test, when the plan asks for one, runs through `rangeTest`.
struct RunSchedule<Scalar: BLASScalar> {
    /// What the run's data and model are, as far as the schedule and the recipe need them.
    struct DataFacts {
        var sampleCount: Int
        var hasValidation: Bool
        var loss: Loss
        /// Whether a classification model has two classes (for ROC-AUC).
        var binary: Bool
        var digest: String
        var description: String
        var shape: ModelShape
        var initialDescription: String
        /// Digested into the recipe when the start point was read from a file.
        var initialParameters: [Scalar]
        var weights: TrainingRecipe.Weights?
    }

    let learningRate: Double
    let rangeTestNote: String?
    let scheduleText: String?
    let scheduleWarning: String?
    let configuration: TrainingConfiguration
    let recipe: TrainingRecipe

    init(plan: RunPlan, data: DataFacts, batching: RunBatching, dataParallel: DataParallel?,
         rangeTest: (LRRangeTest) throws -> LRRangeTestResult) throws {
        let embedded = plan.isBuiltInProblem
        let (n, epochs, batchSize, batchesPerEpoch) = (data.sampleCount, batching.epochs, batching.batchSize, batching.batchesPerEpoch)
        for q in [plan.scheduleMetric, plan.earlyStopping?.monitor].compactMap({ $0 }) {
            try PreparedRun<Scalar>.check(q, loss: data.loss, binary: data.binary)
        }

        // The learning rate: given, the optimizer's default, or the range test's suggestion.
        var rate: Double
        var note: String? = nil
        var peak: SchedulePeak? = nil
        switch plan.learningRate {
        case .given(let lr): rate = lr
        case .optimizerDefault: rate = plan.optimizer.defaultLearningRate
        case .rangeTest(let test):
            // A sweep that stops within its first tenth (the loss blew up at rates far below the
            // sweep's start: unscaled data) is run again, lower: from start/10⁴ up to where it stopped.
            var sweep = test, retried = ""
            var result = try rangeTest(sweep)
            for _ in 0..<2 {
                guard case .unreliable = result.consensus().suggestion, result.stop != .completed,
                      result.learningRates.count < sweep.sweep.iterations / 5, let stopRate = result.learningRates.last else { break }
                sweep.sweep = try LRSweep(start: sweep.sweep.start / 1e4, end: stopRate, iterations: sweep.sweep.iterations,
                                          spacing: sweep.sweep.spacing)
                retried = "; swept again from \(sweep.sweep.start) to \(stopRate), as the loss blew up at once (unscaled features? "
                    + "try --standardize all)"
                result = try rangeTest(sweep)
            }
            let consensus = result.consensus()
            switch consensus.suggestion {
            case .rate(let lr, _):
                rate = lr
                note = consensus.note + retried
            case .unreliable(let reason):
                throw TrainingError("--lr auto: the range test gave no reliable suggestion: \(reason)\(retried); run `descent lr-find --plot lr.svg` "
                                    + "to see the curve, or give --lr")
            }
            // The rate goes to the schedule by value: its base, and the peak of a cyclic or
            // one-cycle schedule without max= (starting at max/4, Smith's rule).
            peak = SchedulePeak(max: rate, divisor: 4)
        }
        learningRate = rate
        rangeTestNote = note
        var text = try plan.schedule.map {
            try PreparedRun<Scalar>.plateauText($0, following: plan.scheduleMetric ?? (data.hasValidation ? .validationLoss : .trainingLoss))
        }
        if text == nil, embedded, epochs * batchesPerEpoch > 0, case .optimizerDefault = plan.learningRate {
            text = EmbeddedProblem.schedule(updates: epochs * batchesPerEpoch)
        }
        let schedule = try text.map { try parseSchedule($0, baseLearningRate: rate, peak: peak) }
        if peak != nil, let s = schedule { text = String(describing: s) }   // the values it took
        scheduleText = text
        scheduleWarning = schedule.flatMap {
            PreparedRun<Scalar>.scheduleLengthWarning($0, epochs: epochs, batchesPerEpoch: batchesPerEpoch,
                                            samplesPerEpoch: Swift.min(n, batching.localBatch * batchesPerEpoch))
        }

        // The schedule is the one source of every update's rate (a constant one without a schedule).
        var configuration = TrainingConfiguration(
            epochs: epochs, batchSize: batchSize, shuffle: plan.shuffle, dropLast: plan.dropLast, seed: plan.preparation.seed,
            schedule: try schedule ?? TrainingConfiguration.constant(rate),
            scheduleMetric: plan.scheduleMetric, earlyStopping: plan.earlyStopping)
        configuration.gradientClipping = plan.gradientClipping
        configuration.toleranceStop = plan.toleranceStop
        configuration.batchOrder = try plan.batchOrderFile.map { try BatchOrder.read(from: $0, sampleCount: n, epochs: epochs) }
        self.configuration = configuration

        var initialDigest: String? = nil
        if let path = plan.model.initial, path != "zeros", path != "random" { initialDigest = data.initialParameters.withUnsafeBytes { XXH64.digest(of: $0).hex } }
        var distributedMode: String? = nil
        if let d = dataParallel, d.sharding != .exact || d.synchronization != .everyStep {
            // A plain run's checkpoint resumes under exact every-step data parallelism, and back.
            distributedMode = "\(d.sharding.rawValue) \(d.synchronization)"
        }
        let header: String = switch plan.data.header { case .auto: "auto"; case .present: "present"; case .absent: "absent" }
        var recipe = TrainingRecipe(
            data: .init(path: plan.data.path, targetsPath: plan.data.targetsPath, targetColumns: plan.data.targetColumns.map(\.description),
                        header: header, delimiter: String(plan.data.delimiter), dropNonfinite: plan.data.dropNonfinite,
                        digest: data.digest, description: data.description),
            precision: PreparedRun<Scalar>.precision, model: "\(data.shape)", loss: data.loss.description,
            initial: data.initialDescription, initialDigest: initialDigest, optimizer: plan.optimizer, noBiasDecay: plan.noBiasDecay,
            averageFrom: plan.averageFrom, learningRate: rate, schedule: text, scheduleMetric: plan.scheduleMetric?.rawValue,
            batchSize: batchSize, epochs: epochs, shuffle: plan.shuffle, dropLast: plan.dropLast, seed: plan.preparation.seed,
            validationSplit: plan.preparation.validationSplit, standardize: plan.preparation.standardize.rawValue,
            earlyStopping: plan.earlyStopping.map { .init(patience: $0.patience, minDelta: $0.minDelta, monitor: $0.monitor?.rawValue) },
            dataParallel: distributedMode, gradientClipping: plan.gradientClipping?.description)
        recipe.weights = data.weights
        recipe.toleranceStop = plan.toleranceStop
        recipe.batchOrder = configuration.batchOrder?.digest
        self.recipe = recipe
    }
}
