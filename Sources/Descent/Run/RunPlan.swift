import Collective
import DataFiles
import Foundation
import LinearAlgebra
import Optimizers
import Schedules
import Training

/// What a training run is asked to do, before anything is read: the data, the model, the
/// preparation, the optimizer, the learning rate (given, from a range test, or the optimizer's
/// default), the schedule's text, batching, epochs and early stopping. `prepare` reads the data and
/// builds the pieces (`PreparedRun`); `PreparedRun.run()` trains. `descent train` fills a plan from
/// its flags and adds only progress, checkpoints and reports, so a program gets the same run.
///
/// Defaults where the plan leaves a value out: batch 32 and 20 epochs, and on the built-in problem
/// (`data.path == nil`) its own run: batch 64, 10 epochs and a per-update cosine decay to 0 unless a
/// learning rate or schedule is given.
public struct RunPlan: Sendable {
    /// Where the learning rate comes from.
    public enum LearningRate: Sendable {
        /// The optimizer's default (`OptimizerSpec.defaultLearningRate`).
        case optimizerDefault
        /// This learning rate (`--lr`).
        case given(Double)
        /// The steepest-descent suggestion of this range test on the run's own pieces; a cyclic or
        /// one-cycle schedule without `max=` peaks there and starts at max/4 (Smith's rule).
        case rangeTest(LRRangeTest)
    }

    /// Where the data comes from and how it is read.
    public var data: DataSpec
    /// The model, loss and start point.
    public var model: ModelSpec
    /// Validation split, standardisation and the split's seed.
    public var preparation: PreparationSpec
    /// The optimizer and its fields, in the text form's parsed settings.
    public var optimizer: OptimizerSettings
    /// No weight decay on the biases (every optimizer).
    public var noBiasDecay = false
    /// Iterate averaging (`PolynomialAveraging`) from this update on.
    public var averageFrom: Int? = nil
    /// Where the base learning rate comes from (the optimizer's default unless set).
    public var learningRate: LearningRate = .optimizerDefault
    /// The schedule's text form (`parseSchedule`); nil for a constant rate.
    public var schedule: String? = nil
    /// What a metric-driven schedule reads each epoch; nil for the default (see
    /// `TrainingConfiguration.scheduleMetric`).
    public var scheduleMetric: MonitoredQuantity? = nil
    /// The batch size; nil for the default (32, or the built-in problem's 64).
    public var batchSize: BatchSize? = nil
    /// The number of epochs; nil for the default (20, or the built-in problem's 10).
    public var epochs: Int? = nil
    /// How batches are drawn each epoch (reshuffled by default).
    public var shuffle: ShuffleMode = .reshuffle
    /// Whether an epoch's last, short batch is left out.
    public var dropLast = false
    /// Early stopping on the monitored quantity; nil for none.
    public var earlyStopping: EarlyStopping? = nil
    /// Gradient clipping before every step (`GradientClipping`); nil for none.
    public var gradientClipping: GradientClipping? = nil
    /// scikit-learn's `tol` stop on the epoch training loss (`ToleranceStop`, keeps the last weights); nil for none.
    public var toleranceStop: ToleranceStop? = nil
    /// A batch-order file to replay (`BatchOrder.read`): one line per epoch of training-row indices
    /// (rows of the training part after any validation split); replaces the shuffle. Nil for none.
    public var batchOrderFile: String? = nil
    /// Threads of the objective's worker pool (nil: every core).
    public var threads: Int? = nil

    /// A plan for `data` with the given model, preparation and optimizer; every other setting at its default.
    public init(data: DataSpec, model: ModelSpec = ModelSpec(), preparation: PreparationSpec = PreparationSpec(),
                optimizer: OptimizerSettings) {
        self.data = data; self.model = model; self.preparation = preparation; self.optimizer = optimizer
    }

    /// Whether the run uses the built-in problem (no data file given).
    public var isBuiltInProblem: Bool { data.path == nil }

    /// Reads the data and builds the run's pieces (a collective in data-parallel training: every
    /// process prepares, and a failure on one stops all).
    public func prepare<Scalar: BLASScalar>(_: Scalar.Type, dataParallel: DataParallel? = nil) throws -> PreparedRun<Scalar> {
        try PreparedRun(plan: self, dataParallel: dataParallel)
    }
}

