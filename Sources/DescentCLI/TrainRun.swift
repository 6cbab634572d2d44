import Descent
import Foundation

/// `descent train` for one precision: every step from options to files, generic over the scalar.
struct TrainRun<Scalar: BLASScalar> {
    let command: Train
    let compute: ComputeOptions
    /// The processes of a --distributed run; nil for a plain one.
    let group: ProcessGroup?

    /// Whether this process prints and writes files (process 0 of a distributed run).
    var isRoot: Bool { group?.isRoot ?? true }

    /// Runs `body`, agreeing on its outcome with the other processes of a distributed run.
    func agreed<T>(_ body: () throws -> T) throws -> T {
        guard let group else { return try body() }
        return try group.agree(body)
    }

    var training: TrainingOptions { command.training }
    var output: OutputOptions { command.output }
    var dtype: String { command.compute.dtype.rawValue }

    func run() throws {
        try agreed {
            if let r = output.resume, !FileManager.default.fileExists(atPath: r) {
                throw DataError(.io, file: r, "cannot resume: no such checkpoint file")
            }
            guard isRoot else { return }
            try OutputPath.checkAll([(output.output, "--output"), (output.metrics, "--metrics"),
                                     (output.plot, "--plot"), (output.checkpoint, "--checkpoint")])
            for path in [output.checkpoint, output.output].compactMap({ $0 }) { OutputPath.removeStaleTemporaries(of: path) }
        }
        let setup = try TrainingSetup<Scalar>(data: command.data.spec(), model: command.model.spec(), preparation: training.preparation,
                                              dataParallel: group?.settings)
        let embedded = setup.isEmbedded
        let optimizerOptions = command.optimizer
        let settings = try optimizerOptions.settings(embedded: embedded)
        let n = setup.train.sampleCount
        let batchSize = try training.parsedBatchSize(default: embedded ? EmbeddedProblem.batchSize : 32)
        let epochs = training.epochs ?? (embedded ? EmbeddedProblem.epochs : 20)
        let b = batchSize.resolved(sampleCount: n)
        // Sharded: each process takes B/N of its n local samples per update (the trainer checks B is a multiple of N).
        let localBatch = group.map { $0.settings.sharding == .sharded ? max(1, batchSize.resolved(sampleCount: n * $0.size) / $0.size) : b } ?? b
        let batchesPerEpoch = BatchSampler.batchesPerEpoch(sampleCount: n, batchSize: localBatch, dropLast: training.dropLast)
        guard batchesPerEpoch >= 1 else { throw CLIError("--drop-last with batch size \(b) leaves no batch of \(n) samples") }

        let objective = try agreed { try setup.objective(maximumBatchSize: b, threads: compute.threads) }
        let validation: ValidationEvaluator<Scalar>? = setup.validation.map { v in
            guard let group else { return objective.evaluator(x: v.x, y: v.y) }
            let (vx, vy) = ownPart(v.x, v.y)
            return { p in
                let e = try objective.evaluate(parameters: p, x: vx, y: vy, over: group.communicator)
                return (e.loss, e.primaryMetric)
            }
        }

        // Learning rate, possibly from a range test, and the schedule.
        var learningRate = try training.learningRate(default: optimizerOptions.defaultLearningRate(settings))
        var lrNote: String? = nil
        if training.isAutoLR {
            let finder = RangeTestSettings.defaults
            var optimizer = try optimizerOptions.make(settings, Scalar.self, groups: setup.model.parameterGroups, learningRate: 1)
            var parameters = setup.initialParameters
            let result: LRRangeTestResult
            if let group {
                // Every process runs the same test on the reduced losses, so all get the same suggestion.
                try group.communicator.broadcast(&parameters)
                let sharded = group.settings.sharding == .sharded
                var rangeObjective = DataParallelObjective(objective, dataParallel: group.settings)
                var sampler = BatchSampler(sampleCount: n, batchSize: localBatch, mode: training.shuffle,
                                           dropLast: training.dropLast,
                                           seed: sharded ? DataParallel.shardSeed(training.seed, rank: group.rank) : training.seed)
                result = try finder.test().run(objective: &rangeObjective, optimizer: &optimizer, parameters: &parameters, sampler: &sampler)
            } else {
                var rangeObjective = objective
                var sampler = BatchSampler(sampleCount: n, batchSize: b, mode: training.shuffle, dropLast: training.dropLast, seed: training.seed)
                result = try finder.test().run(objective: &rangeObjective, optimizer: &optimizer, parameters: &parameters, sampler: &sampler)
            }
            switch result.suggest(.steepest) {
            case .rate(let lr, _):
                learningRate = lr
                lrNote = "--lr auto: range test suggests \(Format.number(lr)) (steepest descent of the smoothed loss)"
            case .unreliable(let reason):
                throw CLIError("--lr auto: the range test gave no reliable suggestion: \(reason); run `descent lr-find` to see the curve, or give --lr")
            }
        }
        var scheduleText = training.schedule ?? (embedded && training.lr == nil ? EmbeddedProblem.schedule(updates: epochs * batchesPerEpoch) : nil)
        // --lr auto hands the range test's rate to the schedule by value: the base rate, and the peak
        // of a cyclic or one-cycle schedule without max= (starting at max/4, Smith's rule). The
        // schedule's own text form then records the values it took.
        let peak = training.isAutoLR ? SchedulePeak(max: learningRate, divisor: 4) : nil
        let schedule = try scheduleText.map { try parseSchedule($0, baseLearningRate: learningRate, peak: peak) }
        if training.isAutoLR, let s = schedule { scheduleText = String(describing: s) }

        // The schedule is the one source of every update's rate (a constant one without --schedule).
        let configuration = TrainingConfiguration(
            epochs: epochs, batchSize: batchSize, shuffle: training.shuffle, dropLast: training.dropLast, seed: training.seed,
            schedule: try schedule ?? TrainingConfiguration.constant(learningRate),
            scheduleMetric: training.scheduleMetric?.quantity, earlyStopping: training.earlyStoppingRule)

        var initialDigest: String? = nil
        if case .some(let path) = command.model.initial, path != "zeros", path != "random" {
            var p = Fingerprint(); setup.initialParameters.withUnsafeBytes { p.add($0) }; initialDigest = p.hex
        }
        var distributedMode: String? = nil
        if let g = group, g.settings.sharding != .exact || g.settings.synchronization != .everyStep {
            // A plain run's checkpoint resumes under --distributed exact every-step, and back.
            distributedMode = "\(g.settings.sharding.rawValue) \(g.settings.synchronization)"
        }
        let data = command.data
        let recipe = TrainingRecipe(
            data: .init(path: data.data, targetsPath: data.targets, targetColumns: data.target, header: data.header.rawValue,
                        delimiter: data.delimiter, dropNonfinite: data.dropNonfinite, digest: setup.dataDigest,
                        description: setup.dataDescription),
            precision: dtype, model: "\(setup.shape)", loss: setup.loss.description, initial: setup.initialDescription,
            initialDigest: initialDigest, optimizer: settings, noBiasDecay: optimizerOptions.noBiasDecay,
            averageFrom: optimizerOptions.averageFrom, learningRate: learningRate, schedule: scheduleText,
            scheduleMetric: training.scheduleMetric?.rawValue, batchSize: batchSize, epochs: epochs, shuffle: training.shuffle,
            dropLast: training.dropLast, seed: training.seed, validationSplit: training.validationSplit,
            standardize: training.standardize.rawValue,
            earlyStopping: training.earlyStopping.map { .init(patience: $0, minDelta: training.minDelta, monitor: training.monitor?.rawValue) },
            dataParallel: distributedMode)

        let context = RunContext(setup: setup, recipe: recipe, optimizerSummary: recipe.optimizerSummary, learningRate: learningRate,
                                 scheduleText: scheduleText, batchSize: b, epochs: epochs, fingerprint: recipe.fingerprint, lrNote: lrNote,
                                 processes: group.map {
                                     "\($0.size) (\($0.communicator.implementation)), sharding \($0.settings.sharding.rawValue), "
                                         + "sync \($0.settings.synchronization), batch \(b) is the global batch"
                                 })
        let optimizer = try optimizerOptions.make(settings, Scalar.self, groups: setup.model.parameterGroups, learningRate: learningRate)
        try loop(optimizer, objective: objective, validation: validation, configuration: configuration, context: context)
    }

