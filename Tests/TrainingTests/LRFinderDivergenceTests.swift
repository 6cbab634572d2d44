import Testing
import Descent
import _TestSupport

/// The stop rule on constructed loss sequences, alone and inside the range test.
struct LRFinderDivergenceTests {
    // Unsmoothed: best falls to 3 at row 3; 6 ≤ 12 and 11 ≤ 12 continue; 13 > 4·3 stops at row 6.
    let script: [Double] = [10, 8, 5, 3, 6, 11, 13, 1, 1, 1]

    @Test func stopIndexOnARawSequence() throws {
        #expect(try DivergenceStop.stopIndex(raw: script, smoothed: script, threshold: 4) == 6)
        // torch-lr-finder's 5×: 13 ≤ 15, so it runs on (the later 1s never exceed).
        #expect(try DivergenceStop.stopIndex(raw: script, smoothed: script, threshold: 5) == nil)
        // The first row never stops the test, however large.
        #expect(try DivergenceStop.stopIndex(raw: [100, 1, 4, 4.5], smoothed: [100, 1, 4, 4.5]) == 3)
        // Non-finite stops at once.
        #expect(try DivergenceStop.stopIndex(raw: [3, 2, .nan, 1], smoothed: [3, 2, 2, 1]) == 2)
        #expect(try DivergenceStop.stopIndex(raw: [3, 2, 1, 1], smoothed: [3, 2, .infinity, 1]) == 2)
    }

    @Test func stopIndexOnASmoothedSequence() throws {
        // β = 0.5 debiased on 1, 1, 1, 9, 25: s = 1, 1, 1, 1 + 8·(0.5/0.9375) = 5.2667,
        // then a₅ = 0.5·a₄ + 12.5 with a₄ = 0.9375·5.2667 = 4.9375 ⇒ a₅ = 14.96875, s₅ = 14.96875/0.96875 = 15.45.
        // best = 1 (rows 0–2), and 5.27 > 4·1 ⇒ the stop is at row 3, before the larger raw loss.
        let raw: [Double] = [1, 1, 1, 9, 25]
        let s = LossSmoothing.debiasedEMA(beta: 0.5).smooth(raw)
        #expect(isRelativelyClose(s[3], 1 + 8 * 0.5 / 0.9375, 1e-14))
        #expect(try DivergenceStop.stopIndex(raw: raw, smoothed: s) == 3)
        // With β = 0.9 the average lags: below 4 at row 3, above at row 4.
        let s9 = LossSmoothing.debiasedEMA(beta: 0.9).smooth(raw)
        // a₃ = 0.271, a₄ = 0.9·0.271 + 0.1·9 = 1.1439, 1 − 0.9⁴ = 0.3439 ⇒ s₄ = 3.326;
        // a₅ = 0.9·1.1439 + 0.1·25 = 3.52951, 1 − 0.9⁵ = 0.40951 ⇒ s₅ = 8.619.
        #expect(isRelativelyClose(s9[3], 1.1439 / 0.3439, 1e-12) && isRelativelyClose(s9[4], 3.52951 / 0.40951, 1e-12))
        #expect(try DivergenceStop.stopIndex(raw: raw, smoothed: s9) == 4)
    }

    func rangeTestStops<T: BLASScalar>(_: T.Type) throws {
        let test = try LRRangeTest(sweep: LRSweep(start: 1e-3, end: 1, iterations: script.count), smoothing: .none)
        var objective = scriptedObjective(script, as: T.self)
        var optimizer = TestGD<T>(parameterCount: 1)
        var sampler = BatchSampler(sampleCount: 1, batchSize: 1, mode: .none, seed: 1)
        var p: [T] = [0]
        let r = try test.run(objective: &objective, optimizer: &optimizer, parameters: &p, sampler: &sampler)
        #expect(r.stop == .diverged(index: 6))
        #expect(r.rawLosses == Array(script[0...6]))  // the stopping row is recorded
        #expect(r.learningRates.count == 7)

        var nanObjective = scriptedObjective([4, 3, .nan, 1, 1], as: T.self)
        let r2 = try LRRangeTest(sweep: LRSweep(start: 1e-3, end: 1, iterations: 5), divergenceThreshold: nil)
            .run(objective: &nanObjective, optimizer: &optimizer, parameters: &p, sampler: &sampler)
        #expect(r2.stop == .nonFinite(index: 2) && r2.rawLosses.count == 3)

        // Without a threshold the 13 does not stop it.
        var again = scriptedObjective(script, as: T.self)
        let r3 = try LRRangeTest(sweep: LRSweep(start: 1e-3, end: 1, iterations: script.count), smoothing: .none, divergenceThreshold: nil)
            .run(objective: &again, optimizer: &optimizer, parameters: &p, sampler: &sampler)
        #expect(r3.stop == .completed && r3.rawLosses == script)
    }

    @Test func rangeTestStopsFloat() throws { try rangeTestStops(Float.self) }
    @Test func rangeTestStopsDouble() throws { try rangeTestStops(Double.self) }

    @Test func badThresholdIsRejected() throws {
        #expect(throws: LRFinderError.self) { try LRRangeTest(sweep: LRSweep(), divergenceThreshold: 1) }
    }
}