/// A run with its data read and its pieces built (see `RunPlan`).
public struct PreparedRun<Scalar: BLASScalar> {
    /// The plan this run was prepared from.
    public let plan: RunPlan
    /// This process's part in a data-parallel run; nil for a plain run.
    public let dataParallel: DataParallel?
    /// The prepared data, split and standardisation, model and start point.
    public let setup: TrainingSetup<Scalar>
    /// The objective over the training rows.
    public let objective: SupervisedObjective<Scalar>
    /// Validation on the held-out part (combined over the processes in data-parallel training).
    public let validation: ValidationEvaluator<Scalar>?
    /// The loop's configuration: epochs, batches, schedule, stopping rules.
    public let configuration: TrainingConfiguration
    /// The base learning rate, and what the range test said when it chose it (`LRConsensus.note`:
    /// the rule, and any disagreement).
    public let learningRate: Double
    /// What the range test said when it chose the rate (`LRConsensus.note`); nil when no range test ran.
    public let rangeTestNote: String?
    /// Set when a one-cycle or cosine schedule's length is not the run's (`scheduleLengthWarning`).
    public let scheduleWarning: String?
    /// The schedule's text form as used (with the range test's peak filled in), nil for a constant rate.
    public let scheduleText: String?
    /// The batch on this process's data (the global batch, clamped to the samples).
    public let batch: Int
    /// The samples this process takes per update: `batch`, or its share of it in sharded training.
    public let localBatch: Int
    /// The run as data: the data digest and every setting (the checkpoint fingerprint's input).
    public let recipe: TrainingRecipe

    init(plan: RunPlan, dataParallel: DataParallel?) throws {
        self.plan = plan
        self.dataParallel = dataParallel
        let setup = try TrainingSetup<Scalar>(data: plan.data, model: plan.model, preparation: plan.preparation, dataParallel: dataParallel)
        self.setup = setup
        let batching = try plan.batching(sampleCount: setup.train.sampleCount, dataParallel: dataParallel)
        (batch, localBatch) = (batching.batch, batching.localBatch)
        let agree: (() throws -> SupervisedObjective<Scalar>) throws -> SupervisedObjective<Scalar> = { body in
            try dataParallel.map { try $0.communicator.agree(body) } ?? body()
        }
        let objective = try agree { try setup.objective(maximumBatchSize: batching.batch, threads: plan.threads) }
        self.objective = objective
        validation = setup.validation.map { v in
            // Weighted by the validation rows' sample and class weights (scikit-learn's `score(X, y, sample_weight)`).
            guard let dataParallel else { return objective.evaluator(x: v.x, y: v.y, weights: v.weights) }
            let (vx, vy) = Self.ownRows(v.x, v.y, dataParallel)
            let vw = Self.ownWeights(v.weights, rows: v.sampleCount, dataParallel)
            return { p in try objective.evaluate(parameters: p, x: vx, y: vy, weights: vw, over: dataParallel.communicator) }
        }
        let facts = RunSchedule<Scalar>.DataFacts(
            sampleCount: setup.train.sampleCount, hasValidation: setup.validation != nil, loss: setup.loss,
            binary: ClassificationMetrics(outputCount: objective.model.outputCount).isBinary, digest: setup.dataDigest,
            description: setup.dataDescription, shape: setup.shape, initialDescription: setup.initialDescription,
            initialParameters: setup.initialParameters, weights: setup.weights)
        let pieces = try RunSchedule<Scalar>(plan: plan, data: facts, batching: batching, dataParallel: dataParallel) { test in
            try Self.rangeTest(test, setup: setup, objective: objective, plan: plan, dataParallel: dataParallel,
                               batch: batching.batch, localBatch: batching.localBatch)
        }
        learningRate = pieces.learningRate
        rangeTestNote = pieces.rangeTestNote
        scheduleText = pieces.scheduleText
        scheduleWarning = pieces.scheduleWarning
        configuration = pieces.configuration
        recipe = pieces.recipe
    }

