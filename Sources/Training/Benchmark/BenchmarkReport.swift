import LinearAlgebra

/// The machine a benchmark ran on: OpenBLAS's kernel, the row kernels' instruction set, processors.
public struct BenchmarkEnvironment: Codable, Equatable, Sendable {
    public var blasCore: String
    public var blasConfiguration: String
    /// `RowKernels.instructionSet`: "avx512f", "avx2" or "baseline".
    public var rowKernels: String
    public var processors: Int
    /// `BLASRuntime.kernelWarning`: OpenBLAS on generic kernels on a CPU with AVX2/AVX-512.
    public var blasWarning: String?

    public init(blasCore: String, blasConfiguration: String, rowKernels: String, processors: Int, blasWarning: String?) {
        self.blasCore = blasCore; self.blasConfiguration = blasConfiguration; self.rowKernels = rowKernels
        self.processors = processors; self.blasWarning = blasWarning
    }

    /// This process's.
    public static var current: BenchmarkEnvironment {
        BenchmarkEnvironment(blasCore: BLASRuntime.coreName, blasConfiguration: BLASRuntime.configuration,
                             rowKernels: RowKernels.instructionSet, processors: WorkerPool.defaultThreadCount,
                             blasWarning: BLASRuntime.kernelWarning)
    }
}

/// One benchmark run: the machine's limits, Descent's throughput on every path against them, and
/// the settings both ran with (`descent bench --json` prints it).
public struct BenchmarkReport: Codable, Equatable, Sendable {
    public var environment: BenchmarkEnvironment
    public var limitSettings: MachineLimits.Settings
    public var throughputSettings: ThroughputBenchmark.Settings
    public var limits: MachineLimits
    public var results: [ThroughputResult]
    /// Wall time of the whole run (data generation included).
    public var seconds: Double

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
        try settings.throughput.validate()
        let limitSettings = settings.limits
        let limits = try MachineLimits.measure(limitSettings)
        onLimits(limits)
        let results = try ThroughputBenchmark.run(settings.throughput, limits: limits, onResult: onResult)
        return BenchmarkReport(environment: .current, limitSettings: limitSettings, throughputSettings: settings.throughput,
                               limits: limits, results: results, seconds: (ContinuousClock.now - start).seconds)
    }
}
