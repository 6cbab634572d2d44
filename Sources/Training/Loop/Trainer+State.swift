import LinearAlgebra
import Optimizers

extension Trainer {
    /// The complete loop state (a snapshot; allocates).
    public var state: TrainerState<Scalar> {
        TrainerState(epoch: epoch, step: step, samplesSeen: samplesSeen, batchInEpoch: batchInEpoch,
                     epochLossSum: epochLossSum, epochSamples: epochSamples, lastLearningRate: lastLearningRate,
                     sampler: sampler.state, optimizer: optimizer.saveState(), parameters: Array(parameters),
                     averageCount: averageCount, average: averageCount > 0 ? Array(average) : nil,
                     earlyStopping: tracker, bestParameters: hasBest ? Array(best) : nil,
                     metricHistory: metricHistory, history: history, finished: finished)
    }

    func restore(_ s: TrainerState<Scalar>) throws {
        let p = parameters.count
        guard s.sampler.order.count == sampler.sampleCount else {
            throw TrainingError("the saved state is for \(s.sampler.order.count) samples, the objective has \(sampler.sampleCount)")
        }
        guard s.batchInEpoch >= 0 && s.batchInEpoch <= batchesPerEpoch else {
            throw TrainingError("the saved state is at batch \(s.batchInEpoch) of an epoch with \(batchesPerEpoch) batches")
        }
        for (name, v) in [("average", s.average), ("best parameters", s.bestParameters)] {
            if let v, v.count != p { throw TrainingError("the saved \(name) have \(v.count) elements, expected \(p)") }
        }
        guard (s.earlyStopping == nil) == (configuration.earlyStopping == nil) else {
            throw TrainingError("the saved state and the configuration disagree on early stopping")
        }
        try optimizer.restore(s.optimizer)
        sampler.restore(s.sampler)
        epoch = s.epoch; step = s.step; samplesSeen = s.samplesSeen; batchInEpoch = s.batchInEpoch
        epochLossSum = s.epochLossSum; epochSamples = s.epochSamples; lastLearningRate = s.lastLearningRate
        averageCount = s.averageCount
        if let a = s.average { _ = average.update(fromContentsOf: a) }
        tracker = s.earlyStopping
        hasBest = s.bestParameters != nil
        if let b = s.bestParameters { _ = best.update(fromContentsOf: b) }
        metricHistory = s.metricHistory
        history = s.history
        metricHistory.reserveCapacity(Swift.max(configuration.epochs, s.metricHistory.count))
        history.reserveCapacity(Swift.max(configuration.epochs, s.history.count))
        finished = s.finished
    }

    /// The current raw parameters (a copy).
    public var currentParameters: [Scalar] { Array(parameters) }
}