    /// The learning-rate range test from the start point, with the run's optimizer at multiplier 1,
    /// batches and seed (`descent lr-find`, and `--lr auto` before training). Leaves nothing behind.
    public func rangeTest(_ test: LRRangeTest) throws -> LRRangeTestResult {
        try Self.rangeTest(test, setup: setup, objective: objective, plan: plan, dataParallel: dataParallel, batch: batch, localBatch: localBatch)
    }

    static func rangeTest(_ test: LRRangeTest, setup: TrainingSetup<Scalar>, objective: SupervisedObjective<Scalar>, plan: RunPlan,
                          dataParallel: DataParallel?, batch b: Int, localBatch: Int) throws -> LRRangeTestResult {
        var optimizer = try plan.optimizer.make(Scalar.self, groups: Self.groups(setup, plan), learningRate: 1)
        var parameters = setup.initialParameters
        let n = setup.train.sampleCount
        guard let dataParallel else {
            var rangeObjective = objective
            var sampler = BatchSampler(sampleCount: n, batchSize: b, mode: plan.shuffle, dropLast: plan.dropLast, seed: plan.preparation.seed)
            return try test.run(objective: &rangeObjective, optimizer: &optimizer, parameters: &parameters, sampler: &sampler)
        }
        // Every process runs the same test on the reduced losses, so all get the same suggestion.
        try dataParallel.communicator.broadcast(&parameters)
        let sharded = dataParallel.sharding == .sharded
        var rangeObjective = DataParallelObjective(objective, dataParallel: dataParallel)
        var sampler = BatchSampler(sampleCount: n, batchSize: localBatch, mode: plan.shuffle, dropLast: plan.dropLast,
                                   seed: sharded ? DataParallel.shardSeed(plan.preparation.seed, rank: dataParallel.rank) : plan.preparation.seed)
        return try test.run(objective: &rangeObjective, optimizer: &optimizer, parameters: &parameters, sampler: &sampler)
    }

    static func groups(_ setup: TrainingSetup<Scalar>, _ plan: RunPlan) -> [ParameterGroup] {
        plan.optimizerGroups(setup.model.parameterGroups)
    }

    /// A one-cycle or cosine schedule whose length, in its unit, is not the run's: "--schedule
    /// onecycle:steps=2000 lasts 2000 updates, the run has 1260 (20 epochs of 63): the rate never
    /// anneals to its end; give steps=1260 or --epochs 32". Nil when they match or for other kinds.
    public static func scheduleLengthWarning(_ schedule: any LearningRateSchedule, epochs: Int, batchesPerEpoch: Int,
                                             samplesPerEpoch: Int) -> String? {
        let (length, name, field, ending): (Int, String, String, String)
        if let s = schedule as? OneCycleSchedule {
            (length, name, field, ending) = (s.totalSteps, "onecycle", "steps", "the rate never anneals to its final value")
        } else if let s = schedule as? CosineAnnealingSchedule {
            (length, name, field, ending) = (s.period, "cosine", "T", "the rate never reaches its minimum")
        } else {
            return nil
        }
        let perEpoch: Int, unitName: String
        switch schedule.unit {
        case .epoch: (perEpoch, unitName) = (1, "epochs")
        case .batch: (perEpoch, unitName) = (batchesPerEpoch, "updates")
        case .sample: (perEpoch, unitName) = (samplesPerEpoch, "samples")
        }
        let run = epochs * perEpoch
        guard run > 0, length != run else { return nil }
        let after = schedule is CosineAnnealingSchedule ? "past T the cosine climbs back towards the base rate (as PyTorch's does)"
            : "the rest of the run trains at its final rate"
        let what = length > run ? ending : "it ends before the run does; \(after)"
        let fit = length > run && perEpoch > 0 ? " or --epochs \((length + perEpoch - 1) / perEpoch)" : ""
        return "--schedule \(name) lasts \(length) \(unitName), the run has \(run) (\(epochs) epochs"
            + (perEpoch == 1 ? "" : " of \(perEpoch)") + "): \(what); give \(field)=\(run)\(fit)"
    }

