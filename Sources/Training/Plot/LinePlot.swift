/// One curve of a `LinePlot`. Points whose x or y is not finite (or not positive on a log axis) are
/// not drawn; the line breaks there.
public struct PlotSeries: Sendable, Equatable {
    public var name: String
    public var x: [Double]
    public var y: [Double]
    /// A CSS colour; nil picks the next colour of the palette.
    public var color: String?
    public var lineWidth: Double
    public var opacity: Double
    public var dashed: Bool

    public init(name: String, x: [Double], y: [Double], color: String? = nil, lineWidth: Double = 2,
                opacity: Double = 1, dashed: Bool = false) {
        precondition(x.count == y.count, "series \(name) has \(x.count) x values and \(y.count) y values")
        self.name = name; self.x = x; self.y = y; self.color = color
        self.lineWidth = lineWidth; self.opacity = opacity; self.dashed = dashed
    }
}

/// A labelled vertical line at `x` (a suggested learning rate, an epoch boundary, …).
public struct PlotMarker: Sendable, Equatable {
    public var x: Double
    public var label: String
    public var color: String

    public init(x: Double, label: String, color: String = "#d62728") {
        self.x = x; self.label = label; self.color = color
    }
}

/// A small SVG line-plot writer: several series, linear or log axes, labelled axes, ticks at
/// powers of ten on log axes, a legend and vertical markers. `svg()` returns a standalone document
/// that browsers and rsvg render.
public struct LinePlot: Sendable, Equatable {
    public var title: String
    /// A second, smaller line under the title (a note such as "no reliable suggestion: …").
    public var subtitle: String?
    public var xLabel: String
    public var yLabel: String
    public var xScale: PlotScale
    public var yScale: PlotScale
    public var series: [PlotSeries]
    public var markers: [PlotMarker]
    /// Axis ranges; nil fits the drawable data (linear axes get 4 % padding). Points outside are clipped.
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    public var width: Double
    public var height: Double

    public init(title: String, subtitle: String? = nil, xLabel: String, yLabel: String,
                xScale: PlotScale = .linear, yScale: PlotScale = .linear,
                series: [PlotSeries] = [], markers: [PlotMarker] = [],
                xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil,
                width: Double = 760, height: Double = 480) {
        precondition(width >= 200 && height >= 150, "plot size \(width)×\(height) is too small (at least 200×150)")
        self.title = title; self.subtitle = subtitle; self.xLabel = xLabel; self.yLabel = yLabel
        self.xScale = xScale; self.yScale = yScale; self.series = series; self.markers = markers
        self.xRange = xRange; self.yRange = yRange; self.width = width; self.height = height
    }

    /// Colours for series without one (matplotlib's "tab10" order).
    public static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
}
