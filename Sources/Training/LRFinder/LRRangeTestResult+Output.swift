extension LRRangeTestResult {
    /// One row of the table.
    public struct Row: Sendable, Equatable {
        /// The update's rate.
        public var learningRate: Double
        /// The loss at that rate.
        public var rawLoss: Double
        /// The smoothed loss.
        public var smoothedLoss: Double
    }

    /// The table, one row per recorded update.
    public var rows: [Row] {
        learningRates.indices.map { Row(learningRate: learningRates[$0], rawLoss: rawLosses[$0], smoothedLoss: smoothedLosses[$0]) }
    }

    /// The table as CSV: a header `lr,raw_loss,smoothed_loss`, then one row per update, numbers in
    /// Swift's shortest round-tripping form (`nan`, `inf` for non-finite losses), "\n" line ends.
    public var csv: String {
        var s = "lr,raw_loss,smoothed_loss\n"
        for i in learningRates.indices { s += "\(learningRates[i]),\(rawLosses[i]),\(smoothedLosses[i])\n" }
        return s
    }

    /// The curve as a `LinePlot`: raw loss (thin, faint) and smoothed loss against a log-scale rate
    /// axis, and every rule's suggestion (`LRSuggestionRule.allCases`: steepest, valley, minimum/10,
    /// and the rules read together) as a vertical line in its own colour, listed in the legend with its
    /// rate, plus a dot where the rule read the smoothed curve (for minimum/10, at the minimum, 10× the
    /// suggestion). `rule`'s suggestion is the highlighted one: a solid, thicker line with its rate
    /// written beside it (the others are dashed); `suggestion`, when given, replaces it (say, the rate a
    /// run went on to use). A rule without a reliable suggestion is listed as such in the legend; when it
    /// is the highlighted one its reason is the subtitle.
    ///
    /// The y range runs from the lowest finite loss to the highest smoothed loss up to the smoothed
    /// minimum, so the divergence at the end does not squash the interesting part; the x range covers
    /// the rates tried and every suggestion. `lossUnits` ("standardised targets", say) is added to the
    /// y label.
    public func plot(rule: LRSuggestionRule = .steepest, suggestion: LRSuggestion? = nil, lossUnits: String? = nil) -> LinePlot {
        let lossName = usedValidationLoss ? "validation loss" : "training loss"
        var plot = LinePlot(
            title: "Learning-rate range test", xLabel: "learning rate (log scale)",
            yLabel: lossName + (lossUnits.map { ", \($0)" } ?? ""), xScale: .log10,
            series: [
                PlotSeries(name: "raw \(lossName)", x: learningRates, y: rawLosses, color: "#7fb2d9", lineWidth: 1, opacity: 0.8),
                PlotSeries(name: "smoothed", x: learningRates, y: smoothedLosses, color: "#1f4e99", lineWidth: 2.5),
            ])
        let finite = smoothedLosses.indices.filter { smoothedLosses[$0].isFinite && learningRates[$0].isFinite && learningRates[$0] > 0 }
        if let iMin = finite.min(by: { smoothedLosses[$0] < smoothedLosses[$1] }) {
            let upper = finite.filter { $0 <= iMin }.map { smoothedLosses[$0] }.max()!
            let lower = Swift.min(smoothedLosses[iMin], finite.map { rawLosses[$0] }.filter(\.isFinite).min() ?? smoothedLosses[iMin])
            if upper > lower {
                let pad = (upper - lower) * 0.06
                plot.yRange = (lower - pad)...(upper + pad)
            }
        }

        // Every rule's suggestion; the highlighted one drawn last, on top.
        var found: [(rule: LRSuggestionRule, rate: Double, index: Int)] = []
        for r in LRSuggestionRule.allCases {
            let s = r == rule ? (suggestion ?? suggest(r)) : suggest(r)
            if case .rate(let lr, let index) = s, lr.isFinite, lr > 0 {
                found.append((r, lr, index))
            } else {
                plot.notes.append("\(Self.plotName(r)): no reliable suggestion")
                if r == rule, case .unreliable(let reason) = s { plot.subtitle = "no reliable suggestion (\(r.rawValue)): \(reason)" }
            }
        }
        var marked: [(rule: LRSuggestionRule, marker: PlotMarker, point: PlotPoint?)] = []
        for (r, lr, index) in found {
            let name = Self.plotName(r), color = Self.plotColor(r), highlighted = r == rule
            var legend = "\(name): \(PlotNumberFormat.short(lr))"
            let same = found.filter { $0.rule != r && Swift.abs($0.rate / lr - 1) < 1e-9 }.map { Self.plotName($0.rule) }
            if !same.isEmpty { legend += " (= \(same.joined(separator: ", ")))" }
            var point: PlotPoint? = nil
            if learningRates.indices.contains(index), smoothedLosses[index].isFinite {
                point = PlotPoint(x: learningRates[index], y: smoothedLosses[index], color: color, size: highlighted ? 5 : 4, hollow: false)
                if r == .minimum { legend += ", lowest loss at \(PlotNumberFormat.short(learningRates[index]))" }
            }
            if highlighted { legend += " (highlighted)" }
            let marker = PlotMarker(x: lr, label: highlighted ? "\(name): \(PlotNumberFormat.short(lr))" : "", color: color, legend: legend,
                                    dashed: !highlighted, lineWidth: highlighted ? 2.5 : 1.5)
            marked.append((r, marker, point))
        }
        marked = marked.filter { $0.rule != rule } + marked.filter { $0.rule == rule }
        plot.markers = marked.map(\.marker)
        plot.points = marked.compactMap(\.point)
        // The x range: the rates tried and every suggestion (minimum/10 can lie below the start).
        let xs = learningRates + marked.map(\.marker.x)
        plot.xRange = LinePlot.fitRange(xs, scale: .log10, given: nil)
        return plot
    }

    /// How the plot names a rule: "minimum/10" for the minimum rule (its rate is the minimum's ÷ 10).
    static func plotName(_ rule: LRSuggestionRule) -> String { rule == .minimum ? "minimum/10" : rule.rawValue }

    static func plotColor(_ rule: LRSuggestionRule) -> String {
        ["steepest": "#d62728", "valley": "#2ca02c", "minimum": "#9467bd", "auto": "#ff7f0e"][rule.rawValue] ?? "#8c564b"
    }

    /// `plot(rule:suggestion:lossUnits:).svg()`.
    public func svg(rule: LRSuggestionRule = .steepest, suggestion: LRSuggestion? = nil, lossUnits: String? = nil) -> String {
        plot(rule: rule, suggestion: suggestion, lossUnits: lossUnits).svg()
    }
}
