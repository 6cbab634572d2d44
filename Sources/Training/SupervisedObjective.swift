import Collective
import LinearAlgebra
import Optimizers

/// The supervised objective L(θ) = (1/B)·Σᵢ ℓ(f(θ, xᵢ), yᵢ) of a model f and a `Loss` over the
/// training set (X, Y), evaluated on mini-batches; with per-sample weights wᵢ (`SampleWeights`),
/// L(θ) = (1/B)·Σᵢ wᵢ·ℓ(f(θ, xᵢ), yᵢ), divided by B as scikit-learn's SGD and PyTorch's
/// `(w * loss(reduction='none')).mean()` do. Unit weights are dropped at construction, so they
/// take the unweighted code path (the same result bit for bit).
///
/// A `.rows` batch is a zero-copy view of consecutive rows of X and Y; an `.indices` batch is
/// gathered (`BLAS.gather`) into the workspace. Each call then runs the model's forward pass into
/// the workspace, the loss (value and ∂L/∂ŷ), and the backward pass into the caller's gradient
/// buffer. A batch of more than `chunkBytes` of input rows is processed in chunks of that size
/// (see `lossAndGradient`). All memory is allocated at construction (`ModelWorkspace` sized for
/// min(`maximumBatchSize`, one chunk), a parameter-sized buffer for chunk gradients, metric
/// accumulators of k entries), so neither `lossAndGradient`, `loss`, `evaluate` nor `predict` allocates.
///
/// **Threads.** A batch's rows are split into contiguous parts that run on a persistent
/// `WorkerPool` of `threads` threads (the caller's included), each part writing its own gradient
/// partial; the partials and the parts' loss sums are then added in part order. The number of
/// parts is chosen per batch from its estimated cost (`partCount(batchSize:)`: a part gets at least
/// about 8 µs of work, so a small batch runs on one thread), so for a given thread count and
/// batch size the result is always the same; with another thread count the sums are split
/// differently and the result differs by rounding (float64: ~1e-16 relative per step).
///
/// **Fused path.** A `LinearModel` with at most `FusedLinearGradient.maximumOutputs` outputs
/// skips the gather and the products: every row is read once, in place, by
/// `FusedLinearGradient` (forward, loss derivative and gradient accumulation in one pass). Other
/// models gather their part's rows into the part's own workspace, in cache-sized chunks, and run
/// their BLAS forward and backward passes on them (single-threaded BLAS per part).
///
/// The workspace is shared by copies of the objective: use it from one thread at a time.
public struct SupervisedObjective<Scalar: BLASScalar>: Objective {
    /// X, the training inputs.
    public let x: Matrix<Scalar>
    /// Y, the training targets.
    public let y: Matrix<Scalar>
    /// The model trained.
    public let model: any Model<Scalar>
    /// The loss.
    public let loss: Loss
    public let maximumBatchSize: Int
    /// The per-sample weights, nil when there are none or all are 1.
    public let sampleWeights: SampleWeights<Scalar>?
    let workspace: ModelWorkspace<Scalar>
    let metrics: MetricAccumulators
    /// Rows per chunk when a batch is evaluated in chunks (see `lossAndGradient`).
    let chunkRows: Int
    /// The parameter gradient of one chunk (allocated only when a batch can span several chunks).
    let chunkGradient: ParameterScratch<Scalar>
    /// The threads and the per-part memory of a multi-threaded batch.
    let parallel: ParallelWorkspace<Scalar>
    /// The linear model's layout when the fused kernel applies.
    let fusedLayout: FusedLayout?

    struct FusedLayout { let inputs: Int; let outputs: Int; let hasBias: Bool }