    /// What the range test sweeps over: "the batch losses of the 4000 training rows (the 1000
    /// validation rows are not used)".
    public var rangeTestRows: String {
        let held = setup.validation.map { " (the \($0.sampleCount) validation rows are not used)" } ?? ""
        return "the batch losses of the \(setup.train.sampleCount) training rows\(held)"
    }

    /// "range test on " + `rangeTestRows`, for `--lr auto`'s note.
    public var rangeTestSource: String { "range test on " + rangeTestRows }

    /// "float" or "double": the recipe's and the checkpoint's name of `Scalar`.
    public static var precision: String { Scalar.self == Float.self ? "float" : "double" }

    /// A fresh optimizer for the run (with iterate averaging when the plan asks for it).
    public func makeOptimizer() throws -> any Optimizer<Scalar> {
        try plan.optimizer.make(Scalar.self, groups: Self.groups(setup, plan), learningRate: learningRate, averageFrom: plan.averageFrom)
    }

    /// Throws unless the loss gives `q`: regression metrics need a regression loss, classification
    /// metrics a classification loss, ROC-AUC two classes.
    static func check(_ q: MonitoredQuantity, loss: Loss, binary: Bool) throws {
        if let c = q.needsClassification, c != loss.isClassification {
            throw TrainingError("\(q.displayName) needs a \(c ? "classification" : "regression") loss; the loss is \(loss.description)")
        }
        if q == .validationROCAUC && !binary {
            throw TrainingError("validation ROC-AUC needs two classes (binary classification); the model has more")
        }
    }

    /// A lone plateau schedule's text with the mode of `metric` (`mode=max` when higher is better,
    /// as torch's `ReduceLROnPlateau(mode=…)` must be told); throws when the text states the other mode.
    static func plateauText(_ text: String, following metric: MonitoredQuantity) throws -> String {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t == "plateau" || t.hasPrefix("plateau:"), !t.contains(" ") else { return text }
        let fields = t.dropFirst("plateau".count).split(whereSeparator: { $0 == ":" || $0 == "," })
        if let stated = fields.first(where: { $0.hasPrefix("mode=") })?.dropFirst("mode=".count) {
            guard stated == metric.mode.rawValue else {
                throw TrainingError("schedule \(t): mode=\(stated) contradicts the schedule metric \(metric.displayName) (\(metric.higherIsBetter ? "higher" : "lower") is better: mode=\(metric.mode.rawValue))")
            }
            return text
        }
        guard metric.higherIsBetter else { return text }
        return t == "plateau" ? "plateau:mode=max" : t + ",mode=max"
    }

    /// This process's rows of (x, y) for a combined evaluation: its share in `.exact` mode (every
    /// process holds all rows), all of them otherwise.
    public func ownRows(_ x: Matrix<Scalar>, _ y: Matrix<Scalar>) -> (Matrix<Scalar>, Matrix<Scalar>) {
        guard let dataParallel else { return (x, y) }
        return Self.ownRows(x, y, dataParallel)
    }

    static func ownRows(_ x: Matrix<Scalar>, _ y: Matrix<Scalar>, _ d: DataParallel) -> (Matrix<Scalar>, Matrix<Scalar>) {
        guard d.sharding == .exact else { return (x, y) }
        let r = DataParallel.share(of: x.rows, rank: d.rank, size: d.size)
        return (x.rows(r), y.rows(r))
    }

    /// The weights of the rows `ownRows` keeps (all of them unless sharding is exact).
    static func ownWeights(_ w: SampleWeights<Scalar>?, rows: Int, _ d: DataParallel) -> SampleWeights<Scalar>? {
        guard let w, d.sharding == .exact else { return w }
        return w.subset(DataParallel.share(of: rows, rank: d.rank, size: d.size))
    }

    /// Trains from the start point, with no hooks, and returns the result.
    public func run() throws -> TrainingResult<Scalar> {
        func train<Opt: Optimizer>(_ o: Opt) throws -> TrainingResult<Scalar> where Opt.Scalar == Scalar {
            try Trainer(objective: objective, optimizer: o, configuration: configuration, validation: validation,
                        initialParameters: setup.initialParameters, dataParallel: dataParallel).run()
        }
        return try train(makeOptimizer())
    }
}
