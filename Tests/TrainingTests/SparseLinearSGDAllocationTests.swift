import Testing
import Descent
import _AllocationCounter

/// An epoch of `SparseLinearSGD` allocates nothing (buffers are allocated at initialisation):
/// scaled w = s·v with renormalisation, lazy momentum (constant and per-step rates), the dense-momentum fallback and averaging.
@Suite(.enabled(if: descent_allocations_supported() != 0, "allocations are only counted with glibc's malloc"))
struct SparseLinearSGDAllocationTests {
    @Test(arguments: 0..<5)
    func epochDoesNotAllocate(_ variant: Int) throws {
        let data = SparseLinearSGDTests.Data()
        let sgd: SparseLinearSGD<Double>
        switch variant {
        case 0: sgd = try SparseLinearSGD(features: data.features, loss: .huber(delta: 1), learningRate: .constant(0.45), weightDecay: 0.9)
        case 1: sgd = try SparseLinearSGD(features: data.features, loss: .binaryLogistic, learningRate: .constant(0.1),
                                          weightDecay: 0.1, momentum: 0.9)
        case 2: sgd = try SparseLinearSGD(features: data.features, loss: .squaredError, learningRate: .perStep { 0.05 / Double($0 + 1) },
                                          weightDecay: 0.1, momentum: 0.5)
        case 3: sgd = try SparseLinearSGD(features: data.features, loss: .squaredError, learningRate: .perStep { 0.05 / Double($0 + 1) },
                                          weightDecay: 0.1, momentum: 0.5, lazyScheduledMomentum: false)
        default: sgd = try SparseLinearSGD(features: data.features, loss: .squaredError, learningRate: .constant(0.45),
                                           weightDecay: 0.9, averaging: SparseAveraging(gamma: 8, start: 3))
        }
        let targets = variant == 1 ? data.labels : data.regressionTargets
        var losses = [Double](repeating: 0, count: data.rows)
        let count = data.rowStarts.withUnsafeBufferPointer { rs in data.columns.withUnsafeBufferPointer { cols in
            data.values.withUnsafeBufferPointer { vals in targets.withUnsafeBufferPointer { ys in
                losses.withUnsafeMutableBufferPointer { ls in
                    _ = sgd.epoch(rowStarts: rs, columns: cols, values: vals, targets: ys, losses: ls)      // warm-up
                    descent_allocations_start()
                    for _ in 0..<3 { _ = sgd.epoch(rowStarts: rs, columns: cols, values: vals, targets: ys, losses: ls) }
                    return descent_allocations_stop()
                } } } } }
        #expect(count == 0, "variant \(variant): \(count) allocations in 3 epochs")
    }
}
