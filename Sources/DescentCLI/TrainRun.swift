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

    func run() throws {
        let plan = try plan()
        if plan.data.isSparse { return try SparseTrainRun<Scalar>(command: command, plan: plan).run() }
        try agreed {
            if let r = output.resume, !FileManager.default.fileExists(atPath: r) {
                throw DataError(.io, file: r, "cannot resume: no such checkpoint file")
            }
            guard isRoot else { return }
            try OutputPath.checkAll([(output.output, "--output"), (output.metrics, "--metrics"),
                                     (output.plot, "--plot"), (output.checkpoint, "--checkpoint")], json: output.json)
        }
        let prepared = try plan.prepare(Scalar.self, dataParallel: group?.settings)
        try loop(prepared.makeOptimizer(), prepared: prepared)
    }

    /// The run the flags ask for, as the library's `RunPlan`.
    func plan() throws -> RunPlan {
        var plan = try RunPlan(command.data, command.model, command.optimizer, training.batches, compute)
        plan.data.weights = try command.weights.spec()
        if training.isAutoLR {
            plan.learningRate = .rangeTest(try RangeTestSettings.defaults.test())
        } else if training.lr != nil {
            plan.learningRate = .given(try training.learningRate(default: 0))
        }
        plan.schedule = training.schedule
        plan.scheduleMetric = training.scheduleMetric?.quantity
        plan.epochs = training.epochs
        plan.earlyStopping = training.earlyStoppingRule
        plan.gradientClipping = try training.gradientClipping()
        plan.toleranceStop = try training.toleranceStop()
        plan.batchOrderFile = training.batchOrder
        return plan
    }

    /// "2 (Open MPI v4.1.4), sharding exact, sync every-step, batch 64 is the global batch" for a distributed run.
    func processesLine(batch: Int) -> String? {
        group.map {
            "\($0.size) (\($0.communicator.implementation)), sharding \($0.settings.sharding.rawValue), "
                + "sync \($0.settings.synchronization), batch \(batch) is the global batch"
        }
    }

    func loop<Opt: Optimizer>(_ optimizer: Opt, prepared: PreparedRun<Scalar>) throws where Opt.Scalar == Scalar {
        let (objective, validation, configuration) = (prepared.objective, prepared.validation, prepared.configuration)
        let trainer: Trainer<SupervisedObjective<Scalar>, Opt>
        var resumedNote: String? = nil
        let dataParallel = group?.settings
        if let path = output.resume {
            // Every process reads the checkpoint (on one machine or a shared file system).
            let (state, note) = try agreed { try prepared.resumeState(from: path) }
            do {
                trainer = try Trainer(objective: objective, optimizer: optimizer, configuration: configuration,
                                      validation: validation, resumingFrom: state, dataParallel: dataParallel)
            } catch let e as OptimizerError {
                throw DataError(.decoding, file: path, e.description)   // the state the file holds does not fit
            } catch let e as TrainingError {
                throw DataError(.decoding, file: path, e.description)
            }
            resumedNote = note
        } else {
            trainer = try Trainer(objective: objective, optimizer: optimizer, configuration: configuration,
                                  validation: validation, initialParameters: prepared.setup.initialParameters,
                                  dataParallel: dataParallel)
        }

        let report = TrainReport(json: output.json && isRoot, quiet: output.quiet || !isRoot, hasValidation: validation != nil,
                                 isClassification: prepared.setup.loss.isClassification,
                                 watched: [training.monitor, training.scheduleMetric].compactMap { $0?.quantity })
        if isRoot { report.header(prepared, processes: processesLine(batch: prepared.batch), resumedNote: resumedNote) }

        var bar = ProgressBar(enabled: isRoot && !output.quiet && !output.json && Terminal.isTerminal(2), totalEpochs: configuration.epochs, batchSize: prepared.batch, samplesPerEpoch: prepared.localBatch == prepared.batch ? prepared.setup.train.sampleCount : nil)
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
                do { try prepared.checkpoint(of: t).save(to: URL(fileURLWithPath: checkpointPath)) } catch { hookError = error; failed = true }
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

        // A run whose updates stayed finite can still end on weights whose loss is not (they grew
        // to ~1e308 on the last update): that is a divergence too, whatever the precision.
        var divergence: String? = nil
        if case .diverged(let step, let reason) = result.stopReason { divergence = "training diverged at update \(step): \(reason)" }
        let evaluated = divergence == nil ? try prepared.finalEvaluation(result.parameters) : nil
        if let loss = evaluated?.training.loss, !loss.isFinite {
            divergence = "training diverged: the final training loss is \(loss) (the weights grew too large to evaluate)"
        }
        if let divergence {
            var saved = ""
            if output.saveDiverged, let path = output.output {
                if isRoot { try writeModel(result.parameters, result.stopReason, prepared, to: path) }
                saved = "; wrote the last finite model to \(path)"
            } else {
                saved = "; no model written (--save-diverged keeps the last finite one)"
            }
            throw DivergenceError(description: "\(divergence)\(saved). Try a smaller --lr or a schedule.")
        }
        guard let (final, validationEvaluation) = evaluated else { preconditionFailure("evaluated unless diverged") }
        try agreed {
            guard isRoot else { return }
            if let path = output.output { try writeModel(result.parameters, result.stopReason, prepared, to: path) }
            if let path = output.metrics { try MetricsFile.write(result.history, to: path) }
            if let path = output.plot { try MetricsFile.writePlot(result.history, to: path, hasValidation: validation != nil, loss: prepared.setup.loss, standardizedTargets: prepared.setup.targetStandardization != nil, earlyStopping: configuration.earlyStopping, stopReason: result.stopReason) }
        }

        // The rest needs all the data in this process: a plain run, or process 0 of an exact one.
        guard isRoot else { return }
        let wholeData = group.map { $0.settings.sharding == .exact } ?? true
        var comparison: LeastSquaresComparison? = nil
        if prepared.setup.isEmbedded && wholeData {
            comparison = try LeastSquaresComparison.make(setup: prepared.setup, parameters: result.parameters, sgdLoss: final.loss)
        }
        let dataUnits = wholeData ? DataUnits.evaluate(result.parameters, setup: prepared.setup, objective: objective) : nil
        let written = [("model", output.output), ("metrics", output.metrics), ("plot", output.plot), ("checkpoint", output.checkpoint)]
            .compactMap { what, path in path.map { (what: what, path: $0) } }
        let warning = result.steps == 0 ? nil : RunWarning.check(firstEpochLoss: prepared.setup.weights == nil ? result.history.first?.trainingLoss : nil, final: final, initial: prepared.setup.initialParameters,
                                       parameters: result.parameters, standardized: prepared.plan.preparation.standardize != .none,
                                       isClassification: prepared.setup.loss.isClassification)
        report.finish(result: result, training: final, validation: validationEvaluation, dataUnits: dataUnits, comparison: comparison,
                      modelPath: output.output, learningRate: prepared.recipe.learningRate, schedule: prepared.recipe.schedule,
                      communication: group.map { ($0.size, trainer.communicationSeconds) }, written: written, warning: warning)
        if warning != nil && output.failOnWarning { throw QuietFailure(status: ExitStatus.warning) }
    }

    /// The model file at `path`, or on standard output for `-`.
    func writeModel(_ parameters: [Scalar], _ stop: StopReason, _ prepared: PreparedRun<Scalar>, to path: String) throws {
        guard path == OutputPath.standardOutput else { return try prepared.saveModel(parameters, stopReason: stop, to: path) }
        try OutputPath.write(prepared.modelDocument(parameters, stopReason: stop).encoded(), to: path)
    }
}
