import LinearAlgebra
import Optimizers

/// The learning-rate range test ("LR finder"; Smith 2015 §3.3, Gugger 2018, fastai `lr_find`,
/// torch-lr-finder): train with a rate that rises from `sweep.start` to `sweep.end`, one update per
/// mini-batch, record the loss at every rate, and stop when it diverges.
///
/// Update k (0-based), in Gugger's order:
/// 1. lr_k = `sweep.rate(at: k)`; take batch k from the sampler (a new epoch, reshuffled per its mode,
///    whenever the batches run out);
/// 2. ℓ_k = the batch loss and gradient at the current parameters, i.e. **before** the step at lr_k;
///    in validation mode (Smith; torch-lr-finder's `val_loader`) the step at lr_k is taken first and
///    ℓ_k = `validationLoss` at the optimizer's evaluation point afterwards (a non-finite training loss
///    is recorded as it is and stops the test without a step);
/// 3. s_k = smoothed ℓ_k (`smoothing`); record (lr_k, ℓ_k, s_k);
/// 4. stop if `DivergenceStop` says so (s_k > threshold × best, or a non-finite loss);
/// 5. otherwise (training mode) the optimizer steps with lr_k.
///
/// **Nothing is changed by running it:** the parameters, the optimizer's state (momentum buffers,
/// counters…) and the sampler (generator, order, epoch) are saved first and restored afterwards,
/// bit-identically, whatever happens inside. The test allocates its buffers before the first update.
public struct LRRangeTest: Sendable, Equatable {
    /// The rates tried.
    public var sweep: LRSweep
    /// How the recorded losses are smoothed.
    public var smoothing: LossSmoothing
    /// nil runs every iteration of the sweep whatever the loss does (a non-finite loss still stops).
    public var divergenceThreshold: Double?

    /// Throws when the smoothing or the threshold is invalid (the sweep checks itself).
    public init(sweep: LRSweep, smoothing: LossSmoothing = .standard, divergenceThreshold: Double? = 4) throws {
        try smoothing.validate()
        if let t = divergenceThreshold { _ = try DivergenceStop(threshold: t) }
        self.sweep = sweep; self.smoothing = smoothing; self.divergenceThreshold = divergenceThreshold
    }

    /// Runs the test on `parameters` (restored on return), with data order from `sampler` (restored too).
    /// `validationLoss`, when given, is called with the evaluation point after each step and its
    /// value is recorded in place of the training loss. Rethrows only what the objective throws
    /// (a failed collective of a `DataParallelObjective`; the library's own objectives never throw).
    public func run<O: Objective, Opt: Optimizer>(
        objective: inout O, optimizer: inout Opt, parameters: UnsafeMutableBufferPointer<O.Scalar>,
        sampler: inout BatchSampler, validationLoss: ((UnsafeBufferPointer<O.Scalar>) -> Double)? = nil
    ) throws -> LRRangeTestResult where Opt.Scalar == O.Scalar {
        precondition(parameters.count == objective.parameterCount && optimizer.parameterCount == objective.parameterCount,
                     "parameters have \(parameters.count) elements, the objective \(objective.parameterCount), the optimizer \(optimizer.parameterCount)")
        precondition(sampler.sampleCount == objective.sampleCount && sampler.batchSize <= objective.maximumBatchSize,
                     "sampler has \(sampler.sampleCount) samples in batches of \(sampler.batchSize); the objective has "
                     + "\(objective.sampleCount) samples and batches of at most \(objective.maximumBatchSize)")
        precondition(sampler.batchesPerEpoch > 0, "the sampler yields no batch (\(sampler.sampleCount) samples, drop-last batches of \(sampler.batchSize))")

        // Save everything the test changes.
        let savedParameters = Array(parameters)
        let savedOptimizer = optimizer.saveState()
        let savedSampler = sampler.state
        defer {
            savedParameters.withUnsafeBufferPointer { BLAS.copy($0, parameters) }
            do { try optimizer.restore(savedOptimizer) } catch {
                preconditionFailure("\(optimizer.name) could not restore the state it saved before the range test: \(error)")
            }
            do { try sampler.restore(savedSampler) } catch {
                preconditionFailure("the sampler could not restore the state it saved before the range test: \(error)")
            }
        }

        let n = sweep.iterations
        var gradient = [O.Scalar](repeating: 0, count: parameters.count)
        var evaluation = [O.Scalar](repeating: 0, count: validationLoss == nil ? 0 : parameters.count)
        var result = LRRangeTestResult(plannedIterations: n, usedValidationLoss: validationLoss != nil)
        // Reserved up to a bound: the arrays grow as the sweep goes (a huge `iterations` allocates nothing up front).
        let reserved = Swift.min(n, 4096)
        result.learningRates.reserveCapacity(reserved); result.rawLosses.reserveCapacity(reserved); result.smoothedLosses.reserveCapacity(reserved)
        var smoother = LossSmoother(smoothing)
        var stop = try! DivergenceStop(threshold: divergenceThreshold ?? 4)  // validated in init

        var batch = 0
        sampler.startEpoch()
        try gradient.withUnsafeMutableBufferPointer { g in
            try evaluation.withUnsafeMutableBufferPointer { e in
                for k in 0..<n {
                    if batch == sampler.batchesPerEpoch { sampler.startEpoch(); batch = 0 }
                    let lr = sweep.rate(at: k)
                    var loss = try sampler.withBatch(batch) {
                        try objective.lossAndGradient(parameters: UnsafeBufferPointer(parameters), gradient: g, batch: $0)
                    }
                    batch += 1
                    if let validationLoss {
                        if loss.isFinite {
                            optimizer.step(parameters: parameters, gradient: g, learningRate: lr)
                            optimizer.evaluationPoint(parameters: UnsafeBufferPointer(parameters), into: e)
                            loss = validationLoss(UnsafeBufferPointer(e))
                        }
                    }
                    let smoothed = smoother.add(loss)
                    result.learningRates.append(lr); result.rawLosses.append(loss); result.smoothedLosses.append(smoothed)
                    let diverged = divergenceThreshold == nil ? !(loss.isFinite && smoothed.isFinite)
                                                              : stop.shouldStop(raw: loss, smoothed: smoothed)
                    if diverged {
                        result.stop = loss.isFinite && smoothed.isFinite ? .diverged(index: k) : .nonFinite(index: k)
                        return
                    }
                    if validationLoss == nil { optimizer.step(parameters: parameters, gradient: g, learningRate: lr) }
                }
            }
        }
        return result
    }

