import LinearAlgebra
import Optimizers

/// Descent's epoch throughput on generated problems, through the path a user takes:
/// `SupervisedObjective(x:y:model:loss:maximumBatchSize:threads:)` on a `LinearModel` with an
/// intercept and the squared error, `SGD` with momentum, `Trainer.run()` with a reshuffle every
/// epoch. Each configuration gets a fresh trainer from θ = 0, one untimed warm-up epoch and
/// `Settings.epochs` timed ones (the trainer's own per-epoch clock), and reports the median.
///
/// The paths (`BenchmarkPath`): per sample (batch 1 on the small problem, one thread: a batch of
/// one sample is never split), mini-batches and the full batch on the main problem (the fused
/// kernel: every row read once, in place), and a many-output model in batches (gemm-bound) — each
/// at every thread count and precision. OpenBLAS is set to one thread for these runs (the
/// objective's worker pool does the parallel work, as `SupervisedObjective` arranges itself for
/// more than one thread) and restored afterwards.
public enum ThroughputBenchmark {
    /// The problems, paths, thread counts and run lengths.
    public struct Settings: Codable, Equatable, Sendable {
        /// The thread counts to run at.
        public var threads: [Int]
        /// The precisions to run in.
        public var scalars: [BenchmarkScalar]
        /// The paths to run (per sample, mini-batches, full batch, multi-output).
        public var paths: [BenchmarkPath]
        /// The main problem (mini-batches, full batch): n × d, one output.
        public var rows: Int
        /// d of the main problem.
        public var features: Int
        /// The mini-batch sizes to run.
        public var batchSizes: [Int]
        /// The per-sample problem: n × d, one output.
        public var perSampleRows: Int
        /// d of the per-sample problem.
        public var perSampleFeatures: Int
        /// The multi-output problem: n × d, k outputs, its batch size.
        public var multiOutputRows: Int
        /// d of the multi-output problem.
        public var multiOutputFeatures: Int
        /// k, the multi-output problem's outputs.
        public var multiOutputs: Int
        /// The multi-output problem's batch size.
        public var multiOutputBatchSize: Int
        /// Timed epochs per configuration (after one warm-up epoch).
        public var epochs: Int
        /// The SGD learning rate of the batched paths.
        public var learningRate: Double
        /// Per sample: η‖x‖² must stay well below 2 (d = 100 features of variance 1 take η ≤ 0.01).
        public var perSampleLearningRate: Double
        /// The SGD momentum of every path.
        public var momentum: Double
        /// The seed of the generated problems and of the sampler.
        public var seed: UInt64

        /// The default run: a 524288×256 main problem (X is 512 MiB in float, 1 GiB in double),
        /// batches 32, 256, 1024 and 8192, per sample on 100000×100, multi-output 16384×512 → 64 in
        /// batches of 4096, 3 timed epochs.
        public init(threads: [Int], scalars: [BenchmarkScalar] = BenchmarkScalar.allCases,
                    paths: [BenchmarkPath] = BenchmarkPath.allCases, rows: Int = 524_288, features: Int = 256,
                    batchSizes: [Int] = [32, 256, 1024, 8192], perSampleRows: Int = 100_000, perSampleFeatures: Int = 100,
                    multiOutputRows: Int = 16_384, multiOutputFeatures: Int = 512, multiOutputs: Int = 64,
                    multiOutputBatchSize: Int = 4096, epochs: Int = 3, learningRate: Double = 0.01,
                    perSampleLearningRate: Double = 0.001, momentum: Double = 0.9, seed: UInt64 = 1) {
            self.threads = threads; self.scalars = scalars; self.paths = paths
            self.rows = rows; self.features = features; self.batchSizes = batchSizes
            self.perSampleRows = perSampleRows; self.perSampleFeatures = perSampleFeatures
            self.multiOutputRows = multiOutputRows; self.multiOutputFeatures = multiOutputFeatures
            self.multiOutputs = multiOutputs; self.multiOutputBatchSize = multiOutputBatchSize
            self.epochs = epochs; self.learningRate = learningRate; self.perSampleLearningRate = perSampleLearningRate
            self.momentum = momentum; self.seed = seed
        }

        /// A run of well under a second (tests, a smoke check): tiny problems, one timed epoch.
        public static func quick(threads: [Int], scalars: [BenchmarkScalar] = BenchmarkScalar.allCases) -> Settings {
            Settings(threads: threads, scalars: scalars, rows: 4096, features: 64, batchSizes: [32, 256],
                     perSampleRows: 1024, perSampleFeatures: 16, multiOutputRows: 1024, multiOutputFeatures: 64,
                     multiOutputs: 16, multiOutputBatchSize: 256, epochs: 1)
        }

        /// The row widths (bytes) the per-sample and mini-batch paths read, for the shuffled-row limit.
        public var rowBytes: [Int] {
            var widths: [Int] = []
            for scalar in scalars {
                if paths.contains(.perSample) { widths.append(perSampleFeatures * scalar.byteCount) }
                if paths.contains(.miniBatch) { widths.append(features * scalar.byteCount) }
            }
            return Array(Set(widths)).sorted()
        }

