/// Wall-clock timing for the benchmarks (the monotonic clock; reading it allocates nothing).
enum Stopwatch {
    /// Seconds `body` takes.
    @inline(__always)
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        return (ContinuousClock.now - start).seconds
    }

    /// The shortest of `repetitions` timed calls of `body(repetition)`.
    static func best(of repetitions: Int, _ body: (Int) -> Void) -> Double {
        var best = Double.infinity
        for r in 0..<Swift.max(1, repetitions) { best = Swift.min(best, seconds { body(r) }) }
        return best
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
}
