import LinearAlgebra

/// The memory a multi-threaded batch needs beyond the objective's own workspace, allocated once:
/// the worker pool, a gradient partial for every part but the first (part 0 writes the caller's
/// gradient), a cache-line-padded loss slot per part, 2k scalars of scratch per part for the fused
/// kernel, and, for models on the batched path, a `ModelWorkspace` and a chunk gradient per part.
final class ParallelWorkspace<Scalar: BLASScalar> {
    let threadCount: Int
    /// nil with one thread.
    let pool: WorkerPool?
    let parameterCount: Int
    /// Elements between consecutive partials (rounded up to 64 bytes so parts never share a line).
    let partialStride: Int
    let partials: UnsafeMutableBufferPointer<Scalar>
    /// Part p's loss sum is `losses[p * lossStride]`.
    let losses: UnsafeMutablePointer<Double>
    static var lossStride: Int { 8 }
    let scratchStride: Int
    let scratchMemory: UnsafeMutableBufferPointer<Scalar>
    /// Index 0 is the objective's own workspace; empty on the fused path.
    let workspaces: [ModelWorkspace<Scalar>]
    let chunkGradients: [ParameterScratch<Scalar>]
    /// The job a batch's parts run as (made once: see `ObjectivePartJob`).
    private(set) var partJob: ObjectivePartJob<Scalar>! = nil

    init(threads: Int, model: any Model<Scalar>, partRows: Int, needsModelWorkspaces: Bool,
         main: ModelWorkspace<Scalar>, mainChunk: ParameterScratch<Scalar>) throws {
        threadCount = threads
        pool = threads > 1 ? try WorkerPool(threads: threads) : nil
        parameterCount = model.parameterCount
        let perLine = Swift.max(1, 64 / MemoryLayout<Scalar>.stride)
        partialStride = (parameterCount + perLine - 1) / perLine * perLine
        partials = .allocate(capacity: Swift.max(1, (threads - 1) * partialStride))
        partials.initialize(repeating: 0)
        losses = .allocate(capacity: threads * Self.lossStride)
        losses.initialize(repeating: 0, count: threads * Self.lossStride)
        scratchStride = (2 * model.outputCount + perLine - 1) / perLine * perLine
        scratchMemory = .allocate(capacity: threads * scratchStride)
        scratchMemory.initialize(repeating: 0)
        if needsModelWorkspaces {
            workspaces = [main] + (1..<threads).map { _ in ModelWorkspace(model: model, maximumBatchSize: partRows) }
            chunkGradients = [mainChunk] + (1..<threads).map { _ in ParameterScratch(count: model.parameterCount) }
        } else {
            workspaces = []; chunkGradients = []
        }
        partJob = ObjectivePartJob(parallel: self)
    }

    deinit {
        partials.deallocate(); losses.deallocate(); scratchMemory.deallocate()
    }

    /// Part p's gradient partial (p ≥ 1).
    @inline(__always)
    func partial(_ p: Int) -> UnsafeMutableBufferPointer<Scalar> {
        UnsafeMutableBufferPointer(rebasing: partials[((p - 1) * partialStride)..<((p - 1) * partialStride + parameterCount)])
    }

    @inline(__always)
    func scratch(_ p: Int) -> UnsafeMutablePointer<Scalar> { scratchMemory.baseAddress! + p * scratchStride }

    @inline(__always)
    func workspace(_ p: Int) -> ModelWorkspace<Scalar> { workspaces[p] }

    @inline(__always)
    func chunkGradient(_ p: Int) -> UnsafeMutableBufferPointer<Scalar> { chunkGradients[p].buffer }
}