    /// Checks the data against the model and loss (throws `TrainingDataError`), then allocates the
    /// workspace for batches of up to `maximumBatchSize` rows (at most n are ever needed).
    /// `weights`: one per row of X (see `SampleWeights`), nil for none.
    ///
    /// `threads` (default `WorkerPool.defaultThreadCount`, the active processors) sizes the pool that
    /// splits a batch's rows. With more than one thread, OpenBLAS is set to one thread
    /// (`BLASRuntime.threads = 1`, process-wide): the parallelism is the pool's, and OpenBLAS's idle
    /// workers would otherwise spin on the cores the pool's threads need.
    public init(x: Matrix<Scalar>, y: Matrix<Scalar>, model: any Model<Scalar>, loss: Loss, maximumBatchSize: Int,
                threads: Int? = nil, weights: SampleWeights<Scalar>? = nil) throws {
        precondition(maximumBatchSize >= 1, "maximum batch size must be at least 1, got \(maximumBatchSize)")
        guard x.rows == y.rows else {
            throw TrainingDataError("inputs have \(x.rows) rows (\(x.shape)) but targets have \(y.rows) (\(y.shape))")
        }
        if let weights, weights.count != x.rows {
            throw TrainingDataError("there are \(weights.count) sample weights for \(x.rows) samples")
        }
        sampleWeights = (weights?.isUnit ?? true) ? nil : weights
        guard x.cols == model.inputCount else {
            throw TrainingDataError("the data has \(x.cols) input columns but the model (\(model.shape)) takes \(model.inputCount)")
        }
        guard y.cols == model.outputCount else {
            throw TrainingDataError("the data has \(y.cols) target columns but the model (\(model.shape)) has \(model.outputCount) outputs")
        }
        try loss.validate(targets: y)
        self.x = x; self.y = y; self.model = model; self.loss = loss
        self.maximumBatchSize = Swift.min(maximumBatchSize, Swift.max(1, x.rows))
        chunkRows = Swift.max(Self.minimumChunkRows, Self.chunkBytes / (Swift.max(1, x.cols) * MemoryLayout<Scalar>.stride))
        // Batches are processed at most `chunkRows` rows at a time, so the workspace (gather buffers,
        // outputs, activations) never needs more rows than that, even for full-batch training.
        let threadCount = threads ?? WorkerPool.defaultThreadCount
        guard threadCount >= 1 else { throw TrainingDataError("thread count must be at least 1, got \(threadCount)") }
        try Self.checkWorkspaceSize(shape: model.shape, rows: Swift.min(self.maximumBatchSize, chunkRows), threads: threadCount)
        workspace = ModelWorkspace(model: model, maximumBatchSize: Swift.min(self.maximumBatchSize, chunkRows))
        metrics = MetricAccumulators(outputCount: model.outputCount)
        chunkGradient = ParameterScratch(count: self.maximumBatchSize > chunkRows ? model.parameterCount : 0)
        if let linear = model as? LinearModel<Scalar>, linear.outputCount <= FusedLinearGradient.maximumOutputs {
            fusedLayout = FusedLayout(inputs: linear.inputCount, outputs: linear.outputCount, hasBias: linear.hasIntercept)
        } else {
            fusedLayout = nil
        }
        parallel = try ParallelWorkspace(threads: threadCount, model: model, partRows: workspace.maximumBatchSize,
                                         needsModelWorkspaces: fusedLayout == nil, main: workspace, mainChunk: chunkGradient)
        if threadCount > 1 { BLASRuntime.threads = 1 }
    }

    /// Throws when the activations of `rows` rows on every thread would not fit in a quarter of
    /// this machine's memory (checked before they are allocated): inputs, every layer's outputs
    /// and their derivatives, per thread, counted with overflow checks.
    static func checkWorkspaceSize(shape: ModelShape, rows: Int, threads: Int) throws {
        var total = 0, overflow = false
        for w in shape.layerWidths {
            let (a, o1) = w.multipliedReportingOverflow(by: 2)
            let (b, o2) = total.addingReportingOverflow(a)
            overflow = overflow || o1 || o2
            total = b
        }
        let (perThread, o3) = total.multipliedReportingOverflow(by: rows * MemoryLayout<Scalar>.stride)
        let (bytes, o4) = perThread.multipliedReportingOverflow(by: threads)
        let limit = 2 * ModelShape.parameterByteLimit
        guard !(overflow || o3 || o4), bytes <= limit else {
            let size = overflow || o3 || o4 ? "more than an Int can count" : "\(bytes >> 20) MiB"
            throw TrainingDataError("batches of \(rows) rows of the model \(shape) on \(threads) thread\(threads == 1 ? "" : "s") need \(size) "
                                    + "of activations, more than the \(limit >> 20) MiB allowed (a quarter of this machine's memory); "
                                    + "use a smaller batch size, fewer threads or a narrower model")
        }
    }

