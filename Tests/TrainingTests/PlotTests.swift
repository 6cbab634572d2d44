import Testing
import Descent
@testable import Training

/// The SVG line-plot writer: tick placement and labels, the data-to-pixel mapping, line breaks at
/// undrawable points, markers, legend and escaping. (That the result renders and reads well was
/// checked by rendering `LRFinderOutputTests`' files with rsvg-convert; see the report.)
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
        // Less than a decade: 1-2-5 ticks, then linear ones.
        #expect(PlotTicks.make(range: 0.15...0.6, scale: .log10).major == [0.2, 0.5])
        #expect(PlotTicks.make(range: 0.3...0.45, scale: .log10).major.count >= 3)
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
        #expect(svg.contains(">learning rate</text>") && svg.contains(">loss</text>"))
        #expect(svg.contains(">10⁻⁴</text>") && svg.contains(">10⁻³</text>") && svg.contains(">10⁻²</text>"))
        #expect(svg.contains(">steepest: 0.001</text>") && !svg.contains("outside"))
        #expect(svg.contains(">raw</text>") && svg.contains(">smoothed</text>"))
        #expect(svg.contains("stroke=\"#1f77b4\"") && svg.contains("stroke=\"#ff7f0e\""))
    }
}
