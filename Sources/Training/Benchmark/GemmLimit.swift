/// OpenBLAS gemm (C ← A·B, square n×n) at 1…N OpenBLAS threads: 2n³ flops per product.
public struct GemmLimit: Codable, Equatable, Sendable {
    /// The precision (`sgemm` or `dgemm`).
    public var scalar: BenchmarkScalar
    /// n: every matrix is n×n.
    public var size: Int
    /// The best figure at each thread count.
    public var measurements: [LimitMeasurement]

    /// A gemm limit with these values.
    public init(scalar: BenchmarkScalar, size: Int, measurements: [LimitMeasurement]) {
        self.scalar = scalar; self.size = size; self.measurements = measurements
    }

    /// "sgemm" or "dgemm".
    public var name: String { scalar.gemmName }

    /// The limit at `threads` threads, if it was measured.
    public func reference(threads: Int) -> LimitReference? {
        measurements.first { $0.threads == threads }.map {
            LimitReference(name: name, threads: threads, value: $0.value, unit: "GFLOP/s")
        }
    }
}
