import Collective
import LinearAlgebra
import Optimizers

/// A trainer's data-parallel machinery: the share of each batch this process evaluates, the
/// gradient and loss allreduce, and local SGD's model averaging. All buffers are allocated by
/// `init`; a step allocates nothing.
final class DataParallelRuntime<Scalar: BLASScalar> {
    let settings: DataParallel
    let communicator: any Communicator
    let rank: Int, size: Int
    /// Local SGD's averaging interval, nil when the gradient is reduced every step.
    let interval: Int?
    /// [parameters | averaged optimizer state | divergence flag], the one buffer averaging reduces.
    let averagingBuffer: UnsafeMutableBufferPointer<Scalar>
    /// The parameters and averaged state after the last averaging (replicated on every process):
    /// what every process returns to when one of them diverges between averagings.
    let synced: UnsafeMutableBufferPointer<Scalar>
    let stateCount: Int
    /// Local SGD: Σ loss·samples and samples of this process since the last averaging.
    var pendingLossSum = 0.0, pendingSamples = 0
    /// Wall time spent inside collectives (for the scaling benchmark).
    var communicationSeconds = 0.0
    let clock = ContinuousClock()

    init(_ settings: DataParallel, parameterCount p: Int, stateCount: Int) {
        self.settings = settings
        communicator = settings.communicator
        rank = communicator.rank; size = communicator.size
        if case .averageEvery(let h) = settings.synchronization { interval = h } else { interval = nil }
        self.stateCount = stateCount
        let averaged = interval == nil ? 0 : p + stateCount
        averagingBuffer = .allocate(capacity: averaged + 1)
        averagingBuffer.initialize(repeating: 0)
        synced = .allocate(capacity: averaged)
        synced.initialize(repeating: 0)
    }

    deinit { averagingBuffer.deallocate(); synced.deallocate() }

    /// The part of `batch` this process evaluates: its share of the global batch (`.exact`) or the
    /// whole local batch (`.sharded`).
    @inline(__always)
    func ownPart(of batch: Batch) -> Batch {
        settings.sharding == .sharded ? batch : batch.slice(DataParallel.share(of: batch.count, rank: rank, size: size))
    }

    /// Samples in the global batch that `batch` stands for on this process.
    @inline(__always)
    func globalCount(of batch: Batch) -> Int {
        settings.sharding == .sharded ? batch.count * size : batch.count
    }

    @inline(__always)
    func timed<R>(_ body: () throws -> R) rethrows -> R {
        let start = clock.now
        defer {
            let d = start.duration(to: clock.now)
            communicationSeconds += Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        return try body()
    }

    /// Loss and gradient of this process's part of `batch`. Every step: the global batch's mean
    /// loss and gradient, Σᵣ (bᵣ/B)·(mean over part r), summed by allreduce (identical on every
    /// process). Local SGD: the mean over this process's own part, not reduced.
    /// Returns (loss, samples behind it on this process, samples in the global batch).
    @inline(__always)
    func lossAndGradient<O: Objective>(_ objective: inout O, parameters: UnsafeBufferPointer<Scalar>,
                                       gradient: UnsafeMutableBufferPointer<Scalar>, batch: Batch) throws
        -> (loss: Double, local: Int, global: Int) where O.Scalar == Scalar {
        let part = ownPart(of: batch)
        let total = globalCount(of: batch)
        var loss = 0.0
        if part.count > 0 {
            loss = try objective.lossAndGradient(parameters: parameters, gradient: gradient, batch: part)
        } else {
            gradient.update(repeating: 0)
        }
        guard interval == nil, size > 1 else { return (loss, part.count, total) }
        let weight = Double(part.count) / Double(total)
        BLAS.scal(Scalar(weight), gradient)
        loss = try timed {
            try communicator.allreduceSum(gradient)
            return try communicator.allreduceSum(loss * weight)
        }
        return (loss, part.count, total)
    }

    /// Remembers the current point as the last averaged one (at the start and after a restore).
    func markSynchronized<Opt: Optimizer>(parameters: UnsafeBufferPointer<Scalar>, optimizer: inout Opt) where Opt.Scalar == Scalar {
        guard interval != nil else { return }
        let p = parameters.count
        BLAS.copy(parameters, UnsafeMutableBufferPointer(rebasing: synced[0..<p]))
        optimizer.withAveragedState { s in
            for i in 0..<stateCount { synced[p + i] = s[i] }
        }
    }

    /// Local SGD's averaging: parameters and averaged optimizer state become their mean over the
    /// processes, and the losses since the last averaging are summed into `epoch`. A process that
    /// diverged calls it at once with `diverged`; the others meet it in their next averaging (MPI
    /// matches collectives by order, not by step), and then every process returns to the last
    /// averaged point and reports true.
    func average<Opt: Optimizer>(parameters: UnsafeMutableBufferPointer<Scalar>, optimizer: inout Opt, diverged: Bool,
                                 epochLossSum: inout Double, epochSamples: inout Int) throws -> Bool where Opt.Scalar == Scalar {
        let p = parameters.count, m = stateCount
        let flag = p + m
        if diverged {
            averagingBuffer.update(repeating: 0)
            averagingBuffer[flag] = 1
        } else {
            BLAS.copy(parameters.readOnly, UnsafeMutableBufferPointer(rebasing: averagingBuffer[0..<p]))
            optimizer.withAveragedState { s in
                for i in 0..<m { averagingBuffer[p + i] = s[i] }
            }
            averagingBuffer[flag] = 0
        }
        try timed { try communicator.allreduceSum(averagingBuffer) }
        if averagingBuffer[flag] != 0 {
            BLAS.copy(UnsafeBufferPointer(rebasing: synced[0..<p]), parameters)
            optimizer.withAveragedState { s in
                for i in 0..<m { s[i] = synced[p + i] }
            }
            return true
        }
        let scale = 1 / Scalar(size)
        BLAS.scal(scale, averagingBuffer)
        BLAS.copy(UnsafeBufferPointer(rebasing: averagingBuffer[0..<p]), parameters)
        optimizer.withAveragedState { s in
            for i in 0..<m { s[i] = averagingBuffer[p + i] }
        }
        BLAS.copy(UnsafeBufferPointer(rebasing: averagingBuffer[0..<(p + m)]), synced)
        let (lossSum, samples) = try withUnsafeTemporaryAllocation(of: Double.self, capacity: 2) { b in
            b[0] = pendingLossSum; b[1] = Double(pendingSamples)
            try timed { try communicator.allreduceSum(b) }
            return (b[0], Int(b[1]))
        }
        epochLossSum += lossSum; epochSamples += samples
        pendingLossSum = 0; pendingSamples = 0
        return false
    }
}

