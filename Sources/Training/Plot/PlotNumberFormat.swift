import LinearAlgebra

/// Number formatting for plots, without Foundation: fixed decimals, short tick labels, powers of ten
/// with superscript exponents.
enum PlotNumberFormat {
    /// `x` rounded to `decimals` places, e.g. fixed(3.14159, 2) = "3.14", fixed(-0.5, 0) = "-1"... (half away from zero).
    static func fixed(_ x: Double, _ decimals: Int) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
        let d = Swift.max(0, Swift.min(decimals, 12))
        var p: Int64 = 1
        for _ in 0..<d { p *= 10 }
        let magnitude = Swift.abs(x) * Double(p)
        guard magnitude < 9e18 else { return "\(x)" }
        let scaled = Int64(magnitude.rounded())
        let sign = x < 0 && scaled != 0 ? "-" : ""
        let whole = scaled / p, frac = scaled % p
        if d == 0 { return sign + "\(whole)" }
        var f = String(frac)
        while f.count < d { f = "0" + f }
        return sign + "\(whole).\(f)"
    }

    static let superscripts: [Character: Character] = [
        "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻",
    ]

    /// "10⁻³" for exponent −3; "1" for 0 and "10" for 1.
    static func powerOfTen(_ exponent: Int) -> String {
        if exponent == 0 { return "1" }
        if exponent == 1 { return "10" }
        return "10" + String(String(exponent).map { superscripts[$0]! })
    }

    /// A short label with about three significant digits: plain decimals for 1e-3 ≤ |x| < 1e5,
    /// otherwise mantissa·10^exponent ("2.5×10⁻⁴").
    static func short(_ x: Double) -> String {
        guard x.isFinite else { return fixed(x, 0) }
        let a = Swift.abs(x)
        if a == 0 { return "0" }
        let e = Int(Double.log10(a).rounded(.down))
        if a >= 1e-3 && a < 1e5 { return trimmed(fixed(x, Swift.max(0, 2 - e))) }
        var m = x / Double.pow(10, Double(e))
        var ee = e
        if Swift.abs((m * 100).rounded()) >= 1000 { m /= 10; ee += 1 }
        let ms = trimmed(fixed(m, 2))
        return ms == "1" ? powerOfTen(ee) : (ms == "-1" ? "-" + powerOfTen(ee) : ms + "×" + powerOfTen(ee))
    }

    /// Always in powers of ten, for log-axis labels: "10⁻⁴", "2×10⁻⁴", "2.5×10⁻⁴"; plain for 10⁰ and
    /// 10¹ ("2", "50").
    static func power(_ x: Double) -> String {
        guard x.isFinite, x != 0 else { return fixed(x, 0) }
        var e = Int(Double.log10(Swift.abs(x)).rounded(.down))
        var m = x / Double.pow(10, Double(e))
        if Swift.abs((m * 100).rounded()) >= 1000 { m /= 10; e += 1 }
        let ms = trimmed(fixed(m, 2))
        if e == 0 || e == 1 { return trimmed(fixed(x, Swift.max(0, 2 - e))) }
        return ms == "1" ? powerOfTen(e) : (ms == "-1" ? "-" + powerOfTen(e) : ms + "×" + powerOfTen(e))
    }

    /// Drops trailing zeros after a decimal point ("2.50" → "2.5", "3.00" → "3").
    static func trimmed(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = s
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }
}
