/// One machine limit at one thread count: the best of `repetitions` timed runs.
public struct LimitMeasurement: Codable, Equatable, Sendable {
    /// Threads that shared the work (`WorkerPool` parts, or OpenBLAS threads for gemm).
    public var threads: Int
    /// GB/s (10⁹ bytes a second) for the bandwidths, GFLOP/s for gemm, from the best run.
    public var value: Double
    /// The best run's wall time.
    public var seconds: Double
    public var repetitions: Int

    public init(threads: Int, value: Double, seconds: Double, repetitions: Int) {
        self.threads = threads; self.value = value; self.seconds = seconds; self.repetitions = repetitions
    }
}

/// The limit a throughput figure is compared with: which one, at which thread count, and its value.
public struct LimitReference: Codable, Equatable, Sendable {
    /// As the table prints it, e.g. "shuffled rows 1 KiB", "streaming read", "sgemm".
    public var name: String
    public var threads: Int
    public var value: Double
    /// "GB/s" or "GFLOP/s".
    public var unit: String

    public init(name: String, threads: Int, value: Double, unit: String) {
        self.name = name; self.threads = threads; self.value = value; self.unit = unit
    }
}
