import LinearAlgebra
import Optimizers

/// The supervised objective L(θ) = (1/B)·Σᵢ ℓ(xᵢ·Wᵀ + b, yᵢ) of a `LinearModel` whose inputs are
/// the rows of a sparse (CSR) matrix, for every `Loss`: the same objective as `SupervisedObjective`
/// on the dense matrix, with the same parameter layout (W k × d out × in, then b), so every
/// optimizer, schedule, the training loop, the range test and the model file work on it unchanged.
///
/// Costs: the forward pass and the gradient's entries cost O(k · nnz of the batch). The gradient
/// buffer is dense (the optimizers update every coordinate), so each call also zeroes it: O(k·d).
/// The result equals the dense objective's to rounding (the products add the same terms, only the
/// stored ones; a dense row's zero entries add exact zeros).
///
/// A `.rows` batch reads its rows in place; an `.indices` batch reads each sample's row where it
/// is and gathers only its targets. All memory (outputs, loss derivatives, gathered targets, metric
/// accumulators) is allocated at construction: `lossAndGradient` does not allocate. One thread;
/// the buffers are shared by copies of the objective: use it from one thread at a time.
public struct SparseLinearObjective<Scalar: BLASScalar>: Objective {
    /// The training inputs.
    public let x: SparseMatrix<Scalar>
    /// The training targets.
    public let y: Matrix<Scalar>
    /// The linear model (its parameter layout is the objective's).
    public let model: LinearModel<Scalar>
    /// The per-sample loss.
    public let loss: Loss
    public let maximumBatchSize: Int
    let buffers: SparseObjectiveBuffers<Scalar>
    let metrics: MetricAccumulators

    /// Checks the data against the model and the loss (throws `TrainingDataError`, as
    /// `SupervisedObjective` does), then allocates the buffers for batches of up to
    /// `maximumBatchSize` rows.
    public init(x: SparseMatrix<Scalar>, y: Matrix<Scalar>, model: LinearModel<Scalar>, loss: Loss, maximumBatchSize: Int) throws {
        precondition(maximumBatchSize >= 1, "maximum batch size must be at least 1, got \(maximumBatchSize)")
        guard x.rows == y.rows else {
            throw TrainingDataError("inputs have \(x.rows) rows (\(x.shape)) but targets have \(y.rows) (\(y.shape))")
        }
        guard x.cols == model.inputCount else {
            throw TrainingDataError("the data has \(x.cols) input columns but the model (\(model.shape)) takes \(model.inputCount)")
        }
        guard y.cols == model.outputCount else {
            throw TrainingDataError("the data has \(y.cols) target columns but the model (\(model.shape)) has \(model.outputCount) outputs")
        }
        try loss.validate(targets: y)
        if let bad = x.values.withUnsafeBufferPointer({ FiniteCheck.firstNonFinite(in: $0) }) {
            throw TrainingDataError("input entry \(bad) (in storage order) is \(x.values[bad]); values must be finite")
        }
        self.x = x; self.y = y; self.model = model; self.loss = loss
        self.maximumBatchSize = Swift.min(maximumBatchSize, Swift.max(1, x.rows))
        buffers = SparseObjectiveBuffers(rows: Swift.min(self.maximumBatchSize, Self.evaluationChunk), outputs: model.outputCount)
        metrics = MetricAccumulators(outputCount: model.outputCount)
    }

    /// Rows per chunk of an evaluation, and of a batch larger than that.
    static var evaluationChunk: Int { 4096 }

    public var parameterCount: Int { model.parameterCount }
    public var sampleCount: Int { x.rows }
    /// The model's parameter groups ("layer0.weight", "layer0.bias").
    public var parameterGroups: [ParameterGroup] { model.parameterGroups }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func lossAndGradient(parameters: UnsafeBufferPointer<Scalar>,
                                         gradient: UnsafeMutableBufferPointer<Scalar>, batch: Batch) -> Double {
        precondition(parameters.count == parameterCount && gradient.count == parameterCount,
                     "the model has \(parameterCount) parameters; got \(parameters.count) parameters and \(gradient.count) gradient elements")
        gradient.update(repeating: 0)
        return accumulateLossAndGradient(parameters: parameters, gradient: gradient, batch: batch)
    }

