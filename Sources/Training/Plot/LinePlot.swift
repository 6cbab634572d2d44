/// The shape of a point marker.
public enum PlotPointShape: String, Sendable, Codable, CaseIterable {
    case circle, square, diamond, triangle
}

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
    /// A marker at every drawable point (nil: the line alone), `pointSize` its radius in pixels.
    public var points: PlotPointShape?
    public var pointSize: Double

    public init(name: String, x: [Double], y: [Double], color: String? = nil, lineWidth: Double = 2,
                opacity: Double = 1, dashed: Bool = false, points: PlotPointShape? = nil, pointSize: Double = 3.5) {
        precondition(x.count == y.count, "series \(name) has \(x.count) x values and \(y.count) y values")
        self.name = name; self.x = x; self.y = y; self.color = color
        self.lineWidth = lineWidth; self.opacity = opacity; self.dashed = dashed
        self.points = points; self.pointSize = pointSize
    }
}

/// A vertical line at `x` (a suggested learning rate, an epoch where something happened, …), with
/// an optional label beside it and an optional legend entry.
public struct PlotMarker: Sendable, Equatable {
    public var x: Double
    /// Text drawn beside the line, near the bottom of the frame ("" for none).
    public var label: String
    public var color: String
    /// The legend's text for this line; nil keeps it out of the legend.
    public var legend: String?
    public var dashed: Bool
    public var lineWidth: Double

    public init(x: Double, label: String, color: String = "#d62728", legend: String? = nil, dashed: Bool = true,
                lineWidth: Double = 1.5) {
        self.x = x; self.label = label; self.color = color
        self.legend = legend; self.dashed = dashed; self.lineWidth = lineWidth
    }
}

/// One highlighted point (the best epoch, where a rule read the curve, …), drawn over the series:
/// a ring (`hollow`) or a filled shape of radius `size`, with an optional legend entry.
public struct PlotPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var legend: String?
    public var color: String
    public var shape: PlotPointShape
    public var size: Double
    public var hollow: Bool

    public init(x: Double, y: Double, legend: String? = nil, color: String = "#2ca02c", shape: PlotPointShape = .circle,
                size: Double = 7, hollow: Bool = true) {
        self.x = x; self.y = y; self.legend = legend; self.color = color
        self.shape = shape; self.size = size; self.hollow = hollow
    }
}

/// A small SVG line-plot writer: several series (lines, optionally with point markers), linear or
/// log axes (a log axis says so in its label, and its ticks are uneven: decades, with 2 and 5 or
/// every multiple labelled when the range is short), padded ranges so no point sits on the frame,
/// vertical markers, highlighted points and a legend placed in the corner the data leave free.
/// `svg()` returns a standalone document that browsers and rsvg render.
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
    public var points: [PlotPoint]
    /// Extra lines of text at the end of the legend (with no sample), e.g. "minimum/10: no reliable suggestion".
    public var notes: [String]
    /// Ticks only at whole numbers on the x axis (epochs).
    public var xIntegerTicks: Bool
    /// Axis ranges; nil fits the drawable data of the series, padded by 4 % of the span (of its
    /// logarithm on a log axis) at both ends. Points outside are clipped.
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    public var width: Double
    public var height: Double

    public init(title: String, subtitle: String? = nil, xLabel: String, yLabel: String,
                xScale: PlotScale = .linear, yScale: PlotScale = .linear,
                series: [PlotSeries] = [], markers: [PlotMarker] = [], points: [PlotPoint] = [], notes: [String] = [],
                xIntegerTicks: Bool = false, xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil,
                width: Double = 760, height: Double = 480) {
        precondition(width >= 200 && height >= 150, "plot size \(width)×\(height) is too small (at least 200×150)")
        self.title = title; self.subtitle = subtitle; self.xLabel = xLabel; self.yLabel = yLabel
        self.xScale = xScale; self.yScale = yScale; self.series = series; self.markers = markers
        self.points = points; self.notes = notes; self.xIntegerTicks = xIntegerTicks
        self.xRange = xRange; self.yRange = yRange; self.width = width; self.height = height
    }

    /// Colours for series without one (matplotlib's "tab10" order).
    public static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
}
