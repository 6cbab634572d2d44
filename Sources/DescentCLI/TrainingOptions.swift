import ArgumentParser
import Descent

/// `train`'s own: learning rate, schedule, epochs and early stopping, with the batches and data
/// preparation that `lr-find` shares (`BatchOptions`).
struct TrainingOptions: ParsableArguments {
    @OptionGroup var batches: BatchOptions

    @Option(name: [.long, .customLong("learning-rate")], help: ArgumentHelp("Learning rate (a number), or `auto`: run the range test first and use its `auto` suggestion (see `descent lr-find`) (default: 0.01 for sgd, 1 for the learning-rate-free methods).", valueName: "rate|auto"))
    var lr: String?

    @Option(name: .long, help: ArgumentHelp("Learning-rate schedule in text form, e.g. `cosine:T=20`, `step:size=10,gamma=0.5`, `onecycle:steps=3000` (or `onecycle:epochs=10,steps-per-epoch=300`), `multiplicative:factor=0.95`, `linear:iters=2 then@2 cosine:T=18`, `plateau:patience=3`.", valueName: "text"))
    var schedule: String?

    @Option(name: .long, help: ArgumentHelp("Passes over the training data. Default 20 (10 on the built-in problem).", valueName: "n"))
    var epochs: Int?

    @Option(name: .long, help: ArgumentHelp("Stop when the monitored loss has not improved for this many epochs (Keras's rule; restores the best epoch). Not with --tol.", valueName: "patience"))
    var earlyStopping: Int?

    @Option(name: .long, help: "Smallest change that counts as an improvement for early stopping.")
    var minDelta: Double = 0

    @Option(name: .long, help: ArgumentHelp("scikit-learn's tol stop: stop when the epoch's mean training loss has not fallen below the best by more than tol for --n-iter-no-change epochs (keeps the last weights, as SGDRegressor/SGDClassifier). Not with --early-stopping.", valueName: "tol"))
    var tol: Double?

    @Option(name: .long, help: ArgumentHelp("Epochs without a tol improvement before --tol stops (default 5, scikit-learn's).", valueName: "n"))
    var nIterNoChange: Int?

    @Option(name: .long, help: "What early stopping watches: train-loss, val-loss (default with --validation-split), val-metric (R², or accuracy), val-rmse, val-r2, val-mae, val-explained-variance, val-accuracy, val-log-loss or val-roc-auc (binary); R², explained variance, accuracy and ROC-AUC are higher-is-better.")
    var monitor: Watched?

    @Option(name: .long, help: ArgumentHelp("Replay this sample order: one line per epoch of 0-based training-row indices (a permutation, space- or comma-separated; with --validation-split, rows of the training part), e.g. a PyTorch DataLoader's. Replaces --shuffle.", valueName: "file"))
    var batchOrder: String?

    @Option(name: .long, help: ArgumentHelp("Clip each update's gradient to this total 2-norm (torch's clip_grad_norm_), after --clip-grad-value.", valueName: "max-norm"))
    var clipGradNorm: Double?

    @Option(name: .long, help: ArgumentHelp("Clamp each gradient element to [-v, v] (torch's clip_grad_value_), before --clip-grad-norm.", valueName: "v"))
    var clipGradValue: Double?

    @Option(name: .long, help: "What metric-driven schedules (plateau, adaptive, mml) read each epoch: any --monitor value (default: as --monitor's default); a plateau schedule takes its mode from it.")
    var scheduleMetric: Watched?

    enum Watched: String, ExpressibleByArgument, CaseIterable {
        case trainLoss = "train-loss", valLoss = "val-loss", valMetric = "val-metric"
        case valRMSE = "val-rmse", valR2 = "val-r2", valMAE = "val-mae", valExplainedVariance = "val-explained-variance"
        case valAccuracy = "val-accuracy", valLogLoss = "val-log-loss", valROCAUC = "val-roc-auc"
        var quantity: MonitoredQuantity {
            switch self {
            case .trainLoss: .trainingLoss
            case .valLoss: .validationLoss
            case .valMetric: .validationMetric
            case .valRMSE: .validationRMSE
            case .valR2: .validationR2
            case .valMAE: .validationMAE
            case .valExplainedVariance: .validationExplainedVariance
            case .valAccuracy: .validationAccuracy
            case .valLogLoss: .validationLogLoss
            case .valROCAUC: .validationROCAUC
            }
        }
    }

    /// Early stopping from the options (nil without --early-stopping).
    var earlyStoppingRule: EarlyStopping? {
        earlyStopping.map {
            EarlyStopping(patience: $0, minDelta: minDelta, mode: monitor?.quantity.mode ?? .min, monitor: monitor?.quantity)
        }
    }

    /// scikit-learn's tol stop from the options (nil without --tol).
    func toleranceStop() throws -> ToleranceStop? {
        guard let tol else { return nil }
        guard tol.isFinite else { throw CLIError("--tol must be a finite number, got \(tol)") }
        let n = nIterNoChange ?? 5
        guard n >= 1 else { throw CLIError("--n-iter-no-change must be at least 1, got \(n)") }
        return try ToleranceStop(tolerance: tol, iterationsWithoutChange: n)
    }

    /// Gradient clipping from the options (nil without --clip-grad-norm and --clip-grad-value).
    func gradientClipping() throws -> GradientClipping? {
        guard clipGradNorm != nil || clipGradValue != nil else { return nil }
        for (flag, v) in [("--clip-grad-norm", clipGradNorm), ("--clip-grad-value", clipGradValue)] {
            if let v, !(v.isFinite && v > 0) { throw CLIError("\(flag) must be a positive finite number, got \(v)") }
        }
        return try GradientClipping(maxNorm: clipGradNorm, maxValue: clipGradValue)
    }

