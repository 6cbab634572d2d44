import LinearAlgebra

/// A rule that reads a learning rate off a range test's curve.
public enum LRSuggestionRule: String, Sendable, Codable, CaseIterable {
    /// The default of `--lr auto` and `lr-find`: the three rules below read together (see
    /// `LRConsensus`): valley when it lies where the loss falls clearly, with a note when the rules
    /// disagree by more than 30×.
    case auto
    /// Steepest descent of the smoothed loss against log10(lr) (torch-lr-finder, Lightning, fastai `steep`).
    case steepest
    /// fastai's default `valley`: halfway along the longest strictly decreasing subsequence.
    case valley
    /// Gugger's rule (fastai `minimum`): the rate at the smoothed loss's minimum, divided by 10.
    case minimum
}

/// A suggested rate, or the reason there is none.
public enum LRSuggestion: Sendable, Equatable {
    /// `learningRate` is the suggestion; `index` is the row of the range test's table it was read at
    /// (for `.minimum`, the row of the minimum, whose rate is 10× the suggestion).
    case rate(Double, index: Int)
    /// No reliable suggestion (flat, noisy or too short a curve, or the rule's point at an edge).
    case unreliable(reason: String)

    /// The suggested rate, nil when there is none.
    public var learningRate: Double? {
        if case .rate(let lr, _) = self { return lr }
        return nil
    }
}

/// Which part of the curve the rules read, and when a suggestion counts as reliable.
///
/// Window: the table is first cut at its first non-finite rate, raw or smoothed loss (fastai #3476:
/// NaN/inf after divergence poison every rule), then `skipStart` points are dropped from the front
/// and `skipEnd` from the back (fastai: `num_it/10` and 5; torch-lr-finder: 10 and 5; the defaults
/// here are fastai's, which equal torch-lr-finder's at the usual 100 iterations).
///
/// Reliability (every rule), over the window's smoothed losses s and raw losses ℓ:
/// 1. at least `minimumPoints` points remain;
/// 2. the curve falls: `(s_first − s_min) ≥ minimumRelativeDrop · |s_first|` (default 5 %);
/// 3. the fall stands out from the batch-to-batch noise: `(s_first − s_min) ≥ minimumDropOverNoise · σ`,
///    with σ = median|ℓ_{i+1} − ℓ_i| / (0.6745·√2), a robust standard deviation of the raw loss
///    from its first differences (a trend of D over n points adds only about D/n to them);
/// and per rule: `steepest` must not land on the window's first or last point (the slope there is
/// one-sided, so the true steepest point may lie outside the window), and its slope must be negative;
/// `minimum` must not land on the window's last point (the loss was still falling: raise `end`).
public struct LRSuggestionOptions: Sendable, Equatable, Codable {
    /// Points dropped from the window's front.
    public var skipStart: Int
    /// Points dropped from the window's back.
    public var skipEnd: Int
    /// The fewest points a reliable suggestion needs (≥ 3).
    public var minimumPoints: Int
    /// The smallest relative fall of the smoothed loss (default 5 %).
    public var minimumRelativeDrop: Double
    /// The smallest fall in units of the raw loss's noise (default 1).
    public var minimumDropOverNoise: Double

    /// Defaults for a sweep of `iterations` planned updates: skip ⌊iterations/10⌋ and 5.
    public init(iterations: Int, skipEnd: Int = 5, minimumPoints: Int = 5,
                minimumRelativeDrop: Double = 0.05, minimumDropOverNoise: Double = 1) {
        self.init(skipStart: iterations / 10, skipEnd: skipEnd, minimumPoints: minimumPoints,
                  minimumRelativeDrop: minimumRelativeDrop, minimumDropOverNoise: minimumDropOverNoise)
    }

    /// Options with these trimming counts and checks.
    public init(skipStart: Int, skipEnd: Int, minimumPoints: Int = 5,
                minimumRelativeDrop: Double = 0.05, minimumDropOverNoise: Double = 1) {
        precondition(skipStart >= 0 && skipEnd >= 0, "trimming counts must be non-negative, got \(skipStart) and \(skipEnd)")
        precondition(minimumPoints >= 3, "a suggestion needs at least 3 points, got minimumPoints \(minimumPoints)")
        self.skipStart = skipStart; self.skipEnd = skipEnd; self.minimumPoints = minimumPoints
        self.minimumRelativeDrop = minimumRelativeDrop; self.minimumDropOverNoise = minimumDropOverNoise
    }
}

/// The suggestion rules, as pure functions over arrays.
public enum LRSuggester {
    /// The rows the rules read: cut at the first non-finite entry, then trimmed; or why none remain.
    public static func window(learningRates: [Double], raw: [Double], smoothed: [Double],
                              options: LRSuggestionOptions) -> Result<Range<Int>, LRFinderError> {
        precondition(learningRates.count == raw.count && raw.count == smoothed.count,
                     "table columns have \(learningRates.count), \(raw.count) and \(smoothed.count) rows")
        let cut = raw.indices.first { !(learningRates[$0].isFinite && raw[$0].isFinite && smoothed[$0].isFinite) } ?? raw.count
        let lo = options.skipStart, hi = cut - options.skipEnd
        guard hi - lo >= options.minimumPoints else {
            let source = cut < raw.count ? "the \(cut) rows before the first non-finite loss" : "the \(raw.count) recorded rows"
            return .failure(LRFinderError(
                "only \(Swift.max(0, hi - lo)) points remain of \(source) after trimming \(options.skipStart) at the start and "
                + "\(options.skipEnd) at the end; at least \(options.minimumPoints) are needed (run more iterations, lower the "
                + "start rate, or raise the divergence threshold if the test stopped early on noisy batches)"))
        }
        return .success(lo..<hi)
    }

