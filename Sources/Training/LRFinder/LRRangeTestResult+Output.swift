extension LRRangeTestResult {
    /// One row of the table.
    public struct Row: Sendable, Equatable {
        public var learningRate: Double
        public var rawLoss: Double
        public var smoothedLoss: Double
    }

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
    /// axis, the suggestion as a vertical marker (or, when there is none, its reason as the subtitle).
    /// The y range runs from the lowest finite loss to the highest smoothed loss up to the smoothed
    /// minimum, so the divergence at the end does not squash the interesting part.
    public func plot(rule: LRSuggestionRule = .steepest, suggestion: LRSuggestion? = nil) -> LinePlot {
        let suggestion = suggestion ?? suggest(rule)
        let lossName = usedValidationLoss ? "validation loss" : "training loss"
        var plot = LinePlot(
            title: "Learning-rate range test", xLabel: "learning rate (log scale)", yLabel: lossName, xScale: .log10,
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
        switch suggestion {
        case .rate(let lr, _):
            plot.markers = [PlotMarker(x: lr, label: "\(rule.rawValue): \(PlotNumberFormat.short(lr))")]
        case .unreliable(let reason):
            plot.subtitle = "no reliable suggestion (\(rule.rawValue)): \(reason)"
        }
        return plot
    }

    /// `plot(rule:suggestion:).svg()`.
    public func svg(rule: LRSuggestionRule = .steepest, suggestion: LRSuggestion? = nil) -> String {
        plot(rule: rule, suggestion: suggestion).svg()
    }
}
