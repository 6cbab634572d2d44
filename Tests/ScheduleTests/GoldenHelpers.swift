import Testing
import Descent

/// Parses one fixture series (space-separated Double literals, exact round trip).
func series(_ text: String) -> [Double] {
    text.split(separator: " ").map { Double(String($0))! }
}

/// |a − b| / max(|a|, |b|): relative, with no absolute floor (0 must match 0 exactly).
/// Equal values (including equal infinities) differ by 0; any other pair where either side is
/// not finite (NaN, or an infinity against a different value) differs by `.infinity`, so a
/// schedule that returns NaN can never pass a tolerance check.
func relativeDifference(_ a: Double, _ b: Double) -> Double {
    if a == b { return 0 }
    guard a.isFinite, b.isFinite else { return .infinity }
    return abs(a - b) / max(abs(a), abs(b))
}

/// The worst relative difference between a schedule's rates (or momenta) over steps
/// 0..<expected.count and the expected series, with the first step where it occurs
/// (-1 for an empty series).
func worstDifference(_ expected: [Double], _ value: (Int) throws -> Double) rethrows -> (Double, Int) {
    var worst = 0.0, at = -1
    for (step, e) in expected.enumerated() {
        let d = relativeDifference(try value(step), e)
        if at < 0 || d > worst { worst = d; at = step }
    }
    return (worst, at)
}
