import Testing
import Descent

/// The mean loss `SparseLinearSGD.epoch` returns without a loss buffer (the logistic loss's log1p
/// terms summed as the logarithm of a product, folded when it grows large) against the plain mean
/// of the per-step losses the same epoch writes into a buffer (each ℓ with its own log1p), from
/// the same start on the same rows. 3000 rows from zero weights fold the product several times
/// (each factor is about 2 while the predictions are near 0).
struct SparseEpochMeanLossTests {
    static func data<T: BLASScalar>(_: T.Type) throws -> (SparseMatrix<T>, [T]) {
        var g = SeededGenerator(seed: 16)
        let (rows, features, perRow) = (3000, 200, 12)
        var starts = [0], cols: [Int32] = [], vals: [T] = [], y: [T] = []
        for _ in 0..<rows {
            let picked = Set((0..<perRow).map { _ in Int32(g.next() % UInt64(features)) }).sorted()
            cols += picked
            vals += picked.map { _ in T(g.nextUnit() * 2 - 1) }
            starts.append(cols.count)
            y.append(g.next() % 2 == 0 ? 0 : 1)
        }
        return (try SparseMatrix(rows: rows, cols: features, rowStarts: starts, columnIndices: cols, values: vals), y)
    }

    func check<T: BLASScalar>(_: T.Type, loss: Loss, tolerance: Double) throws {
        let (x, y) = try Self.data(T.self)
        func model() throws -> SparseLinearSGD<T> {
            try SparseLinearSGD<T>(features: x.cols, loss: loss, learningRate: .constant(0.05), weightDecay: 1e-3)
        }
        let (plain, buffered) = (try model(), try model())
        var losses = [Double](repeating: .nan, count: x.rows)
        for epoch in 0..<3 {
            let mean = plain.epoch(x, targets: y)
            let bufferedMean = losses.withUnsafeMutableBufferPointer { buffered.epoch(x, targets: y, losses: $0) }
            let reference = losses.reduce(0, +) / Double(x.rows)
            #expect(reference.isFinite && reference > 0)
            #expect(abs(mean - reference) <= tolerance * reference, "\(loss) \(T.self) epoch \(epoch): \(mean) vs \(reference)")
            #expect(abs(bufferedMean - reference) <= 1e-15 * reference)
        }
        #expect(plain.weights == buffered.weights && plain.intercept == buffered.intercept)
    }

    @Test func logisticInDouble() throws { try check(Double.self, loss: .binaryLogistic, tolerance: 1e-13) }
    @Test func logisticInFloat() throws { try check(Float.self, loss: .binaryLogistic, tolerance: 1e-6) }
    @Test func squaredErrorInDouble() throws { try check(Double.self, loss: .squaredError, tolerance: 1e-15) }
}
