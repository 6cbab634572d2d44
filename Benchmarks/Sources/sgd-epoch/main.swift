// One epoch of shuffled mini-batch SGD (momentum, squared error, linear model with intercept)
// through Descent's user-facing path: .npy → Matrix → SupervisedObjective(LinearModel, .squaredError)
// → SGD → Trainer. Per batch size: a fresh model at θ = 0, 1 warm-up epoch + `reps` timed epochs
// (the trainer's own per-epoch clock, which includes the reshuffle), median reported.
// Prints one JSON line per configuration (read by peers/make_tables.py) and a human line on stderr.
//
//   swift run -c release sgd-epoch --x P1_X.npy --y P1_y.npy --problem P1 --threads 1 --dtype float32,float64
import Descent
import Foundation

let options: Options
do {
    options = try Options(Array(CommandLine.arguments.dropFirst()))
} catch let e as UsageError {
    FileHandle.standardError.write(Data(((e.message.isEmpty ? "" : "error: \(e.message)\n") + Options.usage + "\n").utf8))
    exit(2)
}

// The objective's worker pool does the parallel work; OpenBLAS stays on one thread (its idle
// workers would spin on the same cores).
BLASRuntime.threads = 1
FileHandle.standardError.write(Data("sgd-epoch: OpenBLAS core \(BLASRuntime.coreName), \(BLASRuntime.threads) thread(s)\n".utf8))

func median(_ v: [Double]) -> Double {
    let s = v.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// Runs every configuration for one scalar type.
func run<S: BLASScalar>(_: S.Type, dtype: String) throws {
    let (x, y) = try NPYFile.read(features: URL(fileURLWithPath: options.xPath),
                                  targets: URL(fileURLWithPath: options.yPath), as: S.self)
    let (n, d, k) = (x.rows, x.cols, y.cols)
    // PyTorch's MSELoss averages r² over B·k; Descent's squared error is ½·Σ_k r² averaged over B.
    // Their gradients differ by the factor 2/k, so η = 2·lr/k takes the same SGD steps.
    let eta = 2 * options.lr / Double(k)
    let batches = options.checkOut == nil ? options.batches : [options.batches[0]]
    for b in batches {
        let model = LinearModel<S>(inputs: d, outputs: k, intercept: true)
        let batchSize: BatchSize = b == 0 ? .full : .size(b)
        let resolved = batchSize.resolved(sampleCount: n)
        let epochs = options.checkOut == nil ? 1 + options.reps : 1
        let configuration = try TrainingConfiguration(
            epochs: epochs, batchSize: batchSize, shuffle: options.checkOut == nil ? .reshuffle : .none,
            seed: options.seed, learningRate: eta)
        let optimizer = try SGD<S>(parameterCount: model.parameterCount, groups: model.parameterGroups,
                                   learningRate: eta, momentum: options.momentum)
        let start = [S](repeating: 0, count: model.parameterCount)
        let result: TrainingResult<S>
        let objective = try SupervisedObjective(x: x, y: y, model: model, loss: .squaredError, maximumBatchSize: resolved,
                                                threads: options.threads)
        if options.objective == "lean" {
            result = try Trainer(objective: LeanLinearObjective(x: x, y: y, maximumBatchSize: resolved), optimizer: optimizer,
                                 configuration: configuration, initialParameters: start).run()
        } else {
            result = try Trainer(objective: objective, optimizer: optimizer, configuration: configuration,
                                 initialParameters: start).run()
        }
        guard result.stopReason == .completed else { throw TrainingError("run ended with \(result.stopReason)") }
        if let out = options.checkOut {
            let theta = Matrix<S>(rows: result.parameters.count, cols: 1, elements: result.parameters)
            try NPYFile.write(theta, to: URL(fileURLWithPath: out), asVector: true)
            FileHandle.standardError.write(Data("sgd-epoch: wrote \(result.parameters.count) parameters to \(out)\n".utf8))
            continue
        }
        let times = result.history.dropFirst().map(\.seconds)
        let t = median(times)
        let loss = objective.evaluate(parameters: result.parameters).loss
        let bytes = Double(n * d * MemoryLayout<S>.stride)
        let label = b == 0 ? "full" : String(resolved)
        let line = """
            {"impl": "\(options.objective == "lean" ? "descent-lean" : "descent")", "problem": "\(options.problem)", "dtype": "\(dtype)", "batch": "\(label)", \
            "threads": \(options.threads), "n": \(n), "d": \(d), "k": \(k), "median_s": \(t), \
            "min_s": \(times.min()!), "max_s": \(times.max()!), "samples_per_s": \(Double(n) / t), \
            "gbps": \(bytes / t / 1e9), "loss": \(loss), "core": "\(BLASRuntime.coreName)"}
            """
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
        let summary = "\(options.objective == "lean" ? "descent-lean" : "descent") \(options.problem) \(dtype) b=\(label): " + String(format: "%.4f s (%.4f–%.4f), %.3g samples/s, %.2f GB/s, loss %.5g",
                                                                             t, times.min()!, times.max()!, Double(n) / t, bytes / t / 1e9, loss)
        FileHandle.standardError.write(Data((summary + "\n").utf8))
    }
}

do {
    for dtype in options.dtypes {
        if dtype == "float32" { try run(Float.self, dtype: dtype) } else { try run(Double.self, dtype: dtype) }
    }
} catch {
    FileHandle.standardError.write(Data("sgd-epoch: error: \(error)\n".utf8))
    exit(1)
}
