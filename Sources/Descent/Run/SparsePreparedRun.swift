import Collective
import DataFiles
import Foundation
import LinearAlgebra
import Optimizers
import Schedules
import Training

/// `PreparedRun` for sparse data (`DataSpec.isSparse`): the data read and prepared by
/// `SparseTrainingSetup`, a `SparseLinearObjective` over them, and the same learning rate,
/// schedule, loop configuration and recipe as a dense run of the same plan (`RunSchedule`), so
/// every optimizer of the registry, every schedule, `--lr auto`, validation, early stopping and the
/// model file work as they do on dense data. One process (no data parallelism); the gradient
/// buffer is dense, so each update also costs O(parameters) in the optimizer.
public struct SparsePreparedRun<Scalar: BLASScalar> {
    /// The plan the run was prepared from.
    public let plan: RunPlan
    /// The data and model, prepared (`SparseTrainingSetup`).
    public let setup: SparseTrainingSetup<Scalar>
    /// The objective over the training part.
    public let objective: SparseLinearObjective<Scalar>
    /// The evaluation of the held-out part, when the plan splits one off.
    public let validation: ValidationEvaluator<Scalar>?
    /// Epochs, batches, shuffling, the schedule and the stopping rules (`RunSchedule`, as a dense run gets them).
    public let configuration: TrainingConfiguration
    /// The base learning rate (given, the optimizer's default, or the range test's suggestion).
    public let learningRate: Double
    /// What the range test said when it chose the rate (`--lr auto`), or nil.
    public let rangeTestNote: String?
    /// Set when a one-cycle or cosine schedule's length is not the run's (`PreparedRun.scheduleLengthWarning`).
    public let scheduleWarning: String?
    /// The schedule's text form as used, nil for a constant rate.
    public let scheduleText: String?
    /// The batch (clamped to the samples).
    public let batch: Int
    /// The run as data, for reports and the model file's training record.
    public let recipe: TrainingRecipe

    init(plan: RunPlan) throws {
        self.plan = plan
        let setup = try SparseTrainingSetup<Scalar>(data: plan.data, model: plan.model, preparation: plan.preparation)
        self.setup = setup
        let batching = try plan.batching(sampleCount: setup.train.sampleCount, dataParallel: nil)
        batch = batching.batch
        let objective = try setup.objective(maximumBatchSize: batching.batch)
        self.objective = objective
        validation = setup.validation.map { v in objective.evaluator(x: v.x, y: v.y) }
        let facts = RunSchedule<Scalar>.DataFacts(
            sampleCount: setup.train.sampleCount, hasValidation: setup.validation != nil, loss: setup.loss,
            binary: ClassificationMetrics(outputCount: setup.model.outputCount).isBinary, digest: setup.dataDigest,
            description: setup.dataDescription, shape: setup.shape, initialDescription: setup.initialDescription,
            initialParameters: setup.initialParameters, weights: nil)
        let pieces = try RunSchedule<Scalar>(plan: plan, data: facts, batching: batching, dataParallel: nil) { test in
            try Self.rangeTest(test, setup: setup, objective: objective, plan: plan, batch: batching.batch)
        }
        learningRate = pieces.learningRate
        rangeTestNote = pieces.rangeTestNote
        scheduleText = pieces.scheduleText
        scheduleWarning = pieces.scheduleWarning
        configuration = pieces.configuration
        recipe = pieces.recipe
    }

    static func groups(_ setup: SparseTrainingSetup<Scalar>, _ plan: RunPlan) -> [ParameterGroup] {
        plan.optimizerGroups(setup.model.parameterGroups)
    }

    /// A fresh optimizer for the run (with iterate averaging when the plan asks for it).
    public func makeOptimizer() throws -> any Optimizer<Scalar> {
        try plan.optimizer.make(Scalar.self, groups: Self.groups(setup, plan), learningRate: learningRate, averageFrom: plan.averageFrom)
    }

    /// The learning-rate range test from the start point (`descent lr-find`, and `--lr auto`).
    public func rangeTest(_ test: LRRangeTest) throws -> LRRangeTestResult {
        try Self.rangeTest(test, setup: setup, objective: objective, plan: plan, batch: batch)
    }

    static func rangeTest(_ test: LRRangeTest, setup: SparseTrainingSetup<Scalar>, objective: SparseLinearObjective<Scalar>,
                          plan: RunPlan, batch b: Int) throws -> LRRangeTestResult {
        var optimizer = try plan.optimizer.make(Scalar.self, groups: Self.groups(setup, plan), learningRate: 1)
        var parameters = setup.initialParameters
        var rangeObjective = objective
        var sampler = BatchSampler(sampleCount: setup.train.sampleCount, batchSize: b, mode: plan.shuffle, dropLast: plan.dropLast,
                                   seed: plan.preparation.seed)
        return try test.run(objective: &rangeObjective, optimizer: &optimizer, parameters: &parameters, sampler: &sampler)
    }

