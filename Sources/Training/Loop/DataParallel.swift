import Collective

/// Synchronous data-parallel training over a group of processes (a `Communicator`): every process
/// computes the gradient of its share of each global mini-batch, the shares are summed by one
/// allreduce, and every process takes the same optimizer step (the scheme of PyTorch's
/// DistributedDataParallel and Horovod).
///
/// Because every process then holds the same parameters, optimizer state, schedule position and
/// per-epoch losses, every decision the loop takes (divergence, early stopping, plateau schedules,
/// the end of training) is taken identically everywhere, and no process can leave the others
/// waiting in a collective. A trainer given a `DataParallel` broadcasts process 0's initial
/// parameters before the first update.
public struct DataParallel: Sendable {
    /// How the training samples are divided between the processes.
    public enum Sharding: String, Sendable, Codable, CaseIterable {
        /// Every process sees the whole training set (the objective's `sampleCount` is the same
        /// everywhere) and draws the same seeded batches; process r evaluates positions
        /// `r·B/N ..< (r+1)·B/N` of each global batch of B. Equal to the single-process run with
        /// batch B up to the order of summation.
        case exact
        /// Each process's objective holds only its own part of the samples (the same count on every
        /// process), shuffled locally with a seed derived from the run's seed and the rank; a
        /// global batch of B is B/N local samples per process, so B must be a multiple of N.
        /// Statistically equivalent to the single-process run, not equal to it.
        case sharded
    }

    /// When the processes combine their work.
    public enum Synchronization: Sendable, Equatable, Codable, CustomStringConvertible {
        /// Allreduce the gradient at every update.
        case everyStep
        /// Local SGD (periodic model averaging): each process steps on the gradient of its own
        /// share, and every `h` updates, and at the end of every epoch, the parameters and momentum
        /// buffers are averaged over the processes. For slow links, where one allreduce per update
        /// costs more than the update. Needs an optimizer whose whole state can be averaged
        /// (`Optimizer.averagedStateCount`: SGD, with or without momentum).
        case averageEvery(Int)

        public var description: String {
            switch self {
            case .everyStep: "every-step"
            case .averageEvery(let h): "average-every=\(h)"
            }
        }

        /// Parses `every-step` or `average-every=H` (H ≥ 1).
        public init(parsing text: String) throws {
            if text == "every-step" { self = .everyStep; return }
            let prefix = "average-every="
            if text.hasPrefix(prefix), let h = Int(text.dropFirst(prefix.count)), h >= 1 {
                self = .averageEvery(h); return
            }
            throw TrainingError("synchronisation '\(text)' is not every-step or average-every=H with a whole H ≥ 1")
        }
    }

    /// The transport between the processes.
    public var communicator: any Communicator
    /// Whether every process holds all the data (`.exact`) or only its own shard.
    public var sharding: Sharding
    /// Allreduce every step, or local SGD.
    public var synchronization: Synchronization

    /// This process's part in a run over `communicator` (`.exact` sharding and every-step synchronisation by
    /// default).
    public init(communicator: any Communicator, sharding: Sharding = .exact, synchronization: Synchronization = .everyStep) {
        self.communicator = communicator; self.sharding = sharding; self.synchronization = synchronization
    }

    /// This process's index, 0..<size.
    public var rank: Int { communicator.rank }
    /// The number of processes.
    public var size: Int { communicator.size }

    /// The seed of process `rank`'s local shuffle in `.sharded` mode (rank 0 keeps the run's seed,
    /// so a group of one shuffles as a single process does).
    public static func shardSeed(_ seed: UInt64, rank: Int) -> UInt64 {
        seed &+ UInt64(rank) &* 0x9E37_79B9_7F4A_7C15
    }

    /// The rows `start ..< end` that process `rank` of `size` owns out of `count` (balanced: the
    /// first `count % size` processes get one more). Used for the share of a global batch in
    /// `.exact` mode and for slices of a validation set.
    public static func share(of count: Int, rank: Int, size: Int) -> Range<Int> {
        precondition(size >= 1 && rank >= 0 && rank < size, "rank \(rank) of \(size)")
        return (rank * count / size)..<((rank + 1) * count / size)
    }

    /// Samples per update on this process for the global `batchSize`: the whole global batch
    /// (clamped to the samples) in `.exact` mode, where each process then evaluates its share;
    /// B/N of its `sampleCount` local samples in `.sharded` mode (B clamped to N·sampleCount).
    public func localBatchSize(_ batchSize: BatchSize, sampleCount n: Int) -> Int {
        sharding == .sharded ? batchSize.resolved(sampleCount: n * size) / size : batchSize.resolved(sampleCount: n)
    }

    /// What a checkpoint records about the run's processes.
    public var record: Record {
        Record(processes: size, sharding: sharding, synchronization: synchronization.description)
    }

    /// The data-parallel settings a checkpoint was written with (nil in a checkpoint of a plain run).
    public struct Record: Codable, Equatable, Sendable {
        /// The number of processes.
        public var processes: Int
        /// The sharding mode.
        public var sharding: Sharding
        /// The synchronisation's text form.
        public var synchronization: String
        /// A record of these settings.
        public init(processes: Int, sharding: Sharding, synchronization: String) {
            self.processes = processes; self.sharding = sharding; self.synchronization = synchronization
        }
        /// A plain (not distributed) run, as a record.
        public static let singleProcess = Record(processes: 1, sharding: .exact, synchronization: "every-step")
    }
}
