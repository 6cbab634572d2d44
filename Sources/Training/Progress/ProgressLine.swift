import LinearAlgebra

/// The text of a training progress bar (the CLI's, on stderr), as a pure function of the progress,
/// the terminal width and the timings, like tqdm's:
///
///     epoch  3/10 ██████████▍······· 120/313 00:12<01:40 5.21k samples/s loss 0.00533 lr 0.00976
///
/// epoch e/E, the epoch's bar, batch b/B, elapsed time < ETA, samples per second, the epoch's running
/// loss and the learning rate. The line takes at most `columns − 1` display columns (counted by
/// `displayWidth`, not bytes), so it never wraps and `\r` + `ESC[2K` clears it completely.
public enum ProgressLine {
    /// The bar never gets more cells than this, nor fewer than `minimumBarCells` (it goes instead).
    public static let maximumBarCells = 50
    /// The fewest cells the bar is drawn with; with less room it is left out.
    public static let minimumBarCells = 6

    /// The line for a terminal `columns` wide: at most `columns − 1` display columns (empty for
    /// `columns ≤ 1`), no control characters.
    ///
    /// `elapsed` is the run's time so far in seconds, `eta` the time the run still needs (nil:
    /// unknown, shown "?"), `samplesPerSecond` nil to leave that field out.
    ///
    /// Fields, in the order shown: epoch e/E, the bar, batch b/B, elapsed<ETA, samples/s, loss, lr.
    /// When they do not all fit, the bar shrinks (down to `minimumBarCells`) and then goes first;
    /// then fields go, the least useful first: of ETA, loss, batch b/B, elapsed (the time field
    /// without it is "ETA 01:40"), lr and samples/s, in this order, each is kept if it still fits.
    /// When not even "epoch 3/10" fits, "3/10" is cut to the width.
    public static func render(_ p: TrainingProgress, totalEpochs: Int, columns: Int, elapsed: Double,
                              eta: Double?, samplesPerSecond: Double?) -> String {
        let limit = columns - 1
        guard limit > 0 else { return "" }
        let batches = Swift.max(p.batchesPerEpoch, 1)
        let epochs = Swift.max(totalEpochs, p.epoch + 1)
        // Counters padded to their final width, so the line does not jump as they grow.
        let epochText = padLeft("\(p.epoch + 1)", String(epochs).count) + "/\(epochs)"
        let batchText = padLeft("\(p.batch + 1)", String(batches).count) + "/\(batches)"
        let fraction = Swift.min(Swift.max(Double(p.batch + 1) / Double(batches), 0), 1)

        enum Field { case batch, eta, elapsed, rate, loss, lr }
        func parts(_ on: Set<Field>, bar cells: Int? = nil) -> [String] {
            var out = ["epoch " + epochText]
            if let cells { out.append(bar(fraction, cells: cells)) }
            if on.contains(.batch) { out.append(batchText) }
            let etaText = eta.map(clock) ?? "?"
            if on.contains(.eta) { out.append(on.contains(.elapsed) ? clock(elapsed) + "<" + etaText : "ETA " + etaText) }
            if on.contains(.rate), let r = samplesPerSecond { out.append(si(r) + " samples/s") }
            if on.contains(.loss) { out.append("loss " + significant(p.runningLoss, 4)) }
            if on.contains(.lr) { out.append("lr " + significant(p.learningRate, 3)) }
            return out
        }
        func width(_ parts: [String]) -> Int { parts.map(displayWidth).reduce(0, +) + Swift.max(parts.count - 1, 0) }

        // Every field, and the bar in the room that is left.
        let all: Set<Field> = [.batch, .eta, .elapsed, .rate, .loss, .lr]
        let room = limit - width(parts(all)) - 1
        if room >= minimumBarCells { return parts(all, bar: Swift.min(room, maximumBarCells)).joined(separator: " ") }
        // No bar: the most useful fields first, each one kept if it still fits (the elapsed time
        // joins the ETA as "00:12<01:40").
        var on: Set<Field> = []
        for f: Field in [.eta, .loss, .batch, .elapsed, .lr, .rate] where f != .elapsed || on.contains(.eta) {
            on.insert(f)
            if width(parts(on)) > limit { on.remove(f) }
        }
        let line = parts(on)
        if width(line) <= limit { return line.joined(separator: " ") }
        return truncate(epochText.drop { $0 == " " }.description, columns: limit)
    }