    /// This process's rows of (x, y) for a combined evaluation: its share in `.exact` mode (every
    /// process holds all rows), all of them in `.sharded` mode.
    func ownPart(_ x: Matrix<Scalar>, _ y: Matrix<Scalar>) -> (Matrix<Scalar>, Matrix<Scalar>) {
        guard let group, group.settings.sharding == .exact else { return (x, y) }
        let r = DataParallel.share(of: x.rows, rank: group.rank, size: group.size)
        return (x.rows(r), y.rows(r))
    }

    /// The values the loop and the report share.
    struct RunContext {
        var setup: TrainingSetup<Scalar>
        /// The run as data: its fingerprint is the checkpoint's, its training record the model file's.
        var recipe: TrainingRecipe
        var optimizerSummary: String
        var learningRate: Double
        var scheduleText: String?
        var batchSize: Int
        var epochs: Int
        var fingerprint: String
        var lrNote: String?
        /// "2 (Open MPI v4.1.4), sharding exact, sync every-step, global batch" for a distributed run.
        var processes: String? = nil
    }

    func loop<Opt: Optimizer>(_ optimizer: Opt, objective: SupervisedObjective<Scalar>,
                              validation: ValidationEvaluator<Scalar>?, configuration: TrainingConfiguration,
                              context: RunContext) throws where Opt.Scalar == Scalar {
        let trainer: Trainer<SupervisedObjective<Scalar>, Opt>
        var resumedNote: String? = nil
        let dataParallel = group?.settings
        if let path = output.resume {
            // Every process reads the checkpoint (on one machine or a shared file system).
            var state = try agreed {
                let checkpoint: TrainingCheckpoint<Scalar>
                do { checkpoint = try CheckpointFile.load(path, fingerprint: context.fingerprint, as: Scalar.self) } catch {
                    // A sharded run's data digest depends on the process count: say so when that is the difference.
                    if let g = self.group, g.settings.sharding == .sharded,
                       let other = try? CheckpointFile.load(path, fingerprint: nil, as: Scalar.self),
                       let was = other.state.trainer.dataParallel, was.processes != g.size {
                        throw DataError(.shapeMismatch, file: path, "the checkpoint is from a sharded run on \(was.processes) processes; "
                                        + "it resumes only on \(was.processes) (each process's shard depends on the count), this run has \(g.size)")
                    }
                    throw error
                }
                guard checkpoint.state.dtype == dtype else {
                    throw DataError(.shapeMismatch, file: path, "the checkpoint is in \(checkpoint.state.dtype) precision, this run uses \(dtype)")
                }
                return checkpoint.state.trainer
            }
            if state.finished == .completed && state.epoch < configuration.epochs { state.finished = nil }
            trainer = try Trainer(objective: objective, optimizer: optimizer, configuration: configuration,
                                  validation: validation, resumingFrom: state, dataParallel: dataParallel)
            resumedNote = "resuming from \(path): \(state.epoch) epochs, \(state.step) updates done"
            let was = state.dataParallel?.processes ?? 1, now = group?.size ?? 1
            if was != now {
                resumedNote! += "; the checkpoint was written by \(was) process\(was == 1 ? "" : "es"), this run has \(now): "
                    + "it continues correctly but not bit-identically (the gradient's summation order changes)"
            }
        } else {
            trainer = try Trainer(objective: objective, optimizer: optimizer, configuration: configuration,
                                  validation: validation, initialParameters: context.setup.initialParameters,
                                  dataParallel: dataParallel)
        }

        let report = TrainReport(json: output.json && isRoot, quiet: output.quiet || !isRoot, hasValidation: validation != nil,
                                 isClassification: context.setup.loss.isClassification)
        if isRoot { report.header(context: context, dtype: dtype, resumedNote: resumedNote) }

        var bar = ProgressBar(enabled: isRoot && !output.quiet && !output.json && Terminal.isTerminal(2), totalEpochs: configuration.epochs)
        var hookError: (any Error)? = nil
        let checkpointPath = output.checkpoint
        let everyEpochs = output.checkpointEverySteps == nil ? output.checkpointEvery : nil
        let everySteps = output.checkpointEverySteps
        let delay = output.epochDelay
        let root = isRoot, group = group
        // Process 0 writes; the others wait for it in the agreement, and every process stops if it failed.
        func save(_ t: Trainer<SupervisedObjective<Scalar>, Opt>) -> HookDecision {
            guard let checkpointPath else { return .continue }
            var failed = false
            if root {
                do { try writeCheckpoint(t, to: checkpointPath, context: context) } catch { hookError = error; failed = true }
            }
            if let group {
                do {
                    if try group.communicator.any(failed) {
                        if hookError == nil { hookError = PeerFailure(ranks: [0]) }
                        return .stop
                    }
                } catch { hookError = error; return .stop }
            }
            return failed ? .stop : .continue
        }
        trainer.onStep = { [unowned trainer] p in
            bar.update(p)
            if let every = everySteps, p.step % every == 0 { return save(trainer) }
            return .continue
        }
        trainer.afterEpoch = { record, t in
            bar.clear()
            report.row(record)
            var decision = HookDecision.continue
            if let every = everyEpochs, (record.epoch + 1) % every == 0 { decision = save(t) }
            if delay > 0 { Thread.sleep(forTimeInterval: delay) }
            return decision
        }
        let result = try trainer.run()
        bar.clear()
        if let hookError { throw hookError }
        if checkpointPath != nil, result.stopReason.isFinal, save(trainer) == .stop, let hookError { throw hookError }

        if case .diverged(let step, let reason) = result.stopReason {
            var saved = ""
            if output.saveDiverged, let path = output.output {
                if isRoot { try writeModel(result.parameters, to: path, context: context, stop: result.stopReason) }
                saved = "; wrote the last finite model to \(path)"
            } else {
                saved = "; no model written (--save-diverged keeps the last finite one)"
            }
            throw DivergenceError(description: "training diverged at update \(step): \(reason)\(saved). Try a smaller --lr or a schedule.")
        }
        try agreed {
            guard isRoot else { return }
            if let path = output.output { try writeModel(result.parameters, to: path, context: context, stop: result.stopReason) }
            if let path = output.metrics { try MetricsFile.write(result.history, to: path) }
            if let path = output.plot { try MetricsFile.writePlot(result.history, to: path, hasValidation: validation != nil) }
        }

        let final: Evaluation, validationEvaluation: Evaluation?
        if let group {
            let parts = ownPart(context.setup.train.x, context.setup.train.y)
            final = try result.parameters.withUnsafeBufferPointer {
                try objective.evaluate(parameters: $0, x: parts.0, y: parts.1, over: group.communicator)
            }
            validationEvaluation = try context.setup.validation.map { v in
                let parts = ownPart(v.x, v.y)
                return try result.parameters.withUnsafeBufferPointer {
                    try objective.evaluate(parameters: $0, x: parts.0, y: parts.1, over: group.communicator)
                }
            }
        } else {
            final = objective.evaluate(parameters: result.parameters)
            validationEvaluation = context.setup.validation.map { objective.evaluate(parameters: result.parameters, on: $0) }
        }
        // The rest needs all the data in this process: a plain run, or process 0 of an exact one.
        guard isRoot else { return }
        let wholeData = group.map { $0.settings.sharding == .exact } ?? true
        var comparison: LeastSquaresComparison? = nil
        if context.setup.isEmbedded && wholeData {
            comparison = try LeastSquaresComparison.make(setup: context.setup, parameters: result.parameters, sgdLoss: final.loss)
        }
        let dataUnits = wholeData ? DataUnits.evaluate(result.parameters, setup: context.setup, objective: objective) : nil
        report.finish(result: result, training: final, validation: validationEvaluation, dataUnits: dataUnits, comparison: comparison,
                      modelPath: output.output, learningRate: context.learningRate, schedule: context.scheduleText,
                      communication: group.map { ($0.size, trainer.communicationSeconds) })
    }

