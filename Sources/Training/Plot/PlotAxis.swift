import LinearAlgebra

/// How an axis maps data to position.
public enum PlotScale: String, Sendable, Codable {
    /// Linear.
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

    /// Ticks for `range` on `scale`, with at most about `maxLabels` labels (the room the axis has).
    ///
    /// Log axes always show that they are: the ticks are uneven. The most detailed of these that
    /// gives at least 3 labels (2 for powers of ten) and at most `maxLabels` is used:
    /// 1. 1-2-5 multiples of powers of ten, labelled (0.01, 0.02, 0.05, 0.1 … or 10⁻⁵, 2×10⁻⁵ …), with
    ///    unlabelled minors at the other multiples;
    /// 2. every multiple 1…9 × 10ⁿ, labelled (a range of less than a decade: 0.006, 0.007 … 0.01);
    /// 3. powers of ten labelled 10ⁿ, with unlabelled minors at 2…9·10ⁿ while the range spans at most
    ///    8 decades (with more decades than labels, every k-th power is labelled, the others are minors);
    /// 4. when fewer than three multiples 1…9 × 10ⁿ fall in the range (say 0.3 to 0.45), linear ticks.
    /// Linear axes: "nice" steps of 1, 2 or 5 × 10ⁿ, the one giving closest to six ticks (with
    /// `integer`, steps of at least 1, for counts such as epochs).
    static func make(range: ClosedRange<Double>, scale: PlotScale, maxLabels: Int = 10, integer: Bool = false) -> PlotTicks {
        switch scale {
        case .linear: return linear(range, integer: integer)
        case .log10: return logarithmic(range, maxLabels: Swift.max(maxLabels, 2))
        }
    }

    static func linear(_ r: ClosedRange<Double>, integer: Bool = false) -> PlotTicks {
        let span = r.upperBound - r.lowerBound
        guard span > 0 else { return PlotTicks(major: [r.lowerBound], labels: [PlotNumberFormat.short(r.lowerBound)], minor: []) }
        // The 1-2-5 step whose tick count is closest to 6 (the smaller step on ties).
        let magnitude = Double.pow(10, Double.log10(span / 6).rounded(.down))
        func count(_ step: Double) -> Int {
            Int((r.upperBound / step + 1e-9).rounded(.down) - (r.lowerBound / step - 1e-9).rounded(.up)) + 1
        }
        var steps = [1.0, 2, 5, 10].map { $0 * magnitude }
        if integer { steps = steps.map { Swift.max($0, 1) } }
        let step = steps.min { Swift.abs(count($0) - 6) < Swift.abs(count($1) - 6) }!
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

    static func logarithmic(_ r: ClosedRange<Double>, maxLabels: Int = 10) -> PlotTicks {
        let lo = Double.log10(r.lowerBound), hi = Double.log10(r.upperBound)
        // m·10ᵉ for every given m and every decade touching the range, inside the range (with a
        // little slack for rounding), ascending.
        func multiples(_ ms: [Int]) -> [Double] {
            var out: [Double] = []
            let slack = (r.upperBound - r.lowerBound) * 1e-9
            for e in Int(lo.rounded(.down)) - 1...Int(hi.rounded(.up)) + 1 {
                let p = Double.pow(10, Double(e))
                for m in ms {
                    let v = Double(m) * p
                    if v >= r.lowerBound - slack && v <= r.upperBound + slack { out.append(v) }
                }
            }
            return out
        }
        // One style per axis: plain decimals when every label is between 10⁻³ and 10⁵, else m×10ⁿ.
        func labels(_ values: [Double]) -> [String] {
            values.allSatisfy({ $0 >= 1e-3 && $0 < 1e5 }) ? values.map(PlotNumberFormat.short) : values.map(PlotNumberFormat.power)
        }
        let decades = hi - lo
        let oneTwoFive = multiples([1, 2, 5])
        if oneTwoFive.count >= 3 && oneTwoFive.count <= maxLabels {
            return PlotTicks(major: oneTwoFive, labels: labels(oneTwoFive), minor: decades <= 8 ? multiples([3, 4, 6, 7, 8, 9]) : [])
        }
        let all = multiples(Array(1...9))
        if oneTwoFive.count < 3 && all.count >= 3 && all.count <= maxLabels {
            return PlotTicks(major: all, labels: labels(all), minor: [])
        }
        let first = Int((lo - 1e-9).rounded(.up)), last = Int((hi + 1e-9).rounded(.down))
        if last - first + 1 >= 2 {
            let count = last - first + 1
            var every = 1
            while (count + every - 1) / every > maxLabels { every += 1 }
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
        if oneTwoFive.count >= 2 { return PlotTicks(major: oneTwoFive, labels: labels(oneTwoFive), minor: []) }
        return linear(r)
    }
}