        /// Throws `BenchmarkError` naming the first setting out of range.
        public func validate() throws {
            guard !threads.isEmpty, threads.allSatisfy({ $0 >= 1 && $0 < 1 << 15 }) else {
                throw BenchmarkError("thread counts must be 1 or more, got \(threads)")
            }
            for (name, value) in [("rows", rows), ("features", features), ("per-sample rows", perSampleRows),
                                  ("per-sample features", perSampleFeatures), ("multi-output rows", multiOutputRows),
                                  ("multi-output features", multiOutputFeatures), ("outputs", multiOutputs),
                                  ("multi-output batch size", multiOutputBatchSize), ("epochs", epochs)] where value < 1 {
                throw BenchmarkError("\(name) must be at least 1, got \(value)")
            }
            if let b = batchSizes.first(where: { $0 < 1 }) { throw BenchmarkError("batch sizes must be at least 1, got \(b)") }
            for (name, rate) in [("learning rate", learningRate), ("per-sample learning rate", perSampleLearningRate)]
            where !(rate.isFinite && rate > 0) {
                throw BenchmarkError("\(name) must be a positive number, got \(rate)")
            }
            guard momentum >= 0 && momentum < 1 else { throw BenchmarkError("momentum must be in [0, 1), got \(momentum)") }
        }
    }

    /// Runs every configuration (precision, then path, batch size, thread count), calling `onResult`
    /// as each finishes. Percentages are against `limits` when given. Throws `BenchmarkError` for a
    /// setting out of range, memory that cannot be had, or a run that does not complete.
    public static func run(_ settings: Settings, limits: MachineLimits?,
                           onResult: (ThroughputResult) -> Void = { _ in }) throws -> [ThroughputResult] {
        try settings.validate()
        let savedBLASThreads = BLASRuntime.threads
        defer { BLASRuntime.threads = savedBLASThreads }
        var results: [ThroughputResult] = []
        func record(_ r: ThroughputResult) { results.append(r); onResult(r) }
        for scalar in settings.scalars {
            switch scalar {
            case .float: try run(Float.self, settings, limits: limits, record: record)
            case .double: try run(Double.self, settings, limits: limits, record: record)
            }
        }
        return results
    }

    static func run<S: BLASScalar>(_: S.Type, _ s: Settings, limits: MachineLimits?,
                                   record: (ThroughputResult) -> Void) throws {
        let scalar = BenchmarkScalar.of(S.self)
        func measure(_ path: BenchmarkPath, _ problem: BenchmarkProblem<S>, batch: BatchSize, threads: Int,
                     learningRate: Double, limit: LimitReference?) throws {
            let (seconds, loss) = try epochSeconds(problem, batch: batch, threads: threads, learningRate: learningRate, settings: s)
            record(ThroughputResult(path: path, scalar: scalar, rows: problem.rows, features: problem.features,
                                    outputs: problem.outputs, batchSize: batch.resolved(sampleCount: problem.rows),
                                    threads: threads, epochSeconds: seconds, finalLoss: loss, limit: limit))
        }
        if s.paths.contains(.perSample) {
            let problem = try BenchmarkProblem<S>(rows: s.perSampleRows, features: s.perSampleFeatures, outputs: 1, seed: s.seed)
            try measure(.perSample, problem, batch: .size(1), threads: 1, learningRate: s.perSampleLearningRate,
                        limit: limits?.shuffledRows(rowBytes: s.perSampleFeatures * scalar.byteCount, threads: 1))
        }
        if s.paths.contains(.miniBatch) || s.paths.contains(.fullBatch) {
            let problem = try BenchmarkProblem<S>(rows: s.rows, features: s.features, outputs: 1, seed: s.seed &+ 1)
            if s.paths.contains(.miniBatch) {
                for b in s.batchSizes {
                    for t in s.threads {
                        try measure(.miniBatch, problem, batch: .size(b), threads: t, learningRate: s.learningRate,
                                    limit: limits?.shuffledRows(rowBytes: s.features * scalar.byteCount, threads: t))
                    }
                }
            }
            if s.paths.contains(.fullBatch) {
                for t in s.threads {
                    try measure(.fullBatch, problem, batch: .full, threads: t, learningRate: s.learningRate,
                                limit: limits?.streaming(threads: t))
                }
            }
        }
        if s.paths.contains(.multiOutput) {
            let problem = try BenchmarkProblem<S>(rows: s.multiOutputRows, features: s.multiOutputFeatures,
                                                  outputs: s.multiOutputs, seed: s.seed &+ 2)
            for t in s.threads {
                try measure(.multiOutput, problem, batch: .size(s.multiOutputBatchSize), threads: t,
                            learningRate: s.learningRate, limit: limits?.gemm(scalar, threads: t))
            }
        }
    }

    /// The timed epochs' seconds and the last epoch's training loss of one run, built as a user
    /// would build it.
    static func epochSeconds<S: BLASScalar>(_ problem: BenchmarkProblem<S>, batch: BatchSize, threads: Int,
                                            learningRate: Double, settings: Settings) throws -> ([Double], Double) {
        let model = LinearModel<S>(inputs: problem.features, outputs: problem.outputs, intercept: true)
        BLASRuntime.threads = 1
        let objective = try SupervisedObjective(x: problem.x, y: problem.y, model: model, loss: .squaredError,
                                                maximumBatchSize: batch.resolved(sampleCount: problem.rows), threads: threads)
        let optimizer = try SGD<S>(parameterCount: model.parameterCount, groups: model.parameterGroups,
                                   learningRate: learningRate, momentum: settings.momentum)
        let configuration = try TrainingConfiguration(epochs: 1 + settings.epochs, batchSize: batch, shuffle: .reshuffle,
                                                  seed: settings.seed, learningRate: learningRate)
        let trainer = try Trainer(objective: objective, optimizer: optimizer, configuration: configuration,
                                  initialParameters: [S](repeating: 0, count: model.parameterCount))
        let result = try trainer.run()
        guard result.stopReason == .completed, let last = result.history.last else {
            throw BenchmarkError("the \(problem.rows)×\(problem.features) benchmark run (batch \(batch.resolved(sampleCount: problem.rows)), \(threads) threads) ended with \(result.stopReason)")
        }
        return (result.history.dropFirst().map(\.seconds), last.trainingLoss)
    }
}