    /// Input bytes per chunk: a chunk's rows of X stay in the core's L2 cache between the forward
    /// and the backward pass (1–2 MB on current x86-64 and Apple cores).
    static var chunkBytes: Int { 512 * 1024 }
    /// Chunks are never smaller than this many rows (very wide inputs), so BLAS calls stay efficient.
    static var minimumChunkRows: Int { 64 }

    /// The objective on `dataset` (its sample weights included); see the other initialiser.
    public init(dataset: Dataset<Scalar>, model: any Model<Scalar>, loss: Loss, maximumBatchSize: Int,
                threads: Int? = nil) throws {
        try self.init(x: dataset.x, y: dataset.y, model: model, loss: loss, maximumBatchSize: maximumBatchSize,
                      threads: threads, weights: dataset.weights)
    }

    /// Threads in the pool (parts per batch at most).
    public var threadCount: Int { parallel.threadCount }

    public var parameterCount: Int { model.parameterCount }
    public var sampleCount: Int { x.rows }
    /// The model's parameter groups (for the optimizer).
    public var parameterGroups: [ParameterGroup] { model.parameterGroups }

    /// Start of the workspace's single allocation (constant for the objective's lifetime).
    public var workspaceAddress: UnsafeRawPointer? { workspace.baseAddress }

    // MARK: Training

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func lossAndGradient(parameters: UnsafeBufferPointer<Scalar>,
                                         gradient: UnsafeMutableBufferPointer<Scalar>, batch: Batch) -> Double {
        precondition(gradient.count == parameterCount,
                     "gradient has \(gradient.count) elements but the model has \(parameterCount) parameters")
        precondition(parameters.count == parameterCount,
                     "parameters have \(parameters.count) elements but the model has \(parameterCount)")
        let b = batch.count
        precondition(b >= 1 && b <= maximumBatchSize, "batch of \(b) samples; the objective takes 1…\(maximumBatchSize)")
        let scale = 1 / Scalar(b)
        let parts = partCount(batchSize: b)
        if parts == 1 {
            return partLossAndGradient(parameters: parameters, gradient: gradient, batch: batch, part: 0,
                                       gradientScale: scale) / Double(b)
        }
        let parallel = self.parallel
        let job = parallel.partJob!
        (job.parameters, job.gradient, job.batch, job.parts, job.gradientScale) = (parameters, gradient, batch, parts, scale)
        withUnsafeMutablePointer(to: &self) { objective in
            job.objective = UnsafePointer(objective)
            parallel.pool!.run(parts: parts, job: job)
            job.objective = nil
        }
        var total = parallel.losses[0]
        for p in 1..<parts {
            total += parallel.losses[p * ParallelWorkspace<Scalar>.lossStride]
            BLAS.axpy(1, parallel.partial(p).readOnly, gradient)
        }
        return total / Double(b)
    }

