/// Minimal measurement helpers: run a closure repeatedly, report the median and the spread.
public struct Measurement: Sendable {
    public let seconds: [Double]
    public var median: Double {
        let s = seconds.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
    public var min: Double { seconds.min() ?? .nan }
    public var max: Double { seconds.max() ?? .nan }
}

/// Times `body` `repetitions` times after `warmup` untimed runs. Each repetition runs `body`
/// `inner` times and records the time per call.
public func measure(repetitions: Int = 7, warmup: Int = 2, inner: Int = 1, _ body: () -> Void) -> Measurement {
    let clock = ContinuousClock()
    for _ in 0..<warmup { body() }
    var out: [Double] = []
    for _ in 0..<repetitions {
        let d = clock.measure { for _ in 0..<inner { body() } }
        out.append((Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18) / Double(inner))
    }
    return Measurement(seconds: out)
}

/// Keeps the optimizer from discarding a result.
@inline(never)
public func blackHole<T>(_ value: T) { _ = value }

/// Formats a number with a fixed count of significant digits.
public func fmt(_ x: Double, _ digits: Int = 3) -> String {
    guard x.isFinite else { return "\(x)" }
    var s = String(x)
    if abs(x) >= 1e-3 && abs(x) < 1e6 {
        let scale = Double.pow10(digits - 1 - Int(Double.log10(max(abs(x), 1e-300)).rounded(.down)))
        s = String((x * scale).rounded() / scale)
    }
    return s
}

extension Double {
    static func pow10(_ e: Int) -> Double { e >= 0 ? (0..<e).reduce(1.0) { a, _ in a * 10 } : 1 / pow10(-e) }
    static func log10(_ x: Double) -> Double {
        var v = x, e = 0.0
        while v >= 10 { v /= 10; e += 1 }
        while v < 1 { v *= 10; e -= 1 }
        return e
    }
}
