import Testing
import Descent
import _TestSupport

/// The sweep's rates against its closed forms, and the smoothing against hand-worked sequences.
struct LRFinderSweepTests {
    @Test func exponentialRatesArePowersOfTen() throws {
        // start·(end/start)^(i/(n−1)) with end/start = 10⁴ over 5 points: 10^(i−4).
        let rates = try LRSweep(start: 1e-4, end: 1, iterations: 5, spacing: .exponential).rates
        for (i, lr) in rates.enumerated() { #expect(isRelativelyClose(lr, [1e-4, 1e-3, 1e-2, 1e-1, 1][i], 1e-14)) }
        #expect(rates.last == 1)
    }

    @Test func linearRatesAreEquallySpaced() throws {
        let rates = try LRSweep(start: 0.1, end: 0.5, iterations: 5, spacing: .linear).rates
        for (i, lr) in rates.enumerated() { #expect(isRelativelyClose(lr, [0.1, 0.2, 0.3, 0.4, 0.5][i], 1e-14)) }
    }

    @Test func ratesMatchClosedFormsOnAnIrregularSweep() throws {
        let (start, end, n) = (3.7e-6, 2.3, 87)
        let e = try LRSweep(start: start, end: end, iterations: n, spacing: .exponential)
        let l = try LRSweep(start: start, end: end, iterations: n, spacing: .linear)
        for i in 0..<n {
            let r = Double(i) / Double(n - 1)
            // exp form written through exp/log, independent of the implementation's pow.
            #expect(isRelativelyClose(e.rate(at: i), start * Double.exp(r * Double.log(end / start)), 1e-12))
            #expect(isRelativelyClose(l.rate(at: i), start * (1 - r) + end * r, 1e-14))
        }
        // Constant ratio between neighbours for exp, constant difference for linear.
        let q = e.rate(at: 1) / e.rate(at: 0)
        for i in 1..<n { #expect(isRelativelyClose(e.rate(at: i) / e.rate(at: i - 1), q, 1e-12)) }
        #expect(e.rate(at: 0) == start && e.rate(at: n - 1) == end && l.rate(at: n - 1) == end)
    }

    @Test func badSweepsAreRejectedNamingTheField() {
        #expect(throws: LRFinderError.self) { try LRSweep(start: 0, end: 1) }
        #expect(throws: LRFinderError.self) { try LRSweep(start: 1, end: 1) }
        #expect(throws: LRFinderError.self) { try LRSweep(start: 1e-3, end: 1, iterations: 1) }
        do { _ = try LRSweep(start: 1e-3, end: 1, iterations: 1) } catch { #expect("\(error)".contains("iterations")) }
    }

    @Test func debiasedEMAByHand() {
        // β = 0.5 on 4, 2, 1: a = 2, 2, 1.5; 1 − β^k = 0.5, 0.75, 0.875 ⇒ 4, 8/3, 12/7.
        let s = LossSmoothing.debiasedEMA(beta: 0.5).smooth([4, 2, 1])
        #expect(isRelativelyClose(s[0], 4, 1e-15) && isRelativelyClose(s[1], 8.0 / 3, 1e-15) && isRelativelyClose(s[2], 12.0 / 7, 1e-15))
        // A constant sequence stays constant only thanks to the debiasing.
        #expect(LossSmoothing.standard.smooth([3, 3, 3, 3]).allSatisfy { isRelativelyClose($0, 3, 1e-14) })
    }

    @Test func undebiasedEMAByHand() {
        // torch-lr-finder: s₁ = ℓ₁, s = w·ℓ + (1−w)·s; w = 0.25 on 4, 2, 1: 4, 3.5, 2.875.
        #expect(LossSmoothing.undebiasedEMA(weight: 0.25).smooth([4, 2, 1]) == [4, 3.5, 2.875])
        #expect(LossSmoothing.none.smooth([4, 2, 1]) == [4, 2, 1])
        #expect(throws: LRFinderError.self) { try LossSmoothing.debiasedEMA(beta: 1).validate() }
        #expect(throws: LRFinderError.self) { try LossSmoothing.undebiasedEMA(weight: 0).validate() }
    }
}
