import Descent
import Foundation

/// `descent train` for one precision: every step from options to files, generic over the scalar.
struct TrainRun<Scalar: BLASScalar> {
    let command: Train

    var training: TrainingOptions { command.training }
    var output: OutputOptions { command.output }
    var dtype: String { command.compute.dtype.rawValue }

    func run() throws {
        try OutputPath.checkAll([(output.output, "--output"), (output.metrics, "--metrics"),
                                 (output.plot, "--plot"), (output.checkpoint, "--checkpoint")])
        if let r = output.resume, !FileManager.default.fileExists(atPath: r) {
            throw DataError(.io, file: r, "cannot resume: no such checkpoint file")
        }
        for path in [output.checkpoint, output.output].compactMap({ $0 }) { OutputPath.removeStaleTemporaries(of: path) }
        let setup = try TrainingSetup<Scalar>(data: command.data, model: command.model, training: training)
        let embedded = setup.isEmbedded
        var optimizerOptions = command.optimizer
        if embedded, optimizerOptions.momentum == nil, try optimizerOptions.canonicalName() == "sgd" {
            optimizerOptions.momentum = EmbeddedProblem.momentum
        }
        let n = setup.train.sampleCount
        let batchSize = try training.parsedBatchSize(default: embedded ? EmbeddedProblem.batchSize : 32)
        let epochs = training.epochs ?? (embedded ? EmbeddedProblem.epochs : 20)
        let b = batchSize.resolved(sampleCount: n)
        let batchesPerEpoch = BatchSampler.batchesPerEpoch(sampleCount: n, batchSize: b, dropLast: training.dropLast)
        guard batchesPerEpoch >= 1 else { throw CLIError("--drop-last with batch size \(b) leaves no batch of \(n) samples") }

        let objective = try setup.objective(maximumBatchSize: b, threads: command.compute.threads)
        let validation = setup.validation.map { objective.evaluator(x: $0.x, y: $0.y) }

        // Learning rate, possibly from a range test, and the schedule.
        var learningRate = try training.learningRate(default: optimizerOptions.defaultLearningRate())
        var lrNote: String? = nil
        if training.isAutoLR {
            let finder = RangeTestSettings.defaults
            var rangeObjective = objective
            var optimizer = try optimizerOptions.make(Scalar.self, groups: setup.model.parameterGroups, learningRate: 1)
            var sampler = BatchSampler(sampleCount: n, batchSize: b, mode: training.shuffle, dropLast: training.dropLast, seed: training.seed)
            var parameters = setup.initialParameters
            let result = try finder.test().run(objective: &rangeObjective, optimizer: &optimizer, parameters: &parameters, sampler: &sampler)
            switch result.suggest(.steepest) {
            case .rate(let lr, _):
                learningRate = lr
                lrNote = "--lr auto: range test suggests \(Format.number(lr)) (steepest descent of the smoothed loss)"
            case .unreliable(let reason):
                throw CLIError("--lr auto: the range test gave no reliable suggestion: \(reason); run `descent lr-find` to see the curve, or give --lr")
            }
        }
        var scheduleText = training.schedule ?? (embedded && training.lr == nil ? EmbeddedProblem.schedule(updates: epochs * batchesPerEpoch) : nil)
        if training.isAutoLR, let text = scheduleText { scheduleText = try Self.withRangeTestBounds(text, max: learningRate) }
        let schedule = try scheduleText.map { try parseSchedule($0, baseLearningRate: learningRate) }

        let configuration = TrainingConfiguration(
            epochs: epochs, batchSize: batchSize, shuffle: training.shuffle, dropLast: training.dropLast, seed: training.seed,
            learningRate: learningRate, schedule: schedule,
            scheduleMetric: training.scheduleMetric?.quantity, earlyStopping: training.earlyStoppingRule,
            averaging: optimizerOptions.averageFrom.map { IterateAveraging(start: $0) })

        var fp = Fingerprint()
        for part in [dtype, setup.dataDigest, "\(setup.shape)", setup.loss.description, setup.initialDescription,
                     optimizerOptions.summary, "\(learningRate)", scheduleText ?? "-", "\(batchSize)", training.shuffle.rawValue,
                     "\(training.dropLast)", "\(training.seed)", "\(training.validationSplit)", "\(training.earlyStopping ?? -1)",
                     "\(training.minDelta)", training.standardize.rawValue,
                     training.monitor?.rawValue ?? "-", training.scheduleMetric?.rawValue ?? "-"] { fp.add(part) }
        if case .some(let path) = command.model.initial, path != "zeros", path != "random" {
            var p = Fingerprint(); setup.initialParameters.withUnsafeBytes { p.add($0) }; fp.add(p.hex)
        }

        let context = RunContext(setup: setup, optimizerSummary: optimizerOptions.summary, learningRate: learningRate,
                                 scheduleText: scheduleText, batchSize: b, epochs: epochs, fingerprint: fp.hex, lrNote: lrNote)
        let optimizer = try optimizerOptions.make(Scalar.self, groups: setup.model.parameterGroups, learningRate: learningRate)
        try loop(optimizer, objective: objective, validation: validation, configuration: configuration, context: context)
    }

    /// The values the loop and the report share.
    struct RunContext {
        var setup: TrainingSetup<Scalar>
        var optimizerSummary: String
        var learningRate: Double
        var scheduleText: String?
        var batchSize: Int
        var epochs: Int
        var fingerprint: String
        var lrNote: String?
    }

