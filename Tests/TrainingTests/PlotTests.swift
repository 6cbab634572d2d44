import Testing
import Descent
@testable import Training

/// The SVG line-plot writer: tick placement and labels, the data-to-pixel mapping, line breaks at
/// undrawable points, markers, highlighted points, legend and escaping, padding and log-axis labels.
/// (`PlotRenderTests` renders plots to PNG with rsvg-convert.)
struct PlotTests {
    @Test func logTicksArePowersOfTen() {
        let t = PlotTicks.make(range: 1e-7...10, scale: .log10)
        #expect(t.major.count == 9)
        for (k, v) in t.major.enumerated() { #expect(abs(v / Double.pow(10, Double(k - 7)) - 1) < 1e-12) }
        #expect(t.labels == ["10⁻⁷", "10⁻⁶", "10⁻⁵", "10⁻⁴", "10⁻³", "10⁻²", "10⁻¹", "1", "10"])
        #expect(t.minor.count == 8 * 8)  // 2…9 in each of the 8 decades
        // Wide ranges label every other power.
        let wide = PlotTicks.make(range: 1e-8...1e3, scale: .log10)
        #expect(wide.labels == ["10⁻⁸", "10⁻⁶", "10⁻⁴", "10⁻²", "1", "10²"])
        // Less than a decade: every multiple 1…9 × 10ⁿ when 1-2-5 gives fewer than three, then linear ticks.
        let short = PlotTicks.make(range: 0.15...0.6, scale: .log10)
        #expect(short.labels == ["0.2", "0.3", "0.4", "0.5", "0.6"])
        #expect(PlotTicks.make(range: 0.3...0.45, scale: .log10).major.count >= 3)
    }

    @Test func logTicksShowTheScaleOnShortRanges() {
        // Under a decade, but three 1-2-5 multiples: decade labels plus 2 and 5, the rest as minors.
        let t = PlotTicks.make(range: 0.004...0.03, scale: .log10)
        #expect(t.labels == ["0.005", "0.01", "0.02"])
        for m in [0.006, 0.007, 0.008, 0.009, 0.03] { #expect(t.minor.contains { abs($0 / m - 1) < 1e-9 }, "no minor at \(m)") }
        // Two to three decades: 1-2-5 labelled while they fit, decades with 2…9 minors when they do not.
        let loss = PlotTicks.make(range: 0.004...1.5, scale: .log10, maxLabels: 14)
        #expect(loss.labels == ["0.005", "0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1"])
        let narrow = PlotTicks.make(range: 0.004...1.5, scale: .log10, maxLabels: 4)
        #expect(narrow.labels == ["10⁻²", "10⁻¹", "1"] && narrow.minor.count > 10)
        // Small values keep the 10ⁿ style for the 2 and 5 too.
        #expect(PlotTicks.make(range: 1.5e-5...1.2e-4, scale: .log10).labels == ["2×10⁻⁵", "5×10⁻⁵", "10⁻⁴"])
        // Ticks are uneven on a log axis: the gap 0.005→0.01 is wider than 0.01→0.02 in value, equal in position
        // only for the decades; 1→2 and 2→5 differ.
        let svg = LinePlot(title: "t", xLabel: "x", yLabel: "loss", yScale: .log10,
                           series: [PlotSeries(name: "", x: [1, 2, 3], y: [0.02, 0.008, 0.006])]).svg()
        #expect(svg.contains(">loss (log scale)</text>") && svg.contains(">0.01</text>") && svg.contains(">0.007</text>"))
    }

    @Test func axesArePaddedAndLogAxesSaySo() throws {
        // Fitted ranges leave 4 % (of the log span on a log axis) beyond the data at both ends.
        let lin = LinePlot.fitRange([1, 15], scale: .linear, given: nil)
        #expect(lin.lowerBound < 1 && lin.upperBound > 15)
        let log = LinePlot.fitRange([1e-3, 1], scale: .log10, given: nil)
        #expect(abs(Double.log10(log.lowerBound) + 3.12) < 1e-9 && abs(Double.log10(log.upperBound) - 0.12) < 1e-9)
        // So the first and last points of a fitted plot are inside the frame (84…736 × 44…418), not on it.
        let svg = LinePlot(title: "t", xLabel: "epoch", yLabel: "loss", yScale: .log10,
                           series: [PlotSeries(name: "a", x: [1, 2, 3, 4], y: [1, 0.1, 0.01, 0.001])]).svg()
        let start = try #require(svg.range(of: "points=\""))
        let points = svg[start.upperBound...].prefix { $0 != "\"" }
        let xy = points.split(separator: " ").map { $0.split(separator: ",").map { Double(String($0))! } }
        #expect(xy.count == 4)
        for p in xy { #expect(p[0] > 84 + 10 && p[0] < 736 - 10 && p[1] > 44 + 5 && p[1] < 418 - 5) }
        // A log axis's label says so, once; a linear one's does not change.
        #expect(svg.contains(">loss (log scale)</text>") && svg.contains(">epoch</text>"))
        #expect(LinePlot.axisLabel("learning rate (log scale)", scale: .log10) == "learning rate (log scale)")
        #expect(LinePlot.axisLabel("lr", scale: .log10) == "lr (log scale)" && LinePlot.axisLabel("lr", scale: .linear) == "lr")
        // Whole-number ticks for epochs.
        #expect(PlotTicks.make(range: 0.9...3.1, scale: .linear, integer: true).labels == ["1", "2", "3"])
    }

    @Test func pointMarkersHighlightsAndLegendEntries() {
        let plot = LinePlot(title: "t", xLabel: "epoch", yLabel: "loss",
                            series: [PlotSeries(name: "training", x: [1, 2, 3], y: [3, 2, 1], points: .circle),
                                     PlotSeries(name: "validation", x: [1, 2, 3], y: [3.5, 2.5, 2], points: .square)],
                            markers: [PlotMarker(x: 2.5, label: "", color: "#d62728", legend: "stopped early")],
                            points: [PlotPoint(x: 2, y: 2.5, legend: "best epoch 2")],
                            notes: ["a note"])
        let svg = plot.svg()
        // 3 circles on the training line (+1 in the legend), 3 squares (+1 in the legend, + the legend's box).
        #expect(svg.ranges(of: "<circle").count == 3 + 1 + 2)   // + the highlight ring and its legend sample
        #expect(svg.ranges(of: "<rect x=").count >= 3 + 1)
        #expect(svg.contains(">stopped early</text>") && svg.contains(">best epoch 2</text>") && svg.contains(">a note</text>"))
        #expect(svg.contains("fill=\"none\" stroke=\"#2ca02c\" stroke-width=\"2.5\""))   // the ring
    }

    @Test func linearTicksAreNice() {
        let t = PlotTicks.make(range: 0...1, scale: .linear)
        #expect(t.labels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let u = PlotTicks.make(range: -3.7...12.2, scale: .linear)
        #expect(u.labels == ["-2", "0", "2", "4", "6", "8", "10", "12"])
    }

    @Test func numberFormats() {
        #expect(PlotNumberFormat.fixed(3.14159, 2) == "3.14")
        #expect(PlotNumberFormat.fixed(-0.004, 2) == "0.00")
        #expect(PlotNumberFormat.fixed(-2.5, 0) == "-3")
        #expect(PlotNumberFormat.short(2.5e-4) == "2.5×10⁻⁴")
        #expect(PlotNumberFormat.short(0.0123) == "0.0123")
        #expect(PlotNumberFormat.short(1e-5) == "10⁻⁵")
        #expect(PlotNumberFormat.short(1234) == "1234")
        #expect(PlotNumberFormat.powerOfTen(-12) == "10⁻¹²")
    }

    @Test func pixelMappingAndLineBreaks() {
        // Frame: x from 84 to 760 − 24 = 736 (width 652), y from 44 to 480 − 62 = 418 (height 374).
        // x = 10⁻³ is half-way between 10⁻⁶ and 1 on a log axis: 84 + 326 = 410; y = 0.5 of 0…1: 418 − 187 = 231.
        let plot = LinePlot(title: "t", xLabel: "x", yLabel: "y", xScale: .log10,
                            series: [PlotSeries(name: "a", x: [1e-6, 1e-3, 1], y: [0, 0.5, 1])],
                            xRange: 1e-6...1, yRange: 0...1)
        #expect(plot.svg().contains("points=\"84,418 410,231 736,44\""))
        // NaN and non-positive x (log axis) break the line into two pieces.
        let broken = LinePlot(title: "t", xLabel: "x", yLabel: "y", xScale: .log10,
                              series: [PlotSeries(name: "", x: [1, 2, 3, -1, 5, 6, 7], y: [1, 2, .nan, 4, 5, 6, 7])]).svg()
        #expect(broken.ranges(of: "<polyline").count == 2)
    }

    @Test func labelsMarkersLegendAndEscaping() {
        let plot = LinePlot(title: "loss < 1 & falling", xLabel: "learning rate", yLabel: "loss", xScale: .log10,
                            series: [PlotSeries(name: "raw", x: [1e-4, 1e-2], y: [3, 1]),
                                     PlotSeries(name: "smoothed", x: [1e-4, 1e-2], y: [2.5, 1.5], dashed: true)],
                            markers: [PlotMarker(x: 1e-3, label: "steepest: 0.001"), PlotMarker(x: 5, label: "outside")])
        let svg = plot.svg()
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("loss &lt; 1 &amp; falling") && !svg.contains("loss < 1"))
        #expect(svg.contains(">learning rate (log scale)</text>") && svg.contains(">loss</text>"))
        #expect(svg.contains(">10⁻⁴</text>") && svg.contains(">10⁻³</text>") && svg.contains(">10⁻²</text>"))
        #expect(svg.contains(">steepest: 0.001</text>") && !svg.contains("outside"))
        #expect(svg.contains(">raw</text>") && svg.contains(">smoothed</text>"))
        #expect(svg.contains("stroke=\"#1f77b4\"") && svg.contains("stroke=\"#ff7f0e\""))
    }
}
