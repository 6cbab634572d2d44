import Testing

// The golden comparisons are only as strong as their difference measure: a schedule that
// returns NaN or ∞ must fail them, not slip through because every comparison with NaN is false.

@Test func relativeDifferenceOfNonFiniteMismatchIsInfinite() {
    #expect(relativeDifference(.nan, 0.1) == .infinity)
    #expect(relativeDifference(0.1, .nan) == .infinity)
    #expect(relativeDifference(.nan, .nan) == .infinity)
    #expect(relativeDifference(.infinity, 0.1) == .infinity)
    #expect(relativeDifference(-.infinity, .infinity) == .infinity)
    #expect(relativeDifference(.infinity, .infinity) == 0)
    #expect(relativeDifference(0.1, 0.1) == 0)
    // Hand-worked: |0.1 − 0.11| / 0.11.
    #expect(abs(relativeDifference(0.1, 0.11) - 0.01 / 0.11) < 1e-15)
}

@Test func worstDifferenceReportsANaNStepAsInfinitelyWrong() {
    let expected = [0.1, 0.05, 0.025]
    let (worst, step) = worstDifference(expected) { $0 == 1 ? .nan : expected[$0] }
    #expect(worst == .infinity)
    #expect(step == 1)
    let (exact, first) = worstDifference(expected) { expected[$0] }
    #expect(exact == 0)
    #expect(first == 0)
}
