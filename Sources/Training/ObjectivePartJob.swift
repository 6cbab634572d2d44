import LinearAlgebra

/// The parts of one multi-threaded batch of `SupervisedObjective.lossAndGradient`, as a
/// `WorkerPoolJob`: made once with the objective's `ParallelWorkspace`, its inputs set before each
/// run, so that handing a batch to the pool allocates nothing. Part p takes rows
/// ⌊p·b/parts⌋ ..< ⌊(p+1)·b/parts⌋ of the batch, writes its gradient into the caller's buffer
/// (p = 0) or its partial, and its loss sum into its loss slot.
final class ObjectivePartJob<Scalar: BLASScalar>: WorkerPoolJob {
    /// The workspace that owns this job (it outlives it).
    unowned(unsafe) let parallel: ParallelWorkspace<Scalar>
    /// Valid only during `WorkerPool.run`.
    var objective: UnsafePointer<SupervisedObjective<Scalar>>? = nil
    var parameters = UnsafeBufferPointer<Scalar>(start: nil, count: 0)
    var gradient = UnsafeMutableBufferPointer<Scalar>(start: nil, count: 0)
    var batch = Batch.rows(0..<0)
    var parts = 1
    var gradientScale: Scalar = 1

    init(parallel: ParallelWorkspace<Scalar>) { self.parallel = parallel }

    func runPart(_ p: Int) {
        let b = batch.count
        let range = (p * b / parts)..<((p + 1) * b / parts)
        let g = p == 0 ? gradient : parallel.partial(p)
        parallel.losses[p * ParallelWorkspace<Scalar>.lossStride] = objective!.pointee.partLossAndGradient(
            parameters: parameters, gradient: g, batch: batch.slice(range), part: p, gradientScale: gradientScale)
    }
}
