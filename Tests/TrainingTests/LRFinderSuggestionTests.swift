import Testing
import Descent
import _TestSupport

/// The suggestion rules on fixed curves, against answers worked by hand in the comments.
struct LRFinderSuggestionTests {
    let none = LRSuggestionOptions(skipStart: 0, skipEnd: 0, minimumPoints: 3)
    /// lr = 10⁰ … 10⁹, so log10(lr) = i.
    let decades = (0..<10).map { Double.pow(10, Double($0)) }
    let curve: [Double] = [10, 9.9, 9.5, 8, 5, 4.5, 4.4, 4.35, 4.3, 4.3]

    @Test func steepestOnALogGrid() {
        // Central slopes (s[i+1] − s[i−1])/2: −0.25, −0.95, −2.25, −1.75, −0.3, … ⇒ row 3, lr 10³.
        let d = LRSuggester.slopes(learningRates: decades, losses: curve)
        #expect(isClose(d[0], -0.1, tol: 1e-12) && isClose(d[3], -2.25, tol: 1e-12) && isClose(d[9], 0, tol: 1e-12))
        #expect(LRSuggester.suggest(.steepest, learningRates: decades, raw: curve, smoothed: curve, options: none) == .rate(1e3, index: 3))
        // Trimming keeps table indices: skipping 2 at the start still reports row 3.
        let trimmed = LRSuggestionOptions(skipStart: 2, skipEnd: 1, minimumPoints: 3)
        #expect(LRSuggester.suggest(.steepest, learningRates: decades, raw: curve, smoothed: curve, options: trimmed) == .rate(1e3, index: 3))
    }

    @Test func steepestIsAgainstLogRateNotIndex() {
        // Linear rates 1…5: x = log10 = 0, .30103, .47712, .60206, .69897.
        // d₁ = (2−5)/.47712 = −6.29, d₂ = (1.5−4)/.30103 = −8.30, d₃ = (1.4−2)/.22185 = −2.70 ⇒ row 2 (lr 3);
        // a slope per index (torch-lr-finder's np.gradient) would pick row 1 (−1.5 < −1.25).
        let lr: [Double] = [1, 2, 3, 4, 5], s: [Double] = [5, 4, 2, 1.5, 1.4]
        #expect(isClose(LRSuggester.slopes(learningRates: lr, losses: s)[2], -2.5 / Double.log10(2), tol: 1e-12))
        #expect(LRSuggester.suggest(.steepest, learningRates: lr, raw: s, smoothed: s, options: none) == .rate(3, index: 2))
    }

    @Test func steepestAtTheWindowEdgeIsUnreliable() {
        // Still accelerating at the end: the steepest slope is the last, one-sided one.
        let s: [Double] = [10, 9.9, 9.7, 9.3, 8.5, 7]
        let r = LRSuggester.suggest(.steepest, learningRates: Array(decades[0..<6]), raw: s, smoothed: s, options: none)
        guard case .unreliable(let reason) = r else { Issue.record("expected no suggestion, got \(r)"); return }
        #expect(reason.contains("last row"))
    }

    @Test func valleyByHand() {
        // L (longest strictly decreasing subsequence ending at i): 1,1,2,3,3,4,5,5,6,4.
        // Longest L = 6 ends at 8 ⇒ start = 8 − 6 = 2, index = 2 + ⌊6/3⌋ + ⌊6/6⌋ = 5.
        let s: [Double] = [5, 6, 4, 3, 3.5, 2, 1, 1.5, 0.5, 2]
        #expect(LRSuggester.valleyIndex(losses: s) == 5)
        #expect(LRSuggester.suggest(.valley, learningRates: decades, raw: s, smoothed: s, options: none) == .rate(1e5, index: 5))
        // A plain decreasing run 0…9 (L = 10 at 9): start −1, index −1 + 3 + 1 = 3.
        #expect(LRSuggester.valleyIndex(losses: (0..<10).map { 10 - Double($0) }) == 3)
        // Edge cases: nothing decreases ⇒ 0; L = 2 from row 0 ⇒ fastai's −1, clamped to 0.
        #expect(LRSuggester.valleyIndex(losses: [1, 2, 3]) == 0)
        #expect(LRSuggester.valleyIndex(losses: [2, 1, 5, 6]) == 0)
    }

