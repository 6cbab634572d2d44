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
        let prepared = try plan().prepare(Scalar.self, dataParallel: group?.settings)
        let setup = prepared.setup, b = prepared.batch
        let lrNote = training.isAutoLR ? "--lr auto: range test suggests \(Format.number(prepared.learningRate)) (steepest descent of the smoothed loss)" : nil
        let recipe = prepared.recipe
        let context = RunContext(setup: setup, recipe: recipe, batchSize: b, lrNote: lrNote,
                                 processes: group.map {
                                     "\($0.size) (\($0.communicator.implementation)), sharding \($0.settings.sharding.rawValue), "
                                         + "sync \($0.settings.synchronization), batch \(b) is the global batch"
                                 })
        try loop(prepared.makeOptimizer(), prepared: prepared, context: context)
    }

    /// The run the flags ask for, as the library's `RunPlan`.
    func plan() throws -> RunPlan {
        let embedded = command.data.data == nil
        var plan = RunPlan(data: try command.data.spec(), model: try command.model.spec(), preparation: training.preparation,
                           optimizer: try command.optimizer.settings(embedded: embedded))
        plan.noBiasDecay = command.optimizer.noBiasDecay
        plan.averageFrom = command.optimizer.averageFrom
        if training.isAutoLR {
            plan.learningRate = .rangeTest(try RangeTestSettings.defaults.test())
        } else if training.lr != nil {
            plan.learningRate = .given(try training.learningRate(default: 0))
        }
        plan.schedule = training.schedule
        plan.scheduleMetric = training.scheduleMetric?.quantity
        plan.batchSize = training.batchSize == nil ? nil : try training.parsedBatchSize()
        plan.epochs = training.epochs
        plan.shuffle = training.shuffle
        plan.dropLast = training.dropLast
        plan.earlyStopping = training.earlyStoppingRule
        plan.threads = compute.threads
        return plan
    }

    /// The values the loop and the report share.
    struct RunContext {
        var setup: TrainingSetup<Scalar>
        /// The run as data: its fingerprint is the checkpoint's, its training record the model file's.
        var recipe: TrainingRecipe
        var batchSize: Int
        var lrNote: String?
        /// "2 (Open MPI v4.1.4), sharding exact, sync every-step, global batch" for a distributed run.
        var processes: String? = nil
        /// The checkpoint fingerprint, computed once.
        let fingerprint: String

        init(setup: TrainingSetup<Scalar>, recipe: TrainingRecipe, batchSize: Int, lrNote: String?, processes: String?) {
            self.setup = setup; self.recipe = recipe; self.batchSize = batchSize; self.lrNote = lrNote
            self.processes = processes; fingerprint = recipe.fingerprint
        }

        var optimizerSummary: String { recipe.optimizerSummary }
        var learningRate: Double { recipe.learningRate }
        var scheduleText: String? { recipe.schedule }
        var epochs: Int { recipe.epochs }
    }

    func loop<Opt: Optimizer>(_ optimizer: Opt, prepared: PreparedRun<Scalar>, context: RunContext) throws where Opt.Scalar == Scalar {
        let (objective, validation, configuration) = (prepared.objective, prepared.validation, prepared.configuration)
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
            let parts = prepared.ownRows(context.setup.train.x, context.setup.train.y)
            final = try result.parameters.withUnsafeBufferPointer {
                try objective.evaluate(parameters: $0, x: parts.0, y: parts.1, over: group.communicator)
            }
            validationEvaluation = try context.setup.validation.map { v in
                let parts = prepared.ownRows(v.x, v.y)
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