    /// `cyclic` and `onecycle` take their peak from the range test when the text does not give one,
    /// and then start a quarter of the way up (Smith 2015 §3.3: base = max/4): `cyclic` gets
    /// `base=max/4` and `onecycle` `div=4` (instead of PyTorch's 25) unless the text sets them.
    static func withRangeTestBounds(_ text: String, max lr: Double) throws -> String {
        guard !text.contains(" then@"), !text.contains(" * ") else { return text }
        let divisor = 4
        let bounds = try smithBounds(max: lr, divisor: Double(divisor))
        func add(_ field: String) -> String { text.contains(":") ? text + "," + field : text + ":" + field }
        if text.hasPrefix("cyclic"), !text.contains("max=") {
            return add(text.contains("base=") ? "max=\(bounds.max)" : "max=\(bounds.max),base=\(bounds.base)")
        }
        if text.hasPrefix("onecycle"), !text.contains("max=") {
            return add(text.contains("div=") ? "max=\(bounds.max)" : "max=\(bounds.max),div=\(divisor)")
        }
        return text
    }

    func loop<Opt: Optimizer>(_ optimizer: Opt, objective: SupervisedObjective<Scalar>,
                              validation: ValidationEvaluator<Scalar>?, configuration: TrainingConfiguration,
                              context: RunContext) throws where Opt.Scalar == Scalar {
        let trainer: Trainer<SupervisedObjective<Scalar>, Opt>
        var resumedNote: String? = nil
        if let path = output.resume {
            let checkpoint = try CheckpointFile.load(path, fingerprint: context.fingerprint, as: Scalar.self)
            guard checkpoint.schedule.dtype == dtype else {
                throw DataError(.shapeMismatch, file: path, "the checkpoint is in \(checkpoint.schedule.dtype) precision, this run uses \(dtype)")
            }
            var state = checkpoint.schedule.trainer
            if state.finished == .completed && state.epoch < configuration.epochs { state.finished = nil }
            trainer = try Trainer(objective: objective, optimizer: optimizer, configuration: configuration,
                                  validation: validation, resumingFrom: state)
            resumedNote = "resuming from \(path): \(state.epoch) epochs, \(state.step) updates done"
        } else {
            trainer = try Trainer(objective: objective, optimizer: optimizer, configuration: configuration,
                                  validation: validation, initialParameters: context.setup.initialParameters)
        }

        let report = TrainReport(json: output.json, quiet: output.quiet, hasValidation: validation != nil,
                                 isClassification: context.setup.loss.isClassification)
        report.header(context: context, dtype: dtype, resumedNote: resumedNote)

        var bar = ProgressBar(enabled: !output.quiet && !output.json && Terminal.isTerminal(2), totalEpochs: configuration.epochs)
        var hookError: (any Error)? = nil
        let checkpointPath = output.checkpoint
        let everyEpochs = output.checkpointEverySteps == nil ? output.checkpointEvery : nil
        let everySteps = output.checkpointEverySteps
        let delay = output.epochDelay
        func save(_ t: Trainer<SupervisedObjective<Scalar>, Opt>) -> HookDecision {
            guard let checkpointPath else { return .continue }
            do { try writeCheckpoint(t, to: checkpointPath, context: context) } catch { hookError = error; return .stop }
            return .continue
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
                try writeModel(result.parameters, to: path, context: context, stop: result.stopReason)
                saved = "; wrote the last finite model to \(path)"
            } else {
                saved = "; no model written (--save-diverged keeps the last finite one)"
            }
            throw DivergenceError(description: "training diverged at update \(step): \(reason)\(saved). Try a smaller --lr or a schedule.")
        }
        if let path = output.output { try writeModel(result.parameters, to: path, context: context, stop: result.stopReason) }
        if let path = output.metrics { try MetricsFile.write(result.history, to: path) }
        if let path = output.plot { try MetricsFile.writePlot(result.history, to: path, hasValidation: validation != nil) }

        let final = objective.evaluate(parameters: result.parameters)
        let validationEvaluation = context.setup.validation.map { objective.evaluate(parameters: result.parameters, on: $0) }
        var comparison: LeastSquaresComparison? = nil
        if context.setup.isEmbedded {
            comparison = try LeastSquaresComparison.make(setup: context.setup, parameters: result.parameters, sgdLoss: final.loss)
        }
        let dataUnits = DataUnits.evaluate(result.parameters, setup: context.setup, objective: objective)
        report.finish(result: result, training: final, validation: validationEvaluation, dataUnits: dataUnits, comparison: comparison,
                      modelPath: output.output, learningRate: context.learningRate, schedule: context.scheduleText)
    }

    func writeModel(_ parameters: [Scalar], to path: String, context: RunContext, stop: StopReason) throws {
        var info = ["optimizer": context.optimizerSummary, "learningRate": "\(context.learningRate)",
                    "batchSize": "\(context.batchSize)", "epochs": "\(context.epochs)", "seed": "\(training.seed)",
                    "dtype": dtype, "stopReason": stop.description, "data": context.setup.dataDescription]
        if let s = context.scheduleText { info["schedule"] = s }
        let doc = ModelFile.document(shape: context.setup.shape, parameters: parameters, loss: context.setup.loss,
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
        let model = ModelFile.document(shape: context.setup.shape, parameters: point, loss: context.setup.loss,
                                       standardization: context.setup.documentStandardization,
                                       featureNames: context.setup.featureNames, targetNames: context.setup.targetNames,
                                       training: ["checkpoint": "epoch \(state.epoch), step \(state.step)"])
        let document = TrainingCheckpoint<Scalar>(
            model: model, optimizer: state.optimizer, schedule: LoopCheckpointState(dtype: dtype, trainer: state),
            rngState: state.sampler.generator, epoch: state.epoch, step: state.step,
            configurationFingerprint: context.fingerprint)
        try CheckpointFile.save(document, to: path)
    }
}
