import Testing
import Descent

/// Parses one fixture series (space-separated Double literals, exact round trip).
func series(_ text: String) -> [Double] {
    text.split(separator: " ").map { Double(String($0))! }
}

/// |a − b| ≤ tol · max(|a|, |b|): relative, with no absolute floor (0 must match 0 exactly).
func relativeDifference(_ a: Double, _ b: Double) -> Double {
    if a == b { return 0 }
    return abs(a - b) / max(abs(a), abs(b))
}

/// The worst relative difference between a schedule's rates (or momenta) over steps
/// 0..<expected.count and the expected series, with the step where it occurs.
func worstDifference(_ expected: [Double], metrics: [Double] = [], _ value: (Int) throws -> Double) rethrows -> (Double, Int) {
    var worst = 0.0, at = -1
    for (step, e) in expected.enumerated() {
        let d = relativeDifference(try value(step), e)
        if d > worst || at < 0 { if d >= worst { worst = d; at = step } }
    }
    return (worst, at)
}
