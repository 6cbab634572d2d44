/// The training paths `ThroughputBenchmark` times (the JSON names are the raw values).
public enum BenchmarkPath: String, Codable, Sendable, CaseIterable {
    /// Batch 1 on the small problem: one update per sample (as scikit-learn's `SGDRegressor` runs).
    case perSample = "per-sample"
    /// Shuffled mini-batches on the main problem, read in place by the fused kernel.
    case miniBatch = "mini-batch"
    /// One update per epoch on the main problem: X read once, in order.
    case fullBatch = "full-batch"
    /// A many-output linear model in batches: gemm-bound.
    case multiOutput = "multi-output"
}
