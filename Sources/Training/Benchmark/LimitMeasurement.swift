/// One machine limit at one thread count: the best of `repetitions` timed runs.
public struct LimitMeasurement: Codable, Equatable, Sendable {
    /// Threads that shared the work (`WorkerPool` parts, or OpenBLAS threads for gemm).
    public var threads: Int
    /// GB/s (10⁹ bytes a second) for the bandwidths, GFLOP/s for gemm, from the best run.
    public var value: Double
    /// The best run's wall time.
    public var seconds: Double
    /// How many timed runs the best was taken from.
    public var repetitions: Int

    /// A measurement with these values.
    public init(threads: Int, value: Double, seconds: Double, repetitions: Int) {
        self.threads = threads; self.value = value; self.seconds = seconds; self.repetitions = repetitions
    }
}

/// The limit a throughput figure is compared with: which one, at which thread count, and its value.
public struct LimitReference: Codable, Equatable, Sendable {
    /// As the table prints it, e.g. "shuffled rows 1 KiB", "streaming read", "sgemm".
    public var name: String
    /// The thread count of the limit.
    public var threads: Int
    /// The limit's value, in `unit`.
    public var value: Double
    /// "GB/s" or "GFLOP/s".
    public var unit: String

    /// A reference with these values.
    public init(name: String, threads: Int, value: Double, unit: String) {
        self.name = name; self.threads = threads; self.value = value; self.unit = unit
    }
}
