/// Descent's epoch throughput on one path, precision, batch size and thread count, with the limit it
/// is compared with.
public struct ThroughputResult: Codable, Equatable, Sendable {
    /// The training path measured.
    public var path: BenchmarkPath
    /// The precision.
    public var scalar: BenchmarkScalar
    /// The problem: n samples, d features, k outputs.
    public var rows: Int
    /// d, the problem's features.
    public var features: Int
    /// k, the problem's outputs.
    public var outputs: Int
    /// Samples per update (n for the full batch).
    public var batchSize: Int
    /// Threads of the objective's worker pool (OpenBLAS runs on one).
    public var threads: Int
    /// Every timed epoch's wall time (the trainer's own per-epoch clock, reshuffle included), after
    /// one untimed warm-up epoch.
    public var epochSeconds: [Double]
    /// The median of `epochSeconds`.
    public var medianEpochSeconds: Double
    /// n / median epoch time.
    public var samplesPerSecond: Double
    /// X's bytes (n·d·size of a scalar) / median epoch time: X read once an epoch.
    public var gigabytesPerSecond: Double
    /// Multi-output only: 4·n·d·k flops an epoch (the forward product and the weight gradient's) / median epoch time.
    public var gflopsPerSecond: Double?
    /// The last epoch's training loss (a check that the updates ran; ½·mean squared error).
    public var finalLoss: Double
    /// The matching limit: shuffled rows of the same width at the same thread count (per sample,
    /// mini-batches), the streaming read (full batch), gemm in the same precision (multi-output).
    public var limit: LimitReference?
    /// 100 × the throughput (GB/s, or GFLOP/s for multi-output) / the limit.
    public var percentOfLimit: Double?

    /// A result from these timings; the median and the rates are computed from them.
    public init(path: BenchmarkPath, scalar: BenchmarkScalar, rows: Int, features: Int, outputs: Int, batchSize: Int,
                threads: Int, epochSeconds: [Double], finalLoss: Double, limit: LimitReference?) {
        self.path = path; self.scalar = scalar; self.rows = rows; self.features = features; self.outputs = outputs
        self.batchSize = batchSize; self.threads = threads; self.epochSeconds = epochSeconds; self.finalLoss = finalLoss
        medianEpochSeconds = Self.median(epochSeconds)
        samplesPerSecond = Double(rows) / medianEpochSeconds
        gigabytesPerSecond = Double(rows) * Double(features) * Double(scalar.byteCount) / medianEpochSeconds / 1e9
        gflopsPerSecond = path == .multiOutput
            ? 4 * Double(rows) * Double(features) * Double(outputs) / medianEpochSeconds / 1e9 : nil
        self.limit = limit
        percentOfLimit = limit.map { 100 * (gflopsPerSecond ?? gigabytesPerSecond) / $0.value }
    }

    static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        if s.isEmpty { return .nan }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
