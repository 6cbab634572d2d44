import Foundation

/// What a run's checkpoint stores beside the model: the precision and the training loop's complete
/// state (the optimizer's state, the sampler and its generator, counters, the schedule's metric
/// history, early stopping, averages, history), from which `Trainer(resumingFrom:)` continues
/// bit-identically. Schedules are pure functions of (step, metric history), so this is the
/// schedule's whole state too.
public struct LoopCheckpointState<Scalar: BLASScalar>: Codable, Sendable {
    /// "float" or "double" (`PreparedRun.precision`).
    public var dtype: String
    /// The training loop's state at the checkpoint (`Trainer.state`).
    public var trainer: TrainerState<Scalar>

    /// A checkpoint state of precision `dtype` ("float" or "double") holding `trainer`.
    public init(dtype: String, trainer: TrainerState<Scalar>) { self.dtype = dtype; self.trainer = trainer }
}

/// The checkpoint file of a run (`descent train --checkpoint`): see `CheckpointDocument` for the
/// format, its checksum and its checks.
public typealias TrainingCheckpoint<Scalar: BLASScalar> = CheckpointDocument<LoopCheckpointState<Scalar>>

extension PreparedRun {
    /// The model file for `parameters`, with the setup's names, standardisation and loss.
    /// `training` is its free-form record (the recipe's `trainingRecord` for a finished run).
    public func modelDocument(_ parameters: [Scalar], training: [String: String]) throws -> ModelDocument {
        try ModelDocument(shape: setup.shape, parameters: parameters, loss: setup.loss,
                          standardization: setup.documentStandardization,
                          featureNames: setup.featureNames, targetNames: setup.targetNames, classLabels: setup.classLabels,
                          missingValues: setup.missingValueFill, training: training)
    }

    /// The model file of a finished (or diverged) run: its record is the recipe's.
    public func modelDocument(_ parameters: [Scalar], stopReason: StopReason) throws -> ModelDocument {
        try modelDocument(parameters, training: recipe.trainingRecord(stopReason: stopReason.description, batch: batch))
    }

    /// Writes the model file of a finished (or diverged) run atomically.
    public func saveModel(_ parameters: [Scalar], stopReason: StopReason, to path: String) throws {
        try modelDocument(parameters, stopReason: stopReason).save(to: URL(fileURLWithPath: path))
    }

    /// The trainer's checkpoint now: the loop state, and as the model part the point training would
    /// return now (the running average with averaging, Schedule-Free's x, the best epoch's point
    /// once restore-best training is over).
    public func checkpoint<Opt: Optimizer>(of trainer: Trainer<SupervisedObjective<Scalar>, Opt>) throws -> TrainingCheckpoint<Scalar>
    where Opt.Scalar == Scalar {
        let state = trainer.state
        let model = try modelDocument(trainer.currentResultPoint, training: ["checkpoint": "epoch \(state.epoch), step \(state.step)"])
        return TrainingCheckpoint(model: model, state: LoopCheckpointState(dtype: Self.precision, trainer: state),
                                  configurationFingerprint: recipe.fingerprint)
    }

    /// The loop state to resume from, read from the checkpoint at `path`: its checksum, format,
    /// fingerprint (this run's recipe), precision and process count checked, each failure one
    /// `DataError` naming the file. A run that had completed fewer epochs than this one asks for is
    /// reopened. `note` says what is resumed, and when the process count changed, what that means.
    public func resumeState(from path: String) throws -> (state: TrainerState<Scalar>, note: String) {
        let url = URL(fileURLWithPath: path)
        let checkpoint: TrainingCheckpoint<Scalar>
        do { checkpoint = try TrainingCheckpoint<Scalar>.load(from: url, expectedFingerprint: recipe.fingerprint) } catch {
            // A sharded run's data digest depends on the process count: say so when that is the difference.
            if let d = dataParallel, d.sharding == .sharded, let other = try? TrainingCheckpoint<Scalar>.load(from: url),
               let was = other.state.trainer.dataParallel, was.processes != d.size {
                throw DataError(.shapeMismatch, file: path, "the checkpoint is from a sharded run on \(was.processes) processes; "
                                + "it resumes only on \(was.processes) (each process's shard depends on the count), this run has \(d.size)")
            }
            throw error
        }
        guard checkpoint.state.dtype == Self.precision else {
            throw DataError(.shapeMismatch, file: path, "the checkpoint is in \(checkpoint.state.dtype) precision, this run uses \(Self.precision)")
        }
        var state = checkpoint.state.trainer
        if state.finished == .completed && state.epoch < configuration.epochs { state.finished = nil }
        var note = "resuming from \(path): \(state.epoch) epochs, \(state.step) updates done"
        let was = state.dataParallel?.processes ?? 1, now = dataParallel?.size ?? 1
        if was != now {
            note += "; the checkpoint was written by \(was) process\(was == 1 ? "" : "es"), this run has \(now): "
                + "it continues correctly but not bit-identically (the gradient's summation order changes)"
        }
        return (state, note)
    }

    /// The loss and metric of `parameters` on the training part and the held-out part, weighted by
    /// their sample and class weights (combined over the processes in data-parallel training).
    public func finalEvaluation(_ parameters: [Scalar]) throws -> (training: Evaluation, validation: Evaluation?) {
        guard let dataParallel else {
            return (objective.evaluate(parameters: parameters), setup.validation.map { objective.evaluate(parameters: parameters, on: $0) })
        }
        func combined(_ part: Dataset<Scalar>) throws -> Evaluation {
            let (ox, oy) = ownRows(part.x, part.y)
            let ow = Self.ownWeights(part.weights, rows: part.sampleCount, dataParallel)
            return try parameters.withUnsafeBufferPointer {
                try objective.evaluate(parameters: $0, x: ox, y: oy, weights: ow, over: dataParallel.communicator)
            }
        }
        return (try combined(setup.train), try setup.validation.map { try combined($0) })
    }
}