    /// Prefetches the first rows of `batch` (X and Y) into the cache, up to
    /// `FusedLinearGradient.prefetchDistance` of them: the fused kernel prefetches ahead within a
    /// batch, and this covers the start of the next one (for per-sample SGD, the next samples).
    public mutating func prefetch(_ batch: Batch) {
        guard case .indices(let indices) = batch else { return }   // consecutive rows stream by themselves
        let (d, k) = (x.cols, y.cols)
        let rowBytes = d * MemoryLayout<Scalar>.stride, targetBytes = k * MemoryLayout<Scalar>.stride
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeBufferPointer { yb in
                // By index: iterating `prefix` goes through an unspecialised iterator that allocates.
                for j in 0..<Swift.min(indices.count, FusedLinearGradient.prefetchDistance) {
                    let i = indices[j]
                    guard i >= 0 && i < x.rows else { continue }
                    BLAS.prefetch(UnsafeRawPointer(xb.baseAddress! + i * d), bytes: rowBytes)
                    BLAS.prefetch(UnsafeRawPointer(yb.baseAddress! + i * k), bytes: targetBytes)
                }
            }
        }
    }

    /// How many parts a batch of `b` rows is split into: as many as the pool has threads, but each
    /// part at least `minimumPartNanoseconds` of estimated work (a fused row costs about its bytes
    /// at 8 GB/s; a batched row about 6 flops per parameter at 30 GFLOP/s), so a small batch stays on
    /// one thread where the hand-off would cost more than it saves.
    public func partCount(batchSize b: Int) -> Int {
        let threads = parallel.threadCount
        if threads == 1 || b < 2 { return 1 }
        let rowNanoseconds: Double = if let f = fusedLayout {
            Double(f.inputs * f.outputs * MemoryLayout<Scalar>.stride) / 8
        } else {
            Double(6 * parameterCount) / 30
        }
        let minimumRows = Swift.max(1, Int((Self.minimumPartNanoseconds / Swift.max(rowNanoseconds, 1)).rounded(.up)))
        return Swift.max(1, Swift.min(threads, b / minimumRows))
    }

    /// The least estimated work worth giving to a part of its own.
    static var minimumPartNanoseconds: Double { 8000 }

    /// Σᵢ ℓᵢ over one part of a batch (not divided by its size), with `gradientScale`·Σᵢ ∂ℓᵢ/∂θ in
    /// `gradient`, through the part's own memory.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func partLossAndGradient(parameters: UnsafeBufferPointer<Scalar>, gradient: UnsafeMutableBufferPointer<Scalar>,
                             batch: Batch, part: Int, gradientScale scale: Scalar) -> Double {
        if let f = fusedLayout {
            let rows: RowSelection = switch batch {
            case .rows(let r): RowSelection(indices: nil, first: r.lowerBound, count: r.count)
            case .indices(let i): RowSelection(indices: i.baseAddress, first: 0, count: i.count)
            }
            return x.withUnsafeBufferPointer { xb in
                y.withUnsafeBufferPointer { yb in
                    withWeights { w in
                        FusedLinearGradient.lossAndGradient(
                            x: xb.baseAddress!, inputs: f.inputs, y: yb.baseAddress!, outputs: f.outputs, rows: rows,
                            parameters: parameters.baseAddress!, hasBias: f.hasBias, loss: loss, scale: scale,
                            gradient: gradient.baseAddress!, scratch: parallel.scratch(part), weights: w)
                    }
                }
            }
        }
        let ws = parallel.workspace(part)
        if batch.count <= chunkRows {
            return chunkLossAndGradient(parameters: parameters, gradient: gradient, batch: batch, gradientScale: scale,
                                        workspace: ws)
        }
        // A large part, in chunks of `chunkRows` rows: each chunk's forward and backward pass read
        // its rows while they are still in cache (one pass over X from memory instead of two), and a
        // shuffled chunk is gathered into a buffer that stays in cache. Every chunk's ∂L/∂ŷ carries
        // the 1/B of the whole batch, so the chunks' parameter gradients add up to the batch's.
        let chunkBuffer = parallel.chunkGradient(part)
        var total = 0.0
        forEachChunk(of: batch) { chunk, first in
            if first {
                total += chunkLossAndGradient(parameters: parameters, gradient: gradient, batch: chunk,
                                              gradientScale: scale, workspace: ws)
            } else {
                total += chunkLossAndGradient(parameters: parameters, gradient: chunkBuffer, batch: chunk,
                                              gradientScale: scale, workspace: ws)
                BLAS.axpy(1, chunkBuffer.readOnly, gradient)
            }
        }
        return total
    }

    /// Calls `body` with consecutive pieces of `batch` of at most `chunkRows` samples, in order
    /// (and whether the piece is the first).
    @inline(__always)
    func forEachChunk(of batch: Batch, _ body: (Batch, Bool) -> Void) {
        let b = batch.count
        var start = 0
        while start < b {
            let end = Swift.min(start + chunkRows, b)
            body(batch.slice(start..<end), start == 0)
            start = end
        }
    }

    /// Σᵢ ℓᵢ (Σᵢ wᵢ·ℓᵢ with sample weights) over `batch` (not divided by its size), with the
    /// parameter gradient of `gradientScale` times that sum written into `gradient`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func chunkLossAndGradient(parameters: UnsafeBufferPointer<Scalar>, gradient: UnsafeMutableBufferPointer<Scalar>,
                              batch: Batch, gradientScale: Scalar, workspace: ModelWorkspace<Scalar>) -> Double {
        withBatch(batch, parameters: parameters, workspace: workspace) { input, target, output, weights in
            let outputGradient = workspace.outputGradientView(rows: input.rows)
            let value = loss.sum(prediction: output, target: target, gradient: outputGradient, gradientScale: gradientScale,
                                 weights: weights)
            model.backward(parameters: parameters, input: input, outputGradient: outputGradient.readOnly,
                           gradient: gradient, scratch: workspace.model)
            return value
        }
    }

    /// The mean loss over `batch` without the gradient (forward pass only): (1/B)·Σᵢ ℓᵢ, or
    /// (1/B)·Σᵢ wᵢ·ℓᵢ with sample weights, the value `lossAndGradient` returns.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func loss(parameters: UnsafeBufferPointer<Scalar>, batch: Batch) -> Double {
        precondition(batch.count >= 1 && batch.count <= maximumBatchSize,
                     "batch of \(batch.count) samples; the objective takes 1…\(maximumBatchSize)")
        var total = 0.0
        forEachChunk(of: batch) { chunk, _ in
            total += withBatch(chunk, parameters: parameters, workspace: workspace) { _, target, output, weights in
                loss.sum(prediction: output, target: target, gradient: nil, gradientScale: 1, weights: weights)
            }
        }
        return total / Double(batch.count)
    }

    /// Calls `body` with the start of the sample weights (one per row of X), or nil without them.
    @inline(__always)
    func withWeights<R>(_ body: (UnsafePointer<Scalar>?) -> R) -> R {
        guard let w = sampleWeights else { return body(nil) }
        return w.values.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    /// Resolves the batch to views of inputs and targets (and the batch's sample weights, gathered
    /// for a shuffled batch), runs the forward pass, and calls `body` with (input, target, output,
    /// weights or nil).
    func withBatch<R>(_ batch: Batch, parameters: UnsafeBufferPointer<Scalar>, workspace: ModelWorkspace<Scalar>,
                      _ body: (MatrixView<Scalar>, MatrixView<Scalar>, MatrixView<Scalar>, UnsafePointer<Scalar>?) -> R) -> R {
        precondition(parameters.count == parameterCount,
                     "parameters have \(parameters.count) elements but the model has \(parameterCount)")
        let b = batch.count
        precondition(b >= 1 && b <= workspace.maximumBatchSize,
                     "batch of \(b) samples; the objective takes 1…\(maximumBatchSize), in chunks of \(workspace.maximumBatchSize)")
        return x.withView { xAll in
            y.withView { yAll in
                withWeights { allWeights in
                    let input: MatrixView<Scalar>, target: MatrixView<Scalar>
                    var weights: UnsafePointer<Scalar>? = nil
                    switch batch {
                    case .rows(let r):
                        input = xAll.rows(r); target = yAll.rows(r)
                        weights = allWeights.map { $0 + r.lowerBound }
                    case .indices(let indices):
                        let gx = workspace.inputsView(rows: b), gy = workspace.targetsView(rows: b)
                        BLAS.gather(rows: indices, of: xAll, into: gx)
                        BLAS.gather(rows: indices, of: yAll, into: gy)
                        input = gx.readOnly; target = gy.readOnly
                        if let allWeights {
                            let gw = workspace.gatheredWeights.baseAddress!
                            for (j, i) in indices.enumerated() { gw[j] = allWeights[i] }
                            weights = UnsafePointer(gw)
                        }
                    }
                    let output = workspace.outputView(rows: b)
                    model.forward(parameters: parameters, input: input, output: output, scratch: workspace.model)
                    return body(input, target, output.readOnly, weights)
                }
            }
        }
    }

    // MARK: Evaluation and prediction

    /// Mean loss and metrics over the whole training set, weighted by its sample weights (if any).
    public func evaluate(parameters: UnsafeBufferPointer<Scalar>) -> Evaluation {
        evaluate(parameters: parameters, x: x, y: y, weights: sampleWeights)
    }

    /// Mean loss and metrics over another set with the same columns (e.g. the validation part),
    /// computed in chunks through the workspace. Classification losses keep one score per sample
    /// for ROC-AUC (binary): the buffer is allocated when a set larger than any before is evaluated.
    ///
    /// With `weights` (one per row of x) every metric is weighted as scikit-learn's metric
    /// functions weight by `sample_weight`, and the loss is the weighted mean Σᵢ wᵢ·ℓᵢ / Σᵢ wᵢ
    /// (as `log_loss(…, sample_weight=w)` and `mean_squared_error(…, sample_weight=w)` are);
    /// without them (or with all weights 1) it is (1/n)·Σᵢ ℓᵢ.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func evaluate(parameters: UnsafeBufferPointer<Scalar>, x: Matrix<Scalar>, y: Matrix<Scalar>,
                         weights: SampleWeights<Scalar>? = nil) -> Evaluation {
        let n = x.rows
        let w = Self.effective(weights, rows: n)
        let total = accumulateEvaluation(parameters: parameters, x: x, y: y, weights: w)
        guard n > 0 else { return Evaluation(sampleCount: 0, loss: .nan) }
        if loss.isClassification {
            let divisor = w == nil ? Double(n) : metrics.classification.weightSum
            return Evaluation(sampleCount: n, loss: total / divisor, classification: &metrics.classification)
        }
        let divisor = w == nil ? Double(n) : metrics.regression.weightSum
        return Evaluation(sampleCount: n, loss: total / divisor, regression: metrics.regression)
    }

    /// The evaluation of the union of every process's (x, y) (each process passes its own rows, e.g.
    /// its share of a validation set, and their `weights`): each process's loss sum and metric
    /// accumulators are gathered and merged in rank order, so every process gets the same
    /// `Evaluation`. For ROC-AUC every process's scores are gathered too (padded to the largest
    /// share), so the area is that of the whole set, exactly as on one process. A collective.
    public func evaluate(parameters: UnsafeBufferPointer<Scalar>, x: Matrix<Scalar>, y: Matrix<Scalar>,
                         weights: SampleWeights<Scalar>? = nil, over communicator: any Communicator) throws -> Evaluation {
        guard communicator.size > 1 else { return evaluate(parameters: parameters, x: x, y: y, weights: weights) }
        let w = Self.effective(weights, rows: x.rows)
        let total = accumulateEvaluation(parameters: parameters, x: x, y: y, weights: w)
        var regression = metrics.regression
        var classification = metrics.classification
        let classify = loss.isClassification
        // Whether any process has weights: then every process divides by the merged weight sum.
        let parts = try communicator.allGather([Double(x.rows), total, w == nil ? 0 : 1]
                                               + (classify ? classification.packed : regression.packed))
        let weighted = parts.contains { $0[2] != 0 }
        var n = 0, sum = 0.0
        var scoreParts: [[Double]] = []
        if classify && classification.isBinary {
            let mine = classification.packedScores
            let longest = parts.map { Int($0[0]) }.max()! * 3
            scoreParts = try communicator.allGather(mine + Array(repeating: 0, count: longest - mine.count))
        }
        regression.reset(); classification.reset()
        classification.reserveScores(parts.reduce(0) { $0 + Int($1[0]) })
        for (rank, part) in parts.enumerated() {
            n += Int(part[0]); sum += part[1]
            if classify {
                classification.merge(packed: part[3...])
                if !scoreParts.isEmpty { classification.mergeScores(packed: scoreParts[rank][0..<(3 * Int(part[0]))]) }
            } else {
                regression.merge(packed: part[3...])
            }
        }
        guard n > 0 else { return Evaluation(sampleCount: 0, loss: .nan) }
        if classify {
            let divisor = weighted ? classification.weightSum : Double(n)
            return Evaluation(sampleCount: n, loss: sum / divisor, classification: &classification)
        }
        return Evaluation(sampleCount: n, loss: sum / (weighted ? regression.weightSum : Double(n)), regression: regression)
    }

    /// The weights to evaluate with: nil for none or all 1 (the unweighted arithmetic).
    static func effective(_ weights: SampleWeights<Scalar>?, rows: Int) -> SampleWeights<Scalar>? {
        guard let weights, !weights.isUnit else { return nil }
        precondition(weights.count == rows, "evaluate: \(weights.count) sample weights for \(rows) rows")
        return weights
    }

    /// The loss summed over (x, y) (Σᵢ wᵢ·ℓᵢ with `weights`), with the metric accumulators filled
    /// in (reset first; weighted likewise).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func accumulateEvaluation(parameters: UnsafeBufferPointer<Scalar>, x: Matrix<Scalar>, y: Matrix<Scalar>,
                              weights: SampleWeights<Scalar>? = nil) -> Double {
        precondition(parameters.count == parameterCount,
                     "parameters have \(parameters.count) elements but the model has \(parameterCount)")
        precondition(x.rows == y.rows && x.cols == model.inputCount && y.cols == model.outputCount,
                     "evaluate: x is \(x.shape) and y is \(y.shape); the model is \(model.inputCount)→\(model.outputCount)")
        precondition(weights == nil || weights!.count == x.rows, "evaluate: \(weights?.count ?? 0) sample weights for \(x.rows) rows")
        let n = x.rows
        metrics.reset()
        guard n > 0 else { return 0 }
        if loss.isClassification { metrics.classification.reserveScores(n) }
        var total = 0.0
        let values = weights?.values ?? []
        values.withUnsafeBufferPointer { (allWeights: UnsafeBufferPointer<Scalar>) in
            x.withView { xAll in
                y.withView { yAll in
                    var start = 0
                    while start < n {
                        let r = start..<Swift.min(start + workspace.maximumBatchSize, n)
                        let output = workspace.outputView(rows: r.count)
                        let w: UnsafeBufferPointer<Scalar>? = weights == nil ? nil : UnsafeBufferPointer(rebasing: allWeights[r])
                        model.forward(parameters: parameters, input: xAll.rows(r), output: output, scratch: workspace.model)
                        total += loss.sum(prediction: output.readOnly, target: yAll.rows(r), gradient: nil, gradientScale: 1,
                                          weights: w?.baseAddress)
                        if loss.isClassification {
                            metrics.classification.add(logits: output.readOnly, target: yAll.rows(r), weights: w)
                        } else {
                            metrics.regression.add(prediction: output.readOnly, target: yAll.rows(r), weights: w)
                        }
                        start = r.upperBound
                    }
                }
            }
        }
        return total
    }

    /// Model outputs (raw: logits for classification losses) for every row of `x` into `output`.
    public func predict(parameters: UnsafeBufferPointer<Scalar>, x: MatrixView<Scalar>, into output: MutableMatrixView<Scalar>) {
        model.predict(parameters: parameters, x: x, into: output, workspace: workspace)
    }

    /// A validation evaluator for the training loop: the `Evaluation` of the given parameters on
    /// (x, y), evaluated through this objective's workspace (same thread only).
    /// For data-parallel training, `evaluate(parameters:x:y:over:)` inside a closure gives the
    /// combined evaluation instead.
    public func evaluator(x: Matrix<Scalar>, y: Matrix<Scalar>, weights: SampleWeights<Scalar>? = nil)
        -> (UnsafeBufferPointer<Scalar>) -> Evaluation {
        precondition(x.rows == y.rows && x.cols == model.inputCount && y.cols == model.outputCount,
                     "evaluator: x is \(x.shape) and y is \(y.shape); the model is \(model.inputCount)→\(model.outputCount)")
        precondition(weights == nil || weights!.count == x.rows, "evaluator: \(weights?.count ?? 0) sample weights for \(x.rows) rows")
        return { parameters in evaluate(parameters: parameters, x: x, y: y, weights: weights) }
    }

    // MARK: Array conveniences (tools and tests)

    /// `evaluate(parameters:)` for an array.
    public func evaluate(parameters: [Scalar]) -> Evaluation {
        parameters.withUnsafeBufferPointer { evaluate(parameters: $0) }
    }

    /// The evaluation on `data`, weighted by its sample weights (if any).
    public func evaluate(parameters: [Scalar], on data: Dataset<Scalar>) -> Evaluation {
        parameters.withUnsafeBufferPointer { evaluate(parameters: $0, x: data.x, y: data.y, weights: data.weights) }
    }

    /// The model's outputs for the rows of `x` at `parameters`.
    public func predict(parameters: [Scalar], x: Matrix<Scalar>) -> Matrix<Scalar> {
        var result = Matrix<Scalar>(rows: x.rows, cols: model.outputCount)
        parameters.withUnsafeBufferPointer { theta in
            x.withView { xv in result.withMutableView { predict(parameters: theta, x: xv, into: $0) } }
        }
        return result
    }
}

/// A parameter-sized buffer, allocated once (zero-filled) and freed with its owner.
final class ParameterScratch<Scalar: BLASScalar> {
    let buffer: UnsafeMutableBufferPointer<Scalar>
    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: 0)
    }
    deinit { buffer.deallocate() }
}

/// The metric accumulators of an objective, allocated once and reset per evaluation.
final class MetricAccumulators {
    var regression: RegressionMetrics
    var classification: ClassificationMetrics
    init(outputCount: Int) {
        regression = RegressionMetrics(outputCount: outputCount)
        classification = ClassificationMetrics(outputCount: outputCount)
    }
    func reset() { regression.reset(); classification.reset() }
}