    /// `lossAndGradient` into a gradient that is already zero wherever the batch touches it (the
    /// lazy trainer zeroes only the touched entries; `touchedCoordinates`).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func accumulateLossAndGradient(parameters: UnsafeBufferPointer<Scalar>, gradient: UnsafeMutableBufferPointer<Scalar>,
                                   batch: Batch) -> Double {
        let b = batch.count
        precondition(b >= 1 && b <= maximumBatchSize, "batch of \(b) samples; the objective takes 1…\(maximumBatchSize)")
        let scale = 1 / Scalar(b)
        var total = 0.0
        var start = 0
        while start < b {
            let part = batch.slice(start..<Swift.min(b, start + buffers.rows))
            total += chunk(parameters: parameters, batch: part) { prediction, target in
                let delta = buffers.deltaView(rows: part.count)
                let sum = loss.sum(prediction: prediction, target: target, gradient: delta, gradientScale: scale)
                accumulateGradient(delta.readOnly, batch: part, into: gradient)
                return sum
            }
            start += part.count
        }
        return total / Double(b)
    }

    /// Runs the forward pass of `batch` (at most `buffers.rows` samples) into the output buffer,
    /// gathers its targets when they are not consecutive, and gives both to `body`.
    @inline(__always)
    func chunk(parameters: UnsafeBufferPointer<Scalar>, batch: Batch,
               _ body: (_ prediction: MatrixView<Scalar>, _ target: MatrixView<Scalar>) -> Double) -> Double {
        let (d, k, n) = (model.inputCount, model.outputCount, batch.count)
        let output = buffers.output.baseAddress!
        let bias = model.biasRange.map { parameters.baseAddress! + $0.lowerBound }
        let w = parameters.baseAddress!
        x.allRows.withUnsafeStorage { starts, columns, values in
            var r = 0
            for i in batch {
                let row = output + r * k
                for o in 0..<k {
                    let wo = w + o * d
                    var s: Scalar = bias?[o] ?? 0
                    for t in starts[i]..<starts[i + 1] { s += wo[Int(columns[t])] * values[t] }
                    row[o] = s
                }
                r += 1
            }
        }
        return y.withView { yAll in
            let target: MatrixView<Scalar>
            switch batch {
            case .rows(let range): target = yAll.rows(range)
            case .indices(let indices):
                let gathered = buffers.targets.baseAddress!
                for (r, i) in indices.enumerated() {
                    precondition(i >= 0 && i < y.rows, "batch index \(i) outside 0..<\(y.rows)")
                    for o in 0..<k { gathered[r * k + o] = yAll[i, o] }
                }
                target = MatrixView(UnsafePointer(gathered), rows: n, cols: k)
            }
            return body(MatrixView(UnsafePointer(output), rows: n, cols: k), target)
        }
    }

    /// G[o, j] += Σᵢ δᵢₒ·xᵢⱼ over the stored entries of the batch's rows, and ∂b_o += Σᵢ δᵢₒ.
    @inline(__always)
    func accumulateGradient(_ delta: MatrixView<Scalar>, batch: Batch, into gradient: UnsafeMutableBufferPointer<Scalar>) {
        let (d, k) = (model.inputCount, model.outputCount)
        let g = gradient.baseAddress!
        let biasGradient = model.biasRange.map { g + $0.lowerBound }
        x.allRows.withUnsafeStorage { starts, columns, values in
            var r = 0
            for i in batch {
                for o in 0..<k {
                    let e = delta[r, o]
                    let go = g + o * d
                    for t in starts[i]..<starts[i + 1] { go[Int(columns[t])] += e * values[t] }
                    biasGradient?[o] += e
                }
                r += 1
            }
        }
    }

    // MARK: Evaluation and prediction

    /// Mean loss and metrics over the training set.
    public func evaluate(parameters: UnsafeBufferPointer<Scalar>) -> Evaluation {
        evaluate(parameters: parameters, x: x, y: y)
    }

    /// Mean loss and metrics of the model over another sparse set with the same columns (e.g. the
    /// validation part), as `SupervisedObjective.evaluate` computes them on dense rows.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func evaluate(parameters: UnsafeBufferPointer<Scalar>, x: SparseMatrix<Scalar>, y: Matrix<Scalar>) -> Evaluation {
        precondition(x.rows == y.rows && x.cols == model.inputCount && y.cols == model.outputCount,
                     "evaluate: x is \(x.shape) and y is \(y.shape); the model is \(model.inputCount)→\(model.outputCount)")
        let n = x.rows
        guard n > 0 else { return Evaluation(sampleCount: 0, loss: .nan) }
        metrics.reset()
        if loss.isClassification { metrics.classification.reserveScores(n) }
        let other = SparseLinearObjective(evaluating: x, y: y, sharing: self)
        var total = 0.0
        var start = 0
        while start < n {
            let r = start..<Swift.min(n, start + buffers.rows)
            total += other.chunk(parameters: parameters, batch: .rows(r)) { prediction, target in
                if loss.isClassification {
                    metrics.classification.add(logits: prediction, target: target, weights: nil)
                } else {
                    metrics.regression.add(prediction: prediction, target: target, weights: nil)
                }
                return loss.sum(prediction: prediction, target: target, gradient: nil, gradientScale: 1)
            }
            start = r.upperBound
        }
        if loss.isClassification { return Evaluation(sampleCount: n, loss: total / Double(n), classification: &metrics.classification) }
        return Evaluation(sampleCount: n, loss: total / Double(n), regression: metrics.regression)
    }

    /// This objective's model, loss and buffers over other data (no checks: `evaluate` made them).
    private init(evaluating x: SparseMatrix<Scalar>, y: Matrix<Scalar>, sharing other: SparseLinearObjective) {
        self.x = x; self.y = y; model = other.model; loss = other.loss
        maximumBatchSize = other.maximumBatchSize; buffers = other.buffers; metrics = other.metrics
    }

    /// A validation evaluator for the training loop over (x, y) (same thread only).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func evaluator(x: SparseMatrix<Scalar>, y: Matrix<Scalar>) -> (UnsafeBufferPointer<Scalar>) -> Evaluation {
        precondition(x.rows == y.rows && x.cols == model.inputCount && y.cols == model.outputCount,
                     "evaluator: x is \(x.shape) and y is \(y.shape); the model is \(model.inputCount)→\(model.outputCount)")
        return { parameters in evaluate(parameters: parameters, x: x, y: y) }
    }

    /// Array convenience of `evaluate(parameters:)`.
    public func evaluate(parameters: [Scalar]) -> Evaluation {
        parameters.withUnsafeBufferPointer { evaluate(parameters: $0) }
    }

    /// Array convenience of `evaluate(parameters:x:y:)`.
    public func evaluate(parameters: [Scalar], x: SparseMatrix<Scalar>, y: Matrix<Scalar>) -> Evaluation {
        parameters.withUnsafeBufferPointer { evaluate(parameters: $0, x: x, y: y) }
    }
}

/// The outputs, loss derivatives and gathered targets of up to `rows` samples (one allocation,
/// freed with the last copy of the objective).
final class SparseObjectiveBuffers<Scalar: BLASScalar> {
    let rows: Int
    let outputs: Int
    let output: UnsafeMutableBufferPointer<Scalar>
    let delta: UnsafeMutableBufferPointer<Scalar>
    let targets: UnsafeMutableBufferPointer<Scalar>
    private let storage: UnsafeMutableBufferPointer<Scalar>

    init(rows: Int, outputs: Int) {
        self.rows = rows; self.outputs = outputs
        let n = rows * outputs
        storage = .allocate(capacity: 3 * n)
        storage.initialize(repeating: 0)
        output = UnsafeMutableBufferPointer(rebasing: storage[0..<n])
        delta = UnsafeMutableBufferPointer(rebasing: storage[n..<(2 * n)])
        targets = UnsafeMutableBufferPointer(rebasing: storage[(2 * n)..<(3 * n)])
    }

    func deltaView(rows r: Int) -> MutableMatrixView<Scalar> { MutableMatrixView(delta.baseAddress, rows: r, cols: outputs) }

    deinit { storage.deallocate() }
}
