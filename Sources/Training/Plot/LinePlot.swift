/// The shape of a point marker.
public enum PlotPointShape: String, Sendable, Codable, CaseIterable {
    /// A circle.
    case circle
    /// A square.
    case square
    /// A diamond.
    case diamond
    /// A triangle.
    case triangle
}

/// One curve of a `LinePlot`. Points whose x or y is not finite (or not positive on a log axis) are
/// not drawn; the line breaks there.
public struct PlotSeries: Sendable, Equatable {
    /// The legend's text.
    public var name: String
    /// The x values.
    public var x: [Double]
    /// The y values, one per x.
    public var y: [Double]
    /// A CSS colour; nil picks the next colour of the palette.
    public var color: String?
    /// The line's width in pixels.
    public var lineWidth: Double
    /// The line's opacity, 0…1.
    public var opacity: Double
    /// Whether the line is dashed.
    public var dashed: Bool
    /// A marker at every drawable point (nil: the line alone), `pointSize` its radius in pixels.
    public var points: PlotPointShape?
    /// The markers' radius in pixels.
    public var pointSize: Double

    /// A series of these points (as many x as y values) and style.
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
    /// Where the line is drawn.
    public var x: Double
    /// Text drawn beside the line, near the bottom of the frame ("" for none).
    public var label: String
    /// A CSS colour.
    public var color: String
    /// The legend's text for this line; nil keeps it out of the legend.
    public var legend: String?
    /// Whether the line is dashed.
    public var dashed: Bool
    /// The line's width in pixels.
    public var lineWidth: Double

    /// A marker at `x` with this label and style.
    public init(x: Double, label: String, color: String = "#d62728", legend: String? = nil, dashed: Bool = true,
                lineWidth: Double = 1.5) {
        self.x = x; self.label = label; self.color = color
        self.legend = legend; self.dashed = dashed; self.lineWidth = lineWidth
    }
}

/// One highlighted point (the best epoch, where a rule read the curve, …), drawn over the series:
/// a ring (`hollow`) or a filled shape of radius `size`, with an optional legend entry.
public struct PlotPoint: Sendable, Equatable {
    /// The point's x.
    public var x: Double
    /// The point's y.
    public var y: Double
    /// The legend's text for the point; nil keeps it out of the legend.
    public var legend: String?
    /// A CSS colour.
    public var color: String
    /// The point's shape.
    public var shape: PlotPointShape
    /// The radius in pixels.
    public var size: Double
    /// A ring (true) or a filled shape.
    public var hollow: Bool

    /// A highlighted point with this style.
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
    /// The title over the plot.
    public var title: String
    /// A second, smaller line under the title (a note such as "no reliable suggestion: …").
    public var subtitle: String?
    /// The x axis's label.
    public var xLabel: String
    /// The y axis's label.
    public var yLabel: String
    /// Linear or logarithmic x axis.
    public var xScale: PlotScale
    /// Linear or logarithmic y axis.
    public var yScale: PlotScale
    /// The curves.
    public var series: [PlotSeries]
    /// The vertical lines.
    public var markers: [PlotMarker]
    /// The highlighted points.
    public var points: [PlotPoint]
    /// Extra lines of text at the end of the legend (with no sample), e.g. "minimum/10: no reliable suggestion".
    public var notes: [String]
    /// Ticks only at whole numbers on the x axis (epochs).
    public var xIntegerTicks: Bool
    /// Axis ranges; nil fits the drawable data of the series, padded by 4 % of the span (of its
    /// logarithm on a log axis) at both ends. Points outside are clipped.
    public var xRange: ClosedRange<Double>?
    /// The y range, as for `xRange`.
    public var yRange: ClosedRange<Double>?
    /// The document's width in pixels (≥ 200).
    public var width: Double
    /// The document's height in pixels (≥ 150).
    public var height: Double

    /// A plot with these parts (760 × 480 pixels by default).
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
