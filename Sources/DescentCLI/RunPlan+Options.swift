import Descent

extension RunPlan {
    /// The part of a run that `train` and `lr-find` read from the same flags: data, model,
    /// optimizer, preparation, batches and threads. The learning rate, schedule, epochs and early
    /// stopping are `train`'s own.
    init(_ data: DataOptions, _ model: ModelOptions, _ optimizer: OptimizerOptions, _ batches: BatchOptions,
         _ compute: ComputeOptions) throws {
        self.init(data: try data.spec(), model: try model.spec(), preparation: batches.preparation,
                  optimizer: try optimizer.settings(embedded: data.data == nil))
        noBiasDecay = optimizer.noBiasDecay || (optimizer.penalty ?? .none) != .none
        averageFrom = optimizer.averageFrom
        batchSize = batches.batchSize == nil ? nil : try batches.parsedBatchSize()
        shuffle = batches.shuffle
        dropLast = batches.dropLast
        threads = compute.threads
    }
}