    /// Why this run's updates are dense (every coordinate: O(parameters) per update, through
    /// `Trainer`), or nil when they are lazy (`LazySparseTraining`: O(non-zeros of the batch) per
    /// update, the same result to rounding). Lazy updates need an optimizer whose missed updates
    /// catch up in O(1) (`LazyAdaptive.catchesUpInConstantTime`: SGD without momentum, AdaGrad,
    /// plain RMSProp, without weight decay), and no iterate averaging, early stopping, tol stop,
    /// gradient clipping or momentum-cycling schedule.
    public var lazyObstacle: String? {
        guard LazyAdaptive<Scalar>.optimizerNames.contains(plan.optimizer.name) else {
            return "the optimizer \(plan.optimizer.name) (they cover \(LazyAdaptive<Scalar>.optimizerNames.joined(separator: ", ")))"
        }
        if plan.averageFrom != nil { return "iterate averaging" }
        do {
            guard try LazyAdaptive(try makeOptimizer()).catchesUpInConstantTime else {
                return "missed updates that move the weights (momentum, weight decay, centring, Adam's moments): replayed one by one, "
                    + "they cost more than dense updates"
            }
        } catch let e as LazyOptimizerError { return e.description } catch { return "\(error)" }
        return LazySparseTraining<Scalar>.unsupported(configuration)
    }

    /// Trains with lazy updates (`lazyObstacle` must be nil), calling `afterEpoch` after each epoch.
    public func trainLazily(afterEpoch: (EpochRecord) -> Void = { _ in }) throws -> TrainingResult<Scalar> {
        let updates = configuration.epochs * BatchSampler.batchesPerEpoch(sampleCount: setup.train.sampleCount, batchSize: batch,
                                                                          dropLast: configuration.dropLast)
        var training: LazySparseTraining<Scalar>
        do {
            training = try LazySparseTraining(objective: objective, optimizer: try makeOptimizer(), initialParameters: setup.initialParameters,
                                              reservingSteps: Swift.min(updates, 1 << 24))
        } catch let e as LazyOptimizerError { throw TrainingError(e.description) }
        return try training.run(configuration, validation: validation, afterEpoch: afterEpoch)
    }

    /// Trains from the start point, with no hooks, and returns the result.
    public func run() throws -> TrainingResult<Scalar> {
        func train<Opt: Optimizer>(_ o: Opt) throws -> TrainingResult<Scalar> where Opt.Scalar == Scalar {
            try Trainer(objective: objective, optimizer: o, configuration: configuration, validation: validation,
                        initialParameters: setup.initialParameters).run()
        }
        return try train(makeOptimizer())
    }

    /// The model file's record key for the svmlight index base the model was trained with
    /// ("0" or "1"), which `predict` and `evaluate` read their files with.
    public static var indexBaseKey: String { "svmlightIndexBase" }

    /// The model file for `parameters` (feature scaling stored as means 0 and the scales).
    public func modelDocument(_ parameters: [Scalar], training: [String: String]) throws -> ModelDocument {
        var record = training
        if let zeroBased = setup.zeroBased { record[Self.indexBaseKey] = zeroBased ? "0" : "1" }
        return try ModelDocument(shape: setup.shape, parameters: parameters, loss: setup.loss,
                                 standardization: setup.documentStandardization, featureNames: [], targetNames: [],
                                 classLabels: setup.classLabels, missingValues: nil, training: record)
    }

    /// The model file of a finished (or diverged) run: its record is the recipe's.
    public func modelDocument(_ parameters: [Scalar], stopReason: StopReason) throws -> ModelDocument {
        try modelDocument(parameters, training: recipe.trainingRecord(stopReason: stopReason.description, batch: batch))
    }

    /// Writes the model file of a finished (or diverged) run atomically.
    public func saveModel(_ parameters: [Scalar], stopReason: StopReason, to path: String) throws {
        try modelDocument(parameters, stopReason: stopReason).save(to: URL(fileURLWithPath: path))
    }

    /// The loss and metrics of `parameters` on the training part and the held-out part.
    public func finalEvaluation(_ parameters: [Scalar]) -> (training: Evaluation, validation: Evaluation?) {
        (objective.evaluate(parameters: parameters), setup.validation.map { objective.evaluate(parameters: parameters, x: $0.x, y: $0.y) })
    }
}

extension RunPlan {
    /// Reads sparse data and builds the run's pieces (`SparsePreparedRun`; `data.isSparse`).
    public func prepareSparse<Scalar: BLASScalar>(_: Scalar.Type) throws -> SparsePreparedRun<Scalar> {
        guard data.isSparse else { preconditionFailure("prepareSparse needs svmlight or .npz data, got \(data.path ?? "the built-in problem")") }
        return try SparsePreparedRun(plan: self)
    }
}
