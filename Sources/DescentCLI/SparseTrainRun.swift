import Descent
import Foundation

/// `descent train` on sparse data (an svmlight or .npz file): the library's `SparsePreparedRun`,
/// with the same table, summary, model, metrics and plot files as a dense run. Checkpoints and
/// distributed training are dense-only for now and are refused before anything is read.
struct SparseTrainRun<Scalar: BLASScalar> {
    let command: Train
    let plan: RunPlan

    var training: TrainingOptions { command.training }
    var output: OutputOptions { command.output }

    /// What a sparse run does not do yet, as a message (nil when the flags are fine).
    static func unsupported(_ command: Train) -> String? {
        var refused: [String] = []
        if command.output.checkpoint != nil { refused.append("--checkpoint") }
        if command.output.resume != nil { refused.append("--resume") }
        if command.distribution.distributed { refused.append("--distributed") }
        guard !refused.isEmpty else { return nil }
        return "\(refused.joined(separator: ", ")) work with CSV and .npy data only; sparse data (svmlight, .npz) trains in one process without checkpoints"
    }

    func run() throws {
        if let message = Self.unsupported(command) { throw CLIError(message) }
        try OutputPath.checkAll([(output.output, "--output"), (output.metrics, "--metrics"), (output.plot, "--plot")], json: output.json)
        let prepared = try plan.prepareSparse(Scalar.self)
        let report = TrainReport(json: output.json, quiet: output.quiet, hasValidation: prepared.validation != nil,
                                 isClassification: prepared.setup.loss.isClassification,
                                 watched: [training.monitor, training.scheduleMetric].compactMap { $0?.quantity })
        report.header(prepared)
        var bar = ProgressBar(enabled: !output.quiet && !output.json && Terminal.isTerminal(2), totalEpochs: prepared.configuration.epochs,
                              batchSize: prepared.batch, samplesPerEpoch: prepared.setup.train.sampleCount)
        let result: TrainingResult<Scalar>
        if prepared.perSampleObstacle == nil {
            result = try prepared.trainPerSample { record in report.row(record) }
        } else if prepared.lazyObstacle == nil {
            result = try prepared.trainLazily { record in report.row(record) }
        } else {
            func dense<Opt: Optimizer>(_ optimizer: Opt) throws -> TrainingResult<Scalar> where Opt.Scalar == Scalar {
                let trainer = try Trainer(objective: prepared.objective, optimizer: optimizer, configuration: prepared.configuration,
                                          validation: prepared.validation, initialParameters: prepared.setup.initialParameters)
                trainer.onStep = { p in bar.update(p); return .continue }
                trainer.afterEpoch = { record, _ in
                    bar.clear()
                    report.row(record)
                    return .continue
                }
                return try trainer.run()
            }
            result = try dense(prepared.makeOptimizer())
            bar.clear()
        }
        try finish(result, prepared: prepared, report: report)
    }

    func finish(_ result: TrainingResult<Scalar>, prepared: SparsePreparedRun<Scalar>, report: TrainReport) throws {
        var divergence: String? = nil
        if case .diverged(let step, let reason) = result.stopReason { divergence = "training diverged at update \(step): \(reason)" }
        let evaluated = divergence == nil ? prepared.finalEvaluation(result.parameters) : nil
        if let loss = evaluated?.training.loss, !loss.isFinite {
            divergence = "training diverged: the final training loss is \(loss) (the weights grew too large to evaluate)"
        }
        if let divergence {
            var saved = "; no model written (--save-diverged keeps the last finite one)"
            if output.saveDiverged, let path = output.output {
                try writeModel(result.parameters, result.stopReason, prepared, to: path)
                saved = "; wrote the last finite model to \(path)"
            }
            throw DivergenceError(description: "\(divergence)\(saved). Try a smaller --lr or a schedule.")
        }
        guard let (final, validationEvaluation) = evaluated else { preconditionFailure("evaluated unless diverged") }
        if let path = output.output { try writeModel(result.parameters, result.stopReason, prepared, to: path) }
        if let path = output.metrics { try MetricsFile.write(result.history, to: path) }
        if let path = output.plot {
            try MetricsFile.writePlot(result.history, to: path, hasValidation: prepared.validation != nil, loss: prepared.setup.loss,
                                      standardizedTargets: prepared.setup.targetStandardization != nil,
                                      earlyStopping: prepared.configuration.earlyStopping, stopReason: result.stopReason)
        }
        let written = [("model", output.output), ("metrics", output.metrics), ("plot", output.plot)]
            .compactMap { what, path in path.map { (what: what, path: $0) } }
        let warning = result.steps == 0 ? nil : RunWarning.check(
            firstEpochLoss: result.history.first?.trainingLoss, final: final, initial: prepared.setup.initialParameters,
            parameters: result.parameters, standardized: plan.preparation.standardize != .none,
            isClassification: prepared.setup.loss.isClassification)
        report.finish(result: result, training: final, validation: validationEvaluation, dataUnits: dataUnits(result.parameters, prepared),
                      comparison: nil, modelPath: output.output, learningRate: prepared.recipe.learningRate,
                      schedule: prepared.recipe.schedule, written: written, warning: warning)
        if warning != nil && output.failOnWarning { throw QuietFailure(status: ExitStatus.warning) }
    }

    /// With standardised targets, the final evaluations in the data's units (as `evaluate` reports).
    func dataUnits(_ parameters: [Scalar], _ prepared: SparsePreparedRun<Scalar>) -> (training: Evaluation, validation: Evaluation?)? {
        guard let ts = prepared.setup.targetStandardization, let raw = prepared.setup.rawTargets else { return nil }
        let model = SavedModel<Scalar>(shape: prepared.setup.shape, parameters: parameters, loss: prepared.setup.loss)
        func one(_ part: SparseDataset<Scalar>, _ target: Matrix<Scalar>) -> Evaluation {
            var prediction = (try? model.predict(part.x)) ?? Matrix(rows: 0, cols: 0)
            ts.invert(&prediction)
            return DataUnits.evaluate(prediction: prediction, target: target, loss: prepared.setup.loss)
        }
        var validation: Evaluation? = nil
        if let part = prepared.setup.validation, let target = raw.validation { validation = one(part, target) }
        return (one(prepared.setup.train, raw.train), validation)
    }

    func writeModel(_ parameters: [Scalar], _ stop: StopReason, _ prepared: SparsePreparedRun<Scalar>, to path: String) throws {
        guard path == OutputPath.standardOutput else { return try prepared.saveModel(parameters, stopReason: stop, to: path) }
        try OutputPath.write(prepared.modelDocument(parameters, stopReason: stop).encoded(), to: path)
    }
}
