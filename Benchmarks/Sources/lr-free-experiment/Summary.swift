import Foundation

/// Median, minimum and maximum over seeds.
struct Spread {
    let median: Double, min: Double, max: Double

    init(_ values: [Double]) {
        let s = values.sorted { a, b in
            // NaN sorts last so that it never hides as the median of finite runs.
            a.isNaN ? false : (b.isNaN ? true : a < b)
        }
        median = s.isEmpty ? .nan : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
        min = s.first ?? .nan
        max = s.last ?? .nan
    }
}

/// A row of a result table: one method (at one setting) over all seeds.
struct Row {
    let method: String
    let setting: String
    let runs: [RunOutcome]

    var divergedCount: Int { runs.filter(\.diverged).count }
    /// The selection score: a diverged run counts as +∞.
    var validationScores: [Double] { runs.map { $0.diverged || !$0.validationRMSE.isFinite ? .infinity : $0.validationRMSE } }
    var medianScore: Double { Spread(validationScores).median }
}

/// Number formatting for the tables (3 significant digits; exponent form when small or large).
func fmt(_ x: Double) -> String {
    if x.isNaN { return "—" }
    if x.isInfinite { return x > 0 ? "∞" : "−∞" }
    if x != 0 && (abs(x) < 1e-3 || abs(x) >= 1e5) { return String(format: "%.2e", x) }
    return String(format: "%.3g", x)
}

func fmtRange(_ s: Spread) -> String { "\(fmt(s.median)) [\(fmt(s.min))–\(fmt(s.max))]" }

func fmtRate(_ x: Double) -> String { String(format: "%.3g", x) }
