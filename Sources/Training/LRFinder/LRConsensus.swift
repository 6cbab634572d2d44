/// The three rules read together, the suggestion `--lr auto` trains with.
///
/// On a range test's window (see `LRSuggestionOptions`) of smoothed losses s with minimum at row m:
/// 1. The **clear fall** is the rates from the first row where s has fallen by a tenth of its
///    whole drop (s₀ − s_m) up to row m. A rate before it is on the flat start, where a noise
///    wiggle can make the steepest slope; a rate past it is beyond the minimum.
/// 2. **Candidates.** Each of steepest, valley and minimum/10 that is reliable on its own
///    (`LRSuggester.suggest`) and lies in the clear fall. When the minimum rule is unreliable only
///    because the window's lowest point is its last row, and the sweep went on and stopped because
///    the loss rose (the rows trimmed from the end hold a real minimum), the minimum over the rows up
///    to the stop is used instead; the clear fall then extends to it.
/// 3. **The suggestion.** With both valley and minimum/10 in the clear fall, their geometric mean
///    (valley alone is cautious on networks, minimum/10 alone can be bold); with one of them, that
///    one; otherwise the middle candidate by rate; and when none is left, no suggestion (the reason
///    says why).
/// 4. **Disagreement.** When the reliable rules' rates span more than `disagreementFactor` (30×), the
///    note says so and names the rule(s) left out, so the user knows the curve was ambiguous.
public struct LRConsensus: Sendable, Equatable {
    /// The rates of the clear fall, nil when the curve has none (then every rule is unreliable).
    public var clearFall: ClosedRange<Double>?
    /// Each rule's own suggestion (steepest, valley, minimum).
    public var rules: [LRSuggestionRule: LRSuggestion]
    /// The rule whose rate was chosen (`.auto` for the geometric mean of valley and minimum/10),
    /// nil when there is no suggestion.
    public var chosen: LRSuggestionRule?
    /// The rate to train with, or why there is none.
    public var suggestion: LRSuggestion
    /// Largest over smallest rate among the reliable rules (1 with one rule, nil with none).
    public var spread: Double?
    /// One line for the user: which rule, and why the others were left out or disagree.
    public var note: String

    /// Rules whose rates differ by more than this are reported as disagreeing.
    public static var disagreementFactor: Double { 30 }

    /// Reads the three rules together on a range test's table.
    public static func read(learningRates: [Double], raw: [Double], smoothed: [Double], options: LRSuggestionOptions,
                            stoppedByDivergence: Bool = false) -> LRConsensus {
        let base: [LRSuggestionRule] = [.steepest, .valley, .minimum]
        var rules: [LRSuggestionRule: LRSuggestion] = [:]
        for r in base { rules[r] = LRSuggester.suggest(r, learningRates: learningRates, raw: raw, smoothed: smoothed, options: options) }
        // The minimum among the rows trimmed from the end, when the loss rose after it (see 2.).
        var extendedMinimum: (rate: Double, row: Int)? = nil
        if stoppedByDivergence, rules[.minimum]!.learningRate == nil, rules[.valley]!.learningRate != nil,
           case .success(let w) = LRSuggester.window(learningRates: learningRates, raw: raw, smoothed: smoothed, options: options) {
            let cut = raw.indices.first { !(learningRates[$0].isFinite && raw[$0].isFinite && smoothed[$0].isFinite) } ?? raw.count
            let rows = w.lowerBound..<cut
            let m = rows.min { smoothed[$0] < smoothed[$1] }!
            if m < cut - 1 && m >= w.upperBound - 1 {
                extendedMinimum = (learningRates[m], m)
                rules[.minimum] = .rate(learningRates[m] / 10, index: m)
            }
        }
        let reliable = base.compactMap { r in rules[r]!.learningRate.map { (r, $0) } }
        guard !reliable.isEmpty, case .success(let w) = LRSuggester.window(learningRates: learningRates, raw: raw, smoothed: smoothed,
                                                                            options: options) else {
            let reason = rules[.valley].flatMap { if case .unreliable(let why) = $0 { why } else { nil } } ?? "no rule gave a rate"
            return LRConsensus(clearFall: nil, rules: rules, chosen: nil, suggestion: .unreliable(reason: reason), spread: nil, note: reason)
        }
        let lr = Array(learningRates[w]), s = Array(smoothed[w])
        let m = LRSuggester.minimumIndex(losses: s)
        let tenth = s[0] - (s[0] - s[m]) / 10
        let start = s.indices.first { $0 <= m && s[$0] <= tenth } ?? m
        let fall = lr[start]...Swift.max(lr[m], extendedMinimum?.rate ?? 0)
        let rates = reliable.map(\.1)
        let spread = rates.max()! / rates.min()!
        let candidates = reliable.filter { fall.contains($0.1) }
        let outside = reliable.filter { !fall.contains($0.1) }.map(\.0.rawValue)
        var note = ""
        let chosen: (LRSuggestionRule, Double)?
        let valley = candidates.first { $0.0 == .valley }, minimum = candidates.first { $0.0 == .minimum }
        var blended = false
        if let v = valley, let m = minimum {
            chosen = (.auto, (v.1 * m.1).squareRoot())
            blended = true
        } else if let v = valley ?? minimum {
            chosen = v
        } else if !candidates.isEmpty {
            chosen = candidates.sorted { $0.1 < $1.1 }[candidates.count / 2]
        } else {
            chosen = nil
        }
        let range = "\(LRSuggester.format(fall.lowerBound))–\(LRSuggester.format(fall.upperBound))"
        if let (rule, rate) = chosen {
            note = blended ? "√(valley \(LRSuggester.format(valley!.1)) × minimum/10 \(LRSuggester.format(minimum!.1))) = \(LRSuggester.format(rate))"
                + (extendedMinimum != nil ? " (the minimum after the trimmed end, where the loss then rose)" : "")
                : "\(rule.rawValue) \(LRSuggester.format(rate))"
            if spread > disagreementFactor {
                note += "; the rules disagree by \(LRSuggester.format(spread))× ("
                    + reliable.map { "\($0.0.rawValue) \(LRSuggester.format($0.1))" }.joined(separator: ", ") + ")"
            }
            if !outside.isEmpty { note += "; left out \(outside.joined(separator: " and ")): outside the clear fall of the loss (\(range))" }
        } else {
            note = "no rule's rate lies where the loss falls clearly (\(range)): "
                + reliable.map { "\($0.0.rawValue) \(LRSuggester.format($0.1))" }.joined(separator: ", ")
        }
        let index = chosen.map { c in lr.indices.min { Swift.abs(lr[$0] - c.1) < Swift.abs(lr[$1] - c.1) }! + w.lowerBound }
        return LRConsensus(clearFall: fall, rules: rules, chosen: chosen?.0,
                           suggestion: chosen.map { .rate($0.1, index: index!) } ?? .unreliable(reason: note),
                           spread: spread, note: note)
    }
}

extension LRRangeTestResult {
    /// The rules read together (`LRConsensus`), with the default window for this test's length.
    public func consensus(options: LRSuggestionOptions? = nil) -> LRConsensus {
        var diverged = false
        if case .diverged = stop { diverged = true }
        return LRConsensus.read(learningRates: learningRates, raw: rawLosses, smoothed: smoothedLosses,
                                options: options ?? LRSuggestionOptions(iterations: plannedIterations), stoppedByDivergence: diverged)
    }
}
