import CKernels
import LinearAlgebra

/// The loops `MachineLimits` times, with their buffers allocated once (nothing is allocated while
/// timing). The streaming read is a plain sum in C (`descent_limit_sum`, limits.c: built for
/// AVX-512/AVX2/baseline); shuffled rows are consumed by `RowKernels.dot` (the fused training
/// kernel's own C dot product), so that they are read as the training step reads them, with none
/// of its other arithmetic.
final class LimitKernels {
    /// The streaming read's unit: the array is a whole number of these (16 KiB), and parts split it
    /// at block boundaries.
    static let blockLength = 4096
    /// Per-part results, one 64-byte line apart (parts never share a cache line).
    static let sinkStride = 16

    /// Ones, as long as the widest row (the vector every row is dotted with).
    let ones: UnsafeMutableBufferPointer<Float>
    let sink: UnsafeMutableBufferPointer<Float>

    init(threads: Int, vectorLength: Int) {
        ones = .allocate(capacity: Swift.max(1, vectorLength))
        ones.initialize(repeating: 1)
        sink = .allocate(capacity: Swift.max(1, threads) * Self.sinkStride)
        sink.initialize(repeating: 0)
    }

    deinit { ones.deallocate(); sink.deallocate() }

    /// Sums `blocks` blocks of `blockLength` floats from `base` in `parts` contiguous slices, one per thread.
    func streamingSum(_ base: UnsafePointer<Float>, blocks: Int, parts: Int, pool: WorkerPool) {
        let sink = self.sink.baseAddress!, length = Self.blockLength
        pool.run(parts: parts) { p in
            let first = p * blocks / parts, end = (p + 1) * blocks / parts
            sink[p * Self.sinkStride] = descent_limit_sum(base + first * length, (end - first) * length)
        }
    }

    /// Reads the rows `order[0..<count]` of the row-major array at `base` (rows of `rowLength`
    /// floats), in that order, in place: per row a dot product with a vector of ones, the row
    /// `prefetchDistance` positions ahead prefetched first (as `FusedLinearGradient` does). Part p of
    /// `parts` takes the p-th contiguous slice of the order.
    func shuffledRows(_ base: UnsafePointer<Float>, rowLength: Int, order: UnsafePointer<Int>, count: Int,
                      prefetchDistance: Int, parts: Int, pool: WorkerPool) {
        let ones = UnsafePointer(self.ones.baseAddress!), sink = self.sink.baseAddress!
        let rowBytes = rowLength * MemoryLayout<Float>.stride
        pool.run(parts: parts) { p in
            let first = p * count / parts, end = (p + 1) * count / parts
            var total: Float = 0
            for i in first..<end {
                if i + prefetchDistance < end {
                    BLAS.prefetch(UnsafeRawPointer(base + order[i + prefetchDistance] * rowLength), bytes: rowBytes)
                }
                total += RowKernels.dot(base + order[i] * rowLength, ones, rowLength)
            }
            sink[p * Self.sinkStride] = total
        }
    }
}
