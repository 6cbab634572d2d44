import Descent

/// Relative-or-absolute closeness: `|a − b| ≤ tol · max(1, |a|, |b|)`.
public func isClose<T: BinaryFloatingPoint>(_ a: T, _ b: T, tol: T) -> Bool {
    if a == b { return true }
    guard a.isFinite && b.isFinite else { return false }
    return abs(a - b) <= tol * max(1, max(abs(a), abs(b)))
}

/// The largest element-wise difference, scaled as in `isClose` (0 when equal).
public func maxScaledDifference<T: BinaryFloatingPoint>(_ a: [T], _ b: [T]) -> T {
    precondition(a.count == b.count, "compared arrays have \(a.count) and \(b.count) elements")
    var worst: T = 0
    for (x, y) in zip(a, b) {
        if x == y { continue }
        if !x.isFinite || !y.isFinite { return .infinity }
        worst = max(worst, abs(x - y) / max(1, max(abs(x), abs(y))))
    }
    return worst
}

public func allClose<T: BinaryFloatingPoint>(_ a: [T], _ b: [T], tol: T) -> Bool {
    a.count == b.count && maxScaledDifference(a, b) <= tol
}

/// Tolerances per precision for results of BLAS calls on O(1) data with short inner dimensions.
public func blasTolerance<T: BLASScalar>(_: T.Type) -> T {
    T.self == Float.self ? T(1e-5) : T(1e-12)
}

/// A reproducible matrix of uniform values in [-1, 1).
public func randomMatrix<T: BLASScalar>(_ rows: Int, _ cols: Int, seed: UInt64, as: T.Type = T.self) -> Matrix<T> {
    var g = SeededGenerator(seed: seed)
    return Matrix(rows: rows, cols: cols) { _, _ in T(2 * g.nextUnit() - 1) }
}

public func randomVector<T: BLASScalar>(_ n: Int, seed: UInt64, as: T.Type = T.self) -> [T] {
    var g = SeededGenerator(seed: seed)
    return (0..<n).map { _ in T(2 * g.nextUnit() - 1) }
}