    /// `cells` cells: "█" for the part done, one partial block (▏▎▍▌▋▊▉) for the eighths, "·" for the rest.
    public static func bar(_ fraction: Double, cells: Int) -> String {
        guard cells > 0 else { return "" }
        let f = fraction.isFinite ? Swift.min(Swift.max(fraction, 0), 1) : 0
        let eighths = Int((f * Double(cells * 8)).rounded(.down))
        let full = Swift.min(eighths / 8, cells), part = full < cells ? eighths % 8 : 0
        let partials: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var s = String(repeating: "█", count: full)
        if part > 0 { s.append(partials[part - 1]) }
        return s + String(repeating: "·", count: cells - full - (part > 0 ? 1 : 0))
    }

    /// "01:05", "1:02:03" (hours unbounded), "?" when not finite, negative or absurdly large.
    public static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0, seconds < 1e9 else { return "?" }
        let t = Int(seconds.rounded(.down))
        let (h, m, s) = (t / 3600, t / 60 % 60, t % 60)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return h > 0 ? "\(h):\(two(m)):\(two(s))" : "\(two(m)):\(two(s))"
    }

    /// Three significant digits with an SI suffix: "523", "5.21k", "12.3M".
    public static func si(_ x: Double) -> String {
        guard x.isFinite else { return "?" }
        let units = ["", "k", "M", "G", "T", "P"]
        var v = x, k = 0
        while Swift.abs(v) >= 999.5 && k < units.count - 1 { v /= 1000; k += 1 }
        return significant(v, 3) + units[k]
    }

    /// `x` to `digits` significant digits like C's `%g`: "0.005331", "1.353e-05", "12.5", "2e+06",
    /// "nan", "inf".
    public static func significant(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
        if x == 0 { return "0" }
        let d = Swift.max(1, digits)
        var e = Int(Double.log10(Swift.abs(x)).rounded(.down))
        // Rounding to d digits can carry into the next power (9.9996 → 10.00).
        let scale = Double.pow(10, Double(d - 1 - e))
        if Swift.abs((Swift.abs(x) * scale).rounded()) >= Double.pow(10, Double(d)) { e += 1 }
        if e >= -4 && e < d { return PlotNumberFormat.trimmed(PlotNumberFormat.fixed(x, d - 1 - e)) }
        let mantissa = PlotNumberFormat.trimmed(PlotNumberFormat.fixed(x / Double.pow(10, Double(e)), d - 1))
        let exponent = Swift.abs(e) < 10 ? "0\(Swift.abs(e))" : "\(Swift.abs(e))"
        return mantissa + "e" + (e < 0 ? "-" : "+") + exponent
    }

    static func padLeft(_ s: String, _ n: Int) -> String { String(repeating: " ", count: Swift.max(0, n - s.count)) + s }

    /// Terminal columns `s` takes: 0 for control characters and combining, enclosing or format
    /// (zero-width) marks, 2 for East Asian wide and fullwidth characters and emoji, 1 for the rest
    /// ("█", "·", the partial blocks and "⁻" included).
    public static func displayWidth(_ s: String) -> Int { s.unicodeScalars.reduce(0) { $0 + columns(of: $1) } }

    static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
        0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F,
        0x1F900...0x1F9FF, 0x20000...0x3FFFD,
    ]

    static func columns(of u: Unicode.Scalar) -> Int {
        let v = u.value
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
        switch u.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        return wideRanges.contains { $0.contains(v) } ? 2 : 1
    }

    /// The longest prefix of `s` that takes at most `columns` display columns.
    public static func truncate(_ s: String, columns: Int) -> String {
        var out = "", used = 0
        for c in s {
            let w = displayWidth(String(c))
            if used + w > columns { break }
            out.append(c); used += w
        }
        return out
    }
}