    /// d_i ≈ ds/d(log10 lr): one-sided differences at the two ends, (s_{i+1} − s_{i−1})/(x_{i+1} − x_{i−1})
    /// inside, with x = log10(lr). Needs at least 2 points.
    public static func slopes(learningRates lr: [Double], losses s: [Double]) -> [Double] {
        precondition(lr.count == s.count && lr.count >= 2, "slopes need matching arrays of 2+ points, got \(lr.count) and \(s.count)")
        let x = lr.map { Double.log10($0) }
        let n = s.count
        return (0..<n).map { i in
            let a = Swift.max(i - 1, 0), b = Swift.min(i + 1, n - 1)
            return (s[b] - s[a]) / (x[b] - x[a])
        }
    }

    /// Index of the most negative slope (the first on ties).
    public static func steepestIndex(learningRates: [Double], losses: [Double]) -> Int {
        let d = slopes(learningRates: learningRates, losses: losses)
        return d.indices.min { d[$0] < d[$1] }!
    }

    /// fastai's `valley`: L_i = length of the longest strictly decreasing subsequence ending at i
    /// (O(n²) dynamic programme); `end` = the first index where L is largest, `start = end − L_end`
    /// (fastai's arithmetic, one before the run when it is contiguous); the answer is
    /// `start + ⌊L/3⌋ + ⌊L/6⌋` (about half-way along), clamped at 0 (fastai would index −1, the last
    /// point, when L = 2 and the run starts at 0; with L = 1 it returns 0).
    public static func valleyIndex(losses s: [Double]) -> Int {
        precondition(!s.isEmpty, "valley needs at least one point")
        var length = [Int](repeating: 1, count: s.count)
        var end = 0
        for i in s.indices.dropFirst() {
            for j in 0..<i where s[i] < s[j] && length[i] < length[j] + 1 { length[i] = length[j] + 1 }
            if length[i] > length[end] { end = i }
        }
        let l = length[end]
        if l == 1 { return 0 }
        return Swift.max(0, end - l + l / 3 + l / 6)
    }

    /// Index of the smallest loss (the first on ties).
    public static func minimumIndex(losses s: [Double]) -> Int {
        s.indices.min { s[$0] < s[$1] }!
    }

    /// The robust noise scale σ = median|Δℓ| / (0.6745·√2) of a raw loss sequence.
    public static func noiseScale(_ raw: [Double]) -> Double {
        guard raw.count >= 2 else { return 0 }
        let d = zip(raw.dropFirst(), raw).map { Swift.abs($0 - $1) }.sorted()
        let m = d.count % 2 == 1 ? d[d.count / 2] : (d[d.count / 2 - 1] + d[d.count / 2]) / 2
        return m / (0.6745 * Double.sqrt(2))
    }

    /// Applies `rule` to a range test's table, with the window and reliability checks above.
    public static func suggest(_ rule: LRSuggestionRule, learningRates: [Double], raw: [Double], smoothed: [Double],
                               options: LRSuggestionOptions) -> LRSuggestion {
        let w: Range<Int>
        switch window(learningRates: learningRates, raw: raw, smoothed: smoothed, options: options) {
        case .success(let r): w = r
        case .failure(let e): return .unreliable(reason: e.description)
        }
        let lr = Array(learningRates[w]), s = Array(smoothed[w]), l = Array(raw[w])
        let first = s[0], lowest = s.min()!
        let drop = first - lowest
        guard drop >= options.minimumRelativeDrop * Swift.abs(first), drop > 0 else {
            return .unreliable(reason: "the smoothed loss falls only \(format(drop)) from \(format(first)) over rows \(rows(w)) "
                               + "(needs \(format(options.minimumRelativeDrop * 100))%): the curve is flat")
        }
        let sigma = noiseScale(l)
        guard drop >= options.minimumDropOverNoise * sigma else {
            return .unreliable(reason: "the smoothed loss falls \(format(drop)), less than \(format(options.minimumDropOverNoise))× "
                               + "the batch-to-batch noise \(format(sigma)): the curve is too noisy")
        }
        switch rule {
        case .auto:
            return LRConsensus.read(learningRates: learningRates, raw: raw, smoothed: smoothed, options: options).suggestion
        case .steepest:
            let d = slopes(learningRates: lr, losses: s)
            let i = steepestIndex(learningRates: lr, losses: s)
            if i == 0 || i == s.count - 1 {
                return .unreliable(reason: "the steepest point is at the \(i == 0 ? "first" : "last") row of the window (rows \(rows(w))); "
                                   + "the steepest descent may lie outside it (widen the sweep or trim less)")
            }
            guard d[i] < 0 else { return .unreliable(reason: "the smoothed loss never decreases in the window (rows \(rows(w)))") }
            return .rate(lr[i], index: w.lowerBound + i)
        case .valley:
            let i = valleyIndex(losses: s)
            return .rate(lr[i], index: w.lowerBound + i)
        case .minimum:
            let i = minimumIndex(losses: s)
            if i == s.count - 1 {
                return .unreliable(reason: "the smoothed loss is lowest at the last row of the window (rows \(rows(w))): it was still "
                                   + "falling when the sweep ended (raise the end rate)")
            }
            return .rate(lr[i] / 10, index: w.lowerBound + i)
        }
    }

    static func format(_ x: Double) -> String { PlotNumberFormat.short(x) }

    static func rows(_ w: Range<Int>) -> String { "\(w.lowerBound)–\(w.upperBound - 1)" }
}
