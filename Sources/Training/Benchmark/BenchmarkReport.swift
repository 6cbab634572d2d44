import LinearAlgebra
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The machine a benchmark ran on: OpenBLAS's kernel, the row kernels' instruction set, processors.
public struct BenchmarkEnvironment: Codable, Equatable, Sendable {
    /// OpenBLAS's kernel (core) name.
    public var blasCore: String
    /// OpenBLAS's build configuration string.
    public var blasConfiguration: String
    /// `RowKernels.instructionSet`: "avx512f", "avx2" or "baseline".
    public var rowKernels: String
    /// The processors available to the run.
    public var processors: Int
    /// `BLASRuntime.kernelWarning`: OpenBLAS on generic kernels on a CPU with AVX2/AVX-512.
    public var blasWarning: String?
    /// The system's 1-minute load average when the run started (nil where unavailable): other
    /// work on the cores makes every figure low and noisy.
    public var loadAverage: Double?

    /// An environment with these values.
    public init(blasCore: String, blasConfiguration: String, rowKernels: String, processors: Int, blasWarning: String?,
                loadAverage: Double?) {
        self.blasCore = blasCore; self.blasConfiguration = blasConfiguration; self.rowKernels = rowKernels
        self.processors = processors; self.blasWarning = blasWarning; self.loadAverage = loadAverage
    }

    /// A one-line warning when the load average is at least half the processors (other programs
    /// compete with the benchmark for the cores); nil otherwise.
    public var loadWarning: String? {
        guard let load = loadAverage, load >= 0.5 * Double(processors) else { return nil }
        let text = (load * 10).rounded() / 10
        return "load average \(text) on \(processors) processors: other programs are using the cores, so the figures will be low and noisy (the limits take the best of several runs, Descent the median)"
    }

    /// This process's.
    public static var current: BenchmarkEnvironment {
        BenchmarkEnvironment(blasCore: BLASRuntime.coreName, blasConfiguration: BLASRuntime.configuration,
                             rowKernels: RowKernels.instructionSet, processors: WorkerPool.defaultThreadCount,
                             blasWarning: BLASRuntime.kernelWarning, loadAverage: systemLoadAverage())
    }
}

/// The 1-minute load average, or nil.
func systemLoadAverage() -> Double? {
    var load = [0.0]
    return getloadavg(&load, 1) == 1 ? load[0] : nil
}

/// One benchmark run: the machine's limits, Descent's throughput on every path against them, and
/// the settings both ran with (`descent bench --json` prints it).
public struct BenchmarkReport: Codable, Equatable, Sendable {
    /// The machine the run was on.
    public var environment: BenchmarkEnvironment
    /// What the limits measured.
    public var limitSettings: MachineLimits.Settings
    /// What the throughput runs measured.
    public var throughputSettings: ThroughputBenchmark.Settings
    /// The machine's limits.
    public var limits: MachineLimits
    /// Descent's throughput, one result per path, precision, batch size and thread count.
    public var results: [ThroughputResult]
    /// Wall time of the whole run (data generation included).
    public var seconds: Double

    /// A report of these parts.
    public init(environment: BenchmarkEnvironment, limitSettings: MachineLimits.Settings,
                throughputSettings: ThroughputBenchmark.Settings, limits: MachineLimits, results: [ThroughputResult],
                seconds: Double) {
        self.environment = environment; self.limitSettings = limitSettings; self.throughputSettings = throughputSettings
        self.limits = limits; self.results = results; self.seconds = seconds
    }

    /// Measures the limits (`onLimits` is called with them), then the throughput (`onResult` per
    /// configuration, as each finishes). Throws `BenchmarkError` (or `WorkerPoolError`).
    public static func measure(_ settings: BenchmarkSettings, onLimits: (MachineLimits) -> Void = { _ in },
                               onResult: (ThroughputResult) -> Void = { _ in }) throws -> BenchmarkReport {
        let start = ContinuousClock.now
        let environment = BenchmarkEnvironment.current
        try settings.throughput.validate()
        let limitSettings = settings.limits
        let limits = try MachineLimits.measure(limitSettings)
        onLimits(limits)
        let results = try ThroughputBenchmark.run(settings.throughput, limits: limits, onResult: onResult)
        return BenchmarkReport(environment: environment, limitSettings: limitSettings, throughputSettings: settings.throughput,
                               limits: limits, results: results, seconds: (ContinuousClock.now - start).seconds)
    }
}
