import LinearAlgebra

/// How an axis maps data to position.
public enum PlotScale: String, Sendable, Codable {
    case linear
    /// Base-10 logarithmic; only positive values are drawn.
    case log10

    /// The coordinate the axis is linear in.
    func transform(_ v: Double) -> Double { self == .linear ? v : Double.log10(v) }
    func accepts(_ v: Double) -> Bool { v.isFinite && (self == .linear || v > 0) }
}

/// Tick positions and labels of one axis.
struct PlotTicks: Equatable {
    var major: [Double]
    var labels: [String]
    var minor: [Double]

    /// Ticks for `range` on `scale`.
    ///
    /// Log axes: majors at every power of ten inside the range, labelled 10ⁿ, with unlabelled minors at
    /// 2…9·10ⁿ while the range spans at most 8 decades (beyond that, every ⌈decades/8⌉-th power is
    /// labelled). When fewer than two powers of ten fit, 1-2-5 multiples are used, then linear ticks.
    /// Linear axes: "nice" steps of 1, 2 or 5 × 10ⁿ, the one giving closest to six ticks.
    static func make(range: ClosedRange<Double>, scale: PlotScale) -> PlotTicks {
        switch scale {
        case .linear: return linear(range)
        case .log10: return logarithmic(range)
        }
    }

    static func linear(_ r: ClosedRange<Double>) -> PlotTicks {
        let span = r.upperBound - r.lowerBound
        guard span > 0 else { return PlotTicks(major: [r.lowerBound], labels: [PlotNumberFormat.short(r.lowerBound)], minor: []) }
        // The 1-2-5 step whose tick count is closest to 6 (the smaller step on ties).
        let magnitude = Double.pow(10, Double.log10(span / 6).rounded(.down))
        func count(_ step: Double) -> Int {
            Int((r.upperBound / step + 1e-9).rounded(.down) - (r.lowerBound / step - 1e-9).rounded(.up)) + 1
        }
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.min { Swift.abs(count($0) - 6) < Swift.abs(count($1) - 6) }!
        var major: [Double] = []
        var k = (r.lowerBound / step).rounded(.up)
        while k * step <= r.upperBound + step * 1e-9 {
            major.append(Swift.abs(k * step) < step * 1e-9 ? 0 : k * step)
            k += 1
        }
        let decimals = Swift.max(0, -Int(Double.log10(step).rounded(.down)))
        let useShort = Swift.abs(r.upperBound) >= 1e5 || Swift.abs(r.lowerBound) >= 1e5 || step < 1e-4
        let labels = major.map { useShort ? PlotNumberFormat.short($0) : PlotNumberFormat.fixed($0, decimals) }
        return PlotTicks(major: major, labels: labels, minor: [])
    }

    static func logarithmic(_ r: ClosedRange<Double>) -> PlotTicks {
        let lo = Double.log10(r.lowerBound), hi = Double.log10(r.upperBound)
        let first = Int((lo - 1e-9).rounded(.up)), last = Int((hi + 1e-9).rounded(.down))
        if last - first + 1 >= 2 {
            let decades = last - first
            let every = Swift.max(1, (decades + 7) / 8)
            var major: [Double] = [], labels: [String] = [], minor: [Double] = []
            for e in (first - 1)...last {
                let p = Double.pow(10, Double(e))
                if e >= first && (e - first) % every == 0 { major.append(p); labels.append(PlotNumberFormat.powerOfTen(e)) }
                else if e >= first { minor.append(p) }
                if decades <= 8 {
                    for m in 2...9 where r.contains(Double(m) * p) { minor.append(Double(m) * p) }
                }
            }
            return PlotTicks(major: major, labels: labels, minor: minor)
        }
        var major: [Double] = []
        for e in (first - 2)...(last + 1) {
            for m in [1.0, 2, 5] {
                let v = m * Double.pow(10, Double(e))
                if r.contains(v) { major.append(v) }
            }
        }
        if major.count >= 2 { return PlotTicks(major: major, labels: major.map(PlotNumberFormat.short), minor: []) }
        return linear(r)
    }
}
