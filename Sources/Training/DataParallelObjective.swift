import Collective
import LinearAlgebra
import Optimizers

/// An objective evaluated by a group of processes, for loops other than `Trainer` (which does this
/// itself when given a `DataParallel`), such as the learning-rate range test: each call evaluates
/// this process's part of the batch with `base` and returns the global batch's mean loss and
/// gradient, summed over the processes by allreduce, so that every process sees the same values.
///
/// With `.exact` sharding every process passes the same global batch (same sampler, same seed) and
/// evaluates its share; with `.sharded` each passes its own local batch (B/N samples of its shard),
/// and `sampleCount` is the local count. The synchronisation setting is not used: the gradient is
/// reduced at every call.
public struct DataParallelObjective<Base: Objective>: Objective {
    /// The wrapped objective's element type.
    public typealias Scalar = Base.Scalar
    /// The objective each process evaluates its share on.
    public var base: Base
    /// The processes and the sharding.
    public let dataParallel: DataParallel
    let runtime: DataParallelRuntime<Scalar>

    /// `base`, its loss and gradient reduced over `dataParallel`'s processes at every call.
    public init(_ base: Base, dataParallel: DataParallel) {
        self.base = base
        var everyStep = dataParallel
        everyStep.synchronization = .everyStep
        self.dataParallel = everyStep
        runtime = DataParallelRuntime(everyStep, parameterCount: base.parameterCount, stateCount: 0)
    }

    public var parameterCount: Int { base.parameterCount }
    public var sampleCount: Int { base.sampleCount }
    public var maximumBatchSize: Int {
        dataParallel.sharding == .exact ? base.maximumBatchSize * dataParallel.size : base.maximumBatchSize
    }

    public mutating func lossAndGradient(parameters: UnsafeBufferPointer<Scalar>, gradient: UnsafeMutableBufferPointer<Scalar>,
                                         batch: Batch) throws -> Double {
        try runtime.lossAndGradient(&base, parameters: parameters, gradient: gradient, batch: batch).loss
    }

    public mutating func prefetch(_ batch: Batch) { base.prefetch(runtime.ownPart(of: batch)) }
}