    /// Array convenience for `run(objective:optimizer:parameters:sampler:validationLoss:)`.
    public func run<O: Objective, Opt: Optimizer>(
        objective: inout O, optimizer: inout Opt, parameters: inout [O.Scalar],
        sampler: inout BatchSampler, validationLoss: ((UnsafeBufferPointer<O.Scalar>) -> Double)? = nil
    ) throws -> LRRangeTestResult where Opt.Scalar == O.Scalar {
        try parameters.withUnsafeMutableBufferPointer {
            try run(objective: &objective, optimizer: &optimizer, parameters: $0, sampler: &sampler, validationLoss: validationLoss)
        }
    }
}

/// Why a range test ended.
public enum LRRangeTestStop: Sendable, Equatable, Codable {
    /// Every planned update ran.
    case completed
    /// The smoothed loss at row `index` exceeded the threshold times the best before it.
    case diverged(index: Int)
    /// The loss at row `index` was NaN or infinite.
    case nonFinite(index: Int)
}

/// The table a range test records — one row per update: (lr, raw loss, smoothed loss) — and how it ended.
/// A test stopped by `.nonFinite` ends with a loss of ∞ or NaN, so a JSON writer needs a non-conforming
/// float strategy (`.convertToString(…)`), as for `TrainerState`.
public struct LRRangeTestResult: Sendable, Equatable, Codable {
    /// The rate of each recorded update.
    public var learningRates: [Double] = []
    /// The loss at each rate.
    public var rawLosses: [Double] = []
    /// The smoothed loss at each rate.
    public var smoothedLosses: [Double] = []
    /// How the test ended.
    public var stop: LRRangeTestStop = .completed
    /// The sweep's length (sets the default trimming of the suggestions).
    public var plannedIterations: Int
    /// Whether the losses are validation losses (Smith) rather than training-batch losses.
    public var usedValidationLoss: Bool

    /// A table of these columns (of equal length).
    public init(learningRates: [Double] = [], rawLosses: [Double] = [], smoothedLosses: [Double] = [],
                stop: LRRangeTestStop = .completed, plannedIterations: Int, usedValidationLoss: Bool = false) {
        precondition(learningRates.count == rawLosses.count && rawLosses.count == smoothedLosses.count,
                     "table columns have \(learningRates.count), \(rawLosses.count) and \(smoothedLosses.count) rows")
        self.learningRates = learningRates; self.rawLosses = rawLosses; self.smoothedLosses = smoothedLosses
        self.stop = stop; self.plannedIterations = plannedIterations; self.usedValidationLoss = usedValidationLoss
    }

    /// A suggestion by `rule` (default trimming and checks: `LRSuggestionOptions(iterations: plannedIterations)`).
    public func suggest(_ rule: LRSuggestionRule = .steepest, options: LRSuggestionOptions? = nil) -> LRSuggestion {
        if rule == .auto { return consensus(options: options).suggestion }
        return LRSuggester.suggest(rule, learningRates: learningRates, raw: rawLosses, smoothed: smoothedLosses,
                            options: options ?? LRSuggestionOptions(iterations: plannedIterations))
    }
}