    var isAutoLR: Bool { lr?.lowercased() == "auto" }

    func learningRate(default value: Double) throws -> Double {
        guard let lr, !isAutoLR else { return value }
        guard let v = Double(lr), v.isFinite, v > 0 else {
            throw CLIError("--lr: expected a positive number or `auto`, got \"\(lr)\"")
        }
        return v
    }

    func validate() throws {
        if let e = epochs, e < 0 { throw CLIError("--epochs must be at least 0 (0 writes the starting model), got \(e)") }
        if let p = earlyStopping, p < 0 { throw CLIError("--early-stopping patience must be at least 0, got \(p)") }
        guard minDelta.isFinite, minDelta >= 0 else { throw CLIError("--min-delta must be a finite number ≥ 0, got \(minDelta)") }
        _ = try gradientClipping()
        if nIterNoChange != nil && tol == nil { throw CLIError("--n-iter-no-change needs --tol") }
        if tol != nil && earlyStopping != nil {
            throw CLIError("--tol (scikit-learn's stop, keeps the last weights) and --early-stopping (Keras's, restores the best) cannot be combined; give one")
        }
        _ = try toleranceStop()
        try batches.validate()
        if batches.validationSplit == 0, let m = [monitor, scheduleMetric].compactMap({ $0 }).first(where: { $0 != .trainLoss }) {
            throw CLIError("--monitor/--schedule-metric \(m.rawValue) needs --validation-split")
        }
    }
}

/// Batches, data order, the validation split and standardisation: what `train` and `lr-find` share.
struct BatchOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Samples per update: a number, or `full` (full-batch gradient descent). Default 32 (64 on the built-in problem).", valueName: "n|full"))
    var batchSize: String?

    @Option(name: .long, help: "Sample order: reshuffle (every epoch), once, or none (file order).")
    var shuffle: ShuffleMode = .reshuffle

    @Flag(name: .long, help: "Skip the final short batch of each epoch.")
    var dropLast = false

    @Option(name: .long, help: "Seed for shuffling, the validation split and random initial weights.")
    var seed: UInt64 = 0

    @Option(name: .long, help: ArgumentHelp("Hold out this fraction of the data for validation (0 = none).", valueName: "fraction"))
    var validationSplit: Double = 0

    @Option(name: .long, help: "Standardise features (and targets with `all`) by the training part's mean and deviation: none, features, all.")
    var standardize: StandardizeMode = .none

    typealias StandardizeMode = PreparationSpec.Standardize

    /// The library's preparation settings (split, standardisation, seed).
    var preparation: PreparationSpec { PreparationSpec(validationSplit: validationSplit, standardize: standardize, seed: seed) }

    func parsedBatchSize(default fallback: Int = 32) throws -> BatchSize {
        guard let batchSize else { return .size(fallback) }
        if batchSize.lowercased() == "full" { return .full }
        guard let b = Int(batchSize), b >= 1 else { throw CLIError("--batch-size: expected a positive integer or `full`, got \"\(batchSize)\"") }
        return .size(b)
    }

    func validate() throws {
        guard validationSplit.isFinite, validationSplit >= 0, validationSplit < 1 else {
            throw CLIError("--validation-split must be in [0, 1), got \(validationSplit)")
        }
        _ = try parsedBatchSize()
    }
}

extension ShuffleMode: ExpressibleByArgument {}

/// Floating-point precision of the whole run.
enum DType: String, ExpressibleByArgument, CaseIterable { case float, double }

/// Precision and threads, shared by every command that computes.
/// A command that runs in either precision: `ComputeOptions.run(_:)` calls `run(_:)` with the
/// scalar type --dtype names (the one place that maps the flag to a type).
protocol PrecisionGeneric {
    func run<Scalar: BLASScalar>(_: Scalar.Type) throws
}

struct ComputeOptions: ParsableArguments {
    /// Runs `command` in the precision --dtype asks for.
    func run(_ command: some PrecisionGeneric) throws {
        switch dtype {
        case .float: try command.run(Float.self)
        case .double: try command.run(Double.self)
        }
    }

    @Option(name: .long, help: "Precision: float (32-bit) or double (64-bit).")
    var dtype: DType = .double

    @Option(name: .long, help: ArgumentHelp(
        "Threads (default: every core). Training splits each batch over them; a run is reproducible for a given count.",
        discussion: "With more than one training thread OpenBLAS runs single-threaded (the parallelism is Descent's own). Results for different counts differ by rounding only."))
    var threads: Int?

    /// Largest accepted `--threads`: what this machine's OpenBLAS was built for.
    static var maximumThreads: Int { BLASRuntime.maximumThreads }

    func apply() throws { try Self.setThreads(threads) }

    /// Checks and applies a `--threads` value to OpenBLAS (nil: leave OpenBLAS's choice); `info`
    /// shares it. Training objectives get the value too (see `TrainingSetup.objective`).
    static func setThreads(_ threads: Int?) throws {
        guard let t = threads else { return }
        try checkThreads(t)
        BLASRuntime.threads = t
    }

    /// The one check of a `--threads` value (`bench` uses it too).
    static func checkThreads(_ t: Int) throws {
        guard t >= 1 && t <= maximumThreads else {
            throw CLIError("--threads must be 1…\(maximumThreads) (this OpenBLAS was built for at most \(maximumThreads) threads), got \(t)")
        }
    }
}

extension PreparationSpec.Standardize: ExpressibleByArgument {}
