import Foundation

/// Why a run that ended without a non-finite value still did not learn, as one line for the user:
/// what was seen, the likely cause and the fix. Checked after the final evaluation:
/// - the final training loss is above the first epoch's (mean batch loss);
/// - the training R² is below 0 (worse than predicting the mean; regression losses only);
/// - the largest weight grew by more than `growthFactor` (10⁶) over max(1, the largest at the start).
public struct RunWarning: Sendable, Equatable, CustomStringConvertible {
    /// What was seen, each a short clause.
    public var findings: [String]
    /// The likely cause and what to try.
    public var advice: String

    /// How many times the largest weight may grow over max(1, the largest at the start) before the run warns
    /// (10⁶).
    public static var growthFactor: Double { 1e6 }

    public var description: String { "this run did not learn: " + findings.joined(separator: "; ") + ". " + advice }

    /// max |xᵢ| (0 for none), in one pass without intermediate arrays.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func largestMagnitude<Scalar: BLASScalar>(_ x: [Scalar]) -> Double {
        var m: Scalar = 0
        for v in x where Swift.abs(v) > m { m = Swift.abs(v) }
        return Double(m)
    }

    /// The warning for a run's outcome, nil when none of the checks fires.
    public static func check<Scalar: BLASScalar>(firstEpochLoss: Double?, final: Evaluation, initial: [Scalar], parameters: [Scalar],
                                                 standardized: Bool, isClassification: Bool) -> RunWarning? {
        var findings: [String] = []
        if let first = firstEpochLoss, first.isFinite, final.loss > first {
            findings.append("the training loss ended at \(short(final.loss)), above its first epoch's \(short(first))")
        }
        if !isClassification, let r2 = final.r2, r2 < 0 {
            findings.append("the training R² is \(short(r2)), worse than predicting the mean")
        }
        let start = largestMagnitude(initial), end = largestMagnitude(parameters)
        if end > growthFactor * Swift.max(1, start) {
            findings.append("the largest weight grew to \(short(end)) from \(short(start))")
        }
        guard !findings.isEmpty else { return nil }
        let advice = standardized
            ? "The learning rate is probably too high: try a lower --lr, or `descent lr-find` to choose one."
            : "Features (or targets) on very different scales make SGD unstable: try --standardize all, a lower --lr, or `descent lr-find`."
        return RunWarning(findings: findings, advice: advice)
    }

    /// Three significant digits ("2.08e+25", "0.006").
    static func short(_ x: Double) -> String { String(format: "%.3g", x) }
}