    func writeModel(_ parameters: [Scalar], to path: String, context: RunContext, stop: StopReason) throws {
        let info = context.recipe.trainingRecord(stopReason: stop.description, batch: context.batchSize)
        let doc = try ModelDocument(shape: context.setup.shape, parameters: parameters, loss: context.setup.loss,
                                    standardization: context.setup.documentStandardization,
                                    featureNames: context.setup.featureNames, targetNames: context.setup.targetNames, training: info)
        try doc.save(to: URL(fileURLWithPath: path))
    }

    func writeCheckpoint<Opt: Optimizer>(_ trainer: Trainer<SupervisedObjective<Scalar>, Opt>, to path: String,
                                         context: RunContext) throws where Opt.Scalar == Scalar {
        let state = trainer.state
        // The model part holds the point training would return now: the running average with
        // --average-from, Schedule-Free's x, the best epoch's point once restore-best training is over.
        let point = trainer.currentResultPoint
        let model = try ModelDocument(shape: context.setup.shape, parameters: point, loss: context.setup.loss,
                                      standardization: context.setup.documentStandardization,
                                      featureNames: context.setup.featureNames, targetNames: context.setup.targetNames,
                                      training: ["checkpoint": "epoch \(state.epoch), step \(state.step)"])
        let document = TrainingCheckpoint<Scalar>(model: model, state: LoopCheckpointState(dtype: dtype, trainer: state),
                                                  configurationFingerprint: context.fingerprint)
        try CheckpointFile.save(document, to: path)
    }
}
