import LinearAlgebra

/// Everything `BenchmarkReport.measure` runs: the throughput settings (problems, paths, threads,
/// precisions) and the limits' own sizes. The limits are measured at the same thread counts, for
/// the row widths and precisions the throughput runs use (`limits`).
public struct BenchmarkSettings: Codable, Equatable, Sendable {
    /// The problems, paths, thread counts and precisions of the throughput runs.
    public var throughput: ThroughputBenchmark.Settings
    /// The array the bandwidth limits read (1 GiB by default).
    public var arrayBytes: Int
    /// Bytes of rows each shuffled-row repetition reads.
    public var bytesPerRowRepetition: Int
    /// n of the gemm limit; nil: sized for about `MachineLimits.autoGemmSeconds` a product.
    public var gemmSize: Int?
    /// Timed repetitions per limit (the best is reported).
    public var repetitions: Int

    /// The default run (about 30 s on a 2-core machine), or with `quick` one of well under a second.
    /// `threads` is the largest thread count: every count from 1 to it is measured.
    public init(threads: Int = WorkerPool.defaultThreadCount, scalars: [BenchmarkScalar] = BenchmarkScalar.allCases,
                quick: Bool = false) {
        let counts = Array(1...Swift.max(1, threads))
        if quick {
            throughput = .quick(threads: counts, scalars: scalars)
            arrayBytes = 16 << 20; bytesPerRowRepetition = 1 << 20; gemmSize = 128; repetitions = 2
        } else {
            throughput = ThroughputBenchmark.Settings(threads: counts, scalars: scalars)
            arrayBytes = 1 << 30; bytesPerRowRepetition = 256 << 20; gemmSize = nil; repetitions = 5
        }
    }

    /// The limit settings that match the throughput runs: their thread counts and row widths, gemm in
    /// their precisions when the multi-output path runs.
    public var limits: MachineLimits.Settings {
        MachineLimits.Settings(threads: throughput.threads, arrayBytes: arrayBytes, rowBytes: throughput.rowBytes,
                               bytesPerRowRepetition: bytesPerRowRepetition,
                               gemmScalars: throughput.paths.contains(.multiOutput) ? throughput.scalars : [],
                               gemmSize: gemmSize, repetitions: repetitions, seed: throughput.seed)
    }
}