    @Test func minimumOverTen() {
        let s: [Double] = [5, 3, 2, 2.5, 4]
        #expect(LRSuggester.suggest(.minimum, learningRates: Array(decades[0..<5]), raw: s, smoothed: s, options: none) == .rate(10, index: 2))
        let falling: [Double] = [5, 4, 3, 2, 1]
        let r = LRSuggester.suggest(.minimum, learningRates: Array(decades[0..<5]), raw: falling, smoothed: falling, options: none)
        #expect(r.learningRate == nil)
    }

    @Test func flatCurveHasNoSuggestion() {
        // Falls 0.2 % only (< 5 %).
        let s = (0..<20).map { 1 - 0.0001 * Double($0) }
        let lr = (0..<20).map { Double.pow(10, -5 + 0.25 * Double($0)) }
        for rule in LRSuggestionRule.allCases {
            let r = LRSuggester.suggest(rule, learningRates: lr, raw: s, smoothed: s, options: none)
            guard case .unreliable(let reason) = r else { Issue.record("\(rule): expected no suggestion, got \(r)"); continue }
            #expect(reason.contains("flat"))
        }
    }

    @Test func noisyCurveHasNoSuggestion() {
        // Raw alternates 3, 1: median |Δ| = 2 ⇒ σ = 2/(0.6745·√2) = 2.097; the smoothed curve falls
        // 0.45 (20 %: not flat) but 0.45 < σ ⇒ noisy.
        let raw = (0..<10).map { $0 % 2 == 0 ? 3.0 : 1.0 }
        let s = (0..<10).map { 2.2 - 0.05 * Double($0) }
        #expect(isClose(LRSuggester.noiseScale(raw), 2 / (0.6745 * 2.0.squareRoot()), tol: 1e-12))
        let r = LRSuggester.suggest(.valley, learningRates: decades, raw: raw, smoothed: s, options: none)
        guard case .unreliable(let reason) = r else { Issue.record("expected no suggestion, got \(r)"); return }
        #expect(reason.contains("noisy"))
        // The same smoothed curve with quiet raw losses gets a suggestion.
        #expect(LRSuggester.suggest(.valley, learningRates: decades, raw: s, smoothed: s, options: none).learningRate != nil)
    }

    @Test func nonFinitePointsAreCutBeforeTrimming() throws {
        let lr = (0..<12).map { Double.pow(10, Double($0 - 6)) }
        var s = (0..<12).map { 10 - Double($0) }
        s[8] = .nan; s[9] = 1e300; s[10] = .infinity
        let w = LRSuggester.window(learningRates: lr, raw: s, smoothed: s, options: none)
        #expect(try w.get() == 0..<8)
        let w2 = LRSuggester.window(learningRates: lr, raw: s, smoothed: s, options: LRSuggestionOptions(skipStart: 1, skipEnd: 2))
        #expect(try w2.get() == 1..<6)
        // Too few left: the reason says how many.
        let short = LRSuggester.suggest(.steepest, learningRates: lr, raw: s, smoothed: s,
                                        options: LRSuggestionOptions(skipStart: 3, skipEnd: 2, minimumPoints: 5))
        guard case .unreliable(let reason) = short else { Issue.record("expected no suggestion, got \(short)"); return }
        #expect(reason.contains("only 3 points"))
    }

    @Test func defaultTrimmingFollowsFastai() {
        let o = LRSuggestionOptions(iterations: 100)
        #expect(o.skipStart == 10 && o.skipEnd == 5)
    }

    @Test func smithBoundsAreAQuarter() throws {
        let b = try smithBounds(max: 0.08)
        #expect(b.base == 0.02 && b.max == 0.08)
        #expect(try LRSuggestion.rate(0.4, index: 3).smithBounds()?.base == 0.1)
        #expect(try LRSuggestion.unreliable(reason: "flat").smithBounds() == nil)
        #expect(throws: LRFinderError.self) { try smithBounds(max: -1) }
    }
}
