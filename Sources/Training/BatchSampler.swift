import LinearAlgebra

/// How the samples of an epoch are ordered.
public enum ShuffleMode: String, Sendable, Codable, CaseIterable {
    /// Random reshuffling: a fresh permutation every epoch (sampling without replacement).
    case reshuffle
    /// One permutation drawn at the start and reused every epoch.
    case once
    /// File order; batches are zero-copy row ranges.
    case none
}

/// Splits `sampleCount` samples into mini-batches, epoch after epoch.
///
/// Reshuffling draws each epoch's permutation by Fisher–Yates from a `SeededGenerator`: for
/// i = n−1 down to 1, j is uniform in 0…i (by `Int.random(in:using:)`, Lemire's unbiased method) and
/// positions i and j swap; the swap starts from the previous epoch's order. Same seed ⇒ same
/// batches. Batch j of an epoch holds positions `j·B ..< min((j+1)·B, n)`; with `dropLast` a final
/// short batch is skipped (it would change the gradient's scale and noise).
/// All storage is allocated at construction; `startEpoch` and `batch(_:)` do not allocate.
public struct BatchSampler: Sendable {
    /// n, the samples to split.
    public let sampleCount: Int
    /// B, the samples per batch.
    public let batchSize: Int
    /// How each epoch's order is drawn.
    public let mode: ShuffleMode
    /// Whether an epoch's last, short batch is skipped.
    public let dropLast: Bool
    /// The generator of the shuffles.
    public private(set) var generator: SeededGenerator
    /// The current epoch's order of the samples.
    public private(set) var order: [Int]
    /// The number of epochs started.
    public private(set) var epoch: Int = 0
    /// A given order per epoch (`BatchOrder`): epoch e's order is copied in by the e-th `startEpoch`.
    public private(set) var replay: BatchOrder?

    /// A sampler of `sampleCount` samples (≥ 0) in batches of `batchSize` (≥ 1), its shuffles drawn from
    /// `seed`.
    public init(sampleCount: Int, batchSize: Int, mode: ShuffleMode, dropLast: Bool = false, seed: UInt64) {
        precondition(sampleCount >= 0, "sample count \(sampleCount) is negative")
        precondition(batchSize >= 1, "batch size must be at least 1, got \(batchSize)")
        self.sampleCount = sampleCount
        self.batchSize = Swift.min(batchSize, Swift.max(sampleCount, 1))
        self.mode = mode
        self.dropLast = dropLast
        self.generator = SeededGenerator(seed: seed)
        self.order = Array(0..<sampleCount)
        self.replay = nil
        if mode == .once { shuffle() }
    }

    /// A sampler that visits `replay`'s order in each epoch (batches gather those rows; the
    /// generator is unused). Starting more epochs than the order holds is a precondition failure.
    public init(batchSize: Int, replay: BatchOrder, dropLast: Bool = false) {
        self.init(sampleCount: replay.sampleCount, batchSize: batchSize, mode: .reshuffle, dropLast: dropLast, seed: 0)
        self.replay = replay
    }

    /// Batches per epoch.
    public var batchesPerEpoch: Int {
        Self.batchesPerEpoch(sampleCount: sampleCount, batchSize: batchSize, dropLast: dropLast)
    }

    /// Batches per epoch of a sampler built with these arguments (the batch size clamped to the
    /// sample count as `init` clamps it), for callers that need the count before building one.
    public static func batchesPerEpoch(sampleCount: Int, batchSize: Int, dropLast: Bool) -> Int {
        precondition(sampleCount >= 0 && batchSize >= 1, "sample count \(sampleCount) and batch size \(batchSize) must be ≥ 0 and ≥ 1")
        let b = Swift.min(batchSize, Swift.max(sampleCount, 1))
        return dropLast ? sampleCount / b : (sampleCount + b - 1) / b
    }

    mutating func shuffle() { generator.shuffle(&order) }

    /// Begins the next epoch (reshuffling when the mode asks for it).
    public mutating func startEpoch() {
        if let replay {
            precondition(epoch < replay.epochs, "the batch order holds \(replay.epochs) epochs, epoch \(epoch + 1) was started")
            let start = epoch * sampleCount
            order.withUnsafeMutableBufferPointer { dst in
                replay.indices.withUnsafeBufferPointer { src in
                    for k in 0..<sampleCount { dst[k] = src[start + k] }
                }
            }
        } else if mode == .reshuffle { shuffle() }
        epoch += 1
    }

    /// The sample positions of batch `j` of the current epoch.
    public func positions(_ j: Int) -> Range<Int> {
        precondition(j >= 0 && j < batchesPerEpoch, "batch \(j) outside 0..<\(batchesPerEpoch)")
        return (j * batchSize)..<Swift.min((j + 1) * batchSize, sampleCount)
    }

    /// Calls `body` with batch `j` of the current epoch: a row range in file order, or the shuffled
    /// indices (valid only inside `body`).
    public func withBatch<R>(_ j: Int, _ body: (Batch) throws -> R) rethrows -> R {
        let p = positions(j)
        if mode == .none { return try body(.rows(p)) }
        return try order.withUnsafeBufferPointer { try body(.indices(UnsafeBufferPointer(rebasing: $0[p]))) }
    }

    /// Saved position for checkpoints: the generator, the current order and the epoch.
    public struct State: Codable, Equatable, Sendable {
        /// The generator's four state words.
        public var generator: [UInt64]
        /// The current order.
        public var order: [Int]
        /// The number of epochs started.
        public var epoch: Int
    }

    /// The sampler's position, for a checkpoint.
    public var state: State { State(generator: generator.state, order: order, epoch: epoch) }

    /// Restores a saved position. Throws a `TrainingError` (leaving the sampler unchanged) when the
    /// state cannot be this sampler's: an order that is not a permutation of 0..<sampleCount, an
    /// invalid generator state or a negative epoch (a corrupt or foreign checkpoint). Allocates.
    public mutating func restore(_ s: State) throws {
        guard s.order.count == sampleCount else {
            throw TrainingError("the saved sampler has \(s.order.count) samples, expected \(sampleCount)")
        }
        var seen = [Bool](repeating: false, count: sampleCount)
        for i in s.order {
            guard i >= 0 && i < sampleCount && !seen[i] else {
                throw TrainingError("the saved sampler order is not a permutation of 0..<\(sampleCount) (entry \(i))")
            }
            seen[i] = true
        }
        guard s.epoch >= 0 else { throw TrainingError("the saved sampler is at epoch \(s.epoch)") }
        do { generator = try SeededGenerator(validatingState: s.generator) } catch {
            throw TrainingError("the saved sampler's random \(error)")
        }
        order = s.order
        epoch = s.epoch
    }
}
