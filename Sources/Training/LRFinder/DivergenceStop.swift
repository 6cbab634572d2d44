/// The range test's stop rule (Gugger 2018; fastai `LRFinder.after_batch`): after recording the
/// smoothed loss s_k of update k (0-based), stop when
///
///     k ≥ 1  and  s_k > threshold · min(s_0 … s_{k−1}),      default threshold 4
///
/// (torch-lr-finder uses 5), or as soon as the raw or smoothed loss is not finite (NaN or ±inf:
/// nothing later can be trusted). The point that triggers the stop is recorded; no update is taken
/// at its rate. Losses are assumed non-negative (with a negative best the ratio test means nothing).
public struct DivergenceStop: Sendable, Equatable, Codable {
    /// The factor over the best smoothed loss that stops the test.
    public var threshold: Double
    /// The best smoothed loss so far.
    public private(set) var best = Double.infinity

    /// Throws when the threshold is not above 1.
    public init(threshold: Double = 4) throws {
        guard threshold.isFinite, threshold > 1 else { throw LRFinderError("divergence threshold must be above 1, got \(threshold)") }
        self.threshold = threshold
    }

    /// Feeds update k's raw and smoothed loss; returns true when the test must stop here.
    public mutating func shouldStop(raw: Double, smoothed: Double) -> Bool {
        if !raw.isFinite || !smoothed.isFinite { return true }
        if best.isFinite && smoothed > threshold * best { return true }
        best = Swift.min(best, smoothed)
        return false
    }

    /// The index at which a test over these sequences stops, or nil when it runs to the end.
    public static func stopIndex(raw: [Double], smoothed: [Double], threshold: Double = 4) throws -> Int? {
        precondition(raw.count == smoothed.count, "raw losses have \(raw.count) entries, smoothed \(smoothed.count)")
        var rule = try DivergenceStop(threshold: threshold)
        return raw.indices.first { rule.shouldStop(raw: raw[$0], smoothed: smoothed[$0]) }
    }
}
