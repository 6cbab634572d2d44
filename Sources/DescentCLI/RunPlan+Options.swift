import Descent

extension RunPlan {
    /// The part of a run that `train` and `lr-find` read from the same flags: data, model,
    /// optimizer, preparation, batches and threads. The learning rate, schedule, epochs and early
    /// stopping are `train`'s own.
    init(_ data: DataOptions, _ model: ModelOptions, _ optimizer: OptimizerOptions, _ training: TrainingOptions,
         _ compute: ComputeOptions) throws {
        self.init(data: try data.spec(), model: try model.spec(), preparation: training.preparation,
                  optimizer: try optimizer.settings(embedded: data.data == nil))
        noBiasDecay = optimizer.noBiasDecay
        averageFrom = optimizer.averageFrom
        batchSize = training.batchSize == nil ? nil : try training.parsedBatchSize()
        shuffle = training.shuffle
        dropLast = training.dropLast
        threads = compute.threads
    }
}
