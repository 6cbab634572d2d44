import LinearAlgebra

/// Scratch memory for one model and batches of up to `maximumBatchSize` rows, allocated once at
/// construction (one block, zero-filled) and never resized, so forward/backward/loss calls that use
/// it do not allocate. Slices: the model's scratch, the batch output ŷ and its gradient ∂L/∂ŷ
/// (B × k each), and gather buffers for shuffled batches of inputs (B × d), targets (B × k) and
/// sample weights (B).
///
/// Copies of a struct holding a workspace share it: use one workspace from one thread at a time.
public final class ModelWorkspace<Scalar: BLASScalar> {
    /// The largest batch the workspace holds.
    public let maximumBatchSize: Int
    /// d, the model's inputs.
    public let inputCount: Int
    /// k, the model's outputs.
    public let outputCount: Int
    let memory: UnsafeMutableBufferPointer<Scalar>
    /// The model's scratch (`scratchCount(batchSize: maximumBatchSize)` elements).
    public let model: UnsafeMutableBufferPointer<Scalar>
    let output: UnsafeMutableBufferPointer<Scalar>
    let outputGradient: UnsafeMutableBufferPointer<Scalar>
    let gatheredInputs: UnsafeMutableBufferPointer<Scalar>
    let gatheredTargets: UnsafeMutableBufferPointer<Scalar>
    let gatheredWeights: UnsafeMutableBufferPointer<Scalar>

    /// Scratch for `m` and batches of up to `maximumBatchSize` (≥ 1) rows.
    public init(model m: some Model<Scalar>, maximumBatchSize: Int) {
        precondition(maximumBatchSize >= 1, "maximum batch size must be at least 1, got \(maximumBatchSize)")
        self.maximumBatchSize = maximumBatchSize
        self.inputCount = m.inputCount
        self.outputCount = m.outputCount
        let sizes = [m.scratchCount(batchSize: maximumBatchSize),
                     maximumBatchSize * m.outputCount, maximumBatchSize * m.outputCount,
                     maximumBatchSize * m.inputCount, maximumBatchSize * m.outputCount, maximumBatchSize]
        memory = .allocate(capacity: sizes.reduce(0, +))
        memory.initialize(repeating: 0)
        var slices: [UnsafeMutableBufferPointer<Scalar>] = []
        var offset = 0
        for s in sizes {
            slices.append(UnsafeMutableBufferPointer(rebasing: memory[offset..<(offset + s)]))
            offset += s
        }
        (model, output, outputGradient, gatheredInputs, gatheredTargets) = (slices[0], slices[1], slices[2], slices[3], slices[4])
        gatheredWeights = slices[5]
    }

    deinit { memory.deallocate() }

    /// Start of the single allocation (tests check that it never changes).
    public var baseAddress: UnsafeRawPointer? { memory.baseAddress.map { UnsafeRawPointer($0) } }

    func outputView(rows: Int) -> MutableMatrixView<Scalar> {
        MutableMatrixView(output, rows: rows, cols: outputCount)
    }
    func outputGradientView(rows: Int) -> MutableMatrixView<Scalar> {
        MutableMatrixView(outputGradient, rows: rows, cols: outputCount)
    }
    func inputsView(rows: Int) -> MutableMatrixView<Scalar> {
        MutableMatrixView(gatheredInputs, rows: rows, cols: inputCount)
    }
    func targetsView(rows: Int) -> MutableMatrixView<Scalar> {
        MutableMatrixView(gatheredTargets, rows: rows, cols: outputCount)
    }
}
