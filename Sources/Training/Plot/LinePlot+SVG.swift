import LinearAlgebra

extension LinePlot {
    /// The range of one axis: the given one, or the drawable data's extent padded by 4 % of its span
    /// at both ends (of the span of the logarithm on a log axis), so that no point sits on the frame;
    /// widened around a single value. Falls back to [1, 10] (log) or [0, 1] when nothing is drawable.
    static func fitRange(_ values: [Double], scale: PlotScale, given: ClosedRange<Double>?) -> ClosedRange<Double> {
        if let given { return given }
        let v = values.filter(scale.accepts)
        guard var lo = v.min(), var hi = v.max() else { return scale == .log10 ? 1...10 : 0...1 }
        switch scale {
        case .log10:
            if lo == hi { lo /= 2; hi *= 2 } else {
                let (a, b) = (Double.log10(lo), Double.log10(hi))
                let pad = (b - a) * 0.04
                lo = Double.pow(10, a - pad); hi = Double.pow(10, b + pad)
            }
        case .linear:
            if lo == hi { let d = Swift.max(Swift.abs(lo) * 0.1, 1); lo -= d; hi += d } else {
                let pad = (hi - lo) * 0.04; lo -= pad; hi += pad
            }
        }
        return lo...hi
    }

    /// The label a log axis shows: `label` plus " (log scale)", unless it says "log" already.
    static func axisLabel(_ label: String, scale: PlotScale) -> String {
        guard scale == .log10, !label.isEmpty, !label.lowercased().contains("log") else { return label }
        return label + " (log scale)"
    }

    /// Greedy word wrap at `width` characters (a word longer than that gets a line of its own).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width { lines.append(line); line = "" }
            line += line.isEmpty ? String(word) : " " + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    static func n(_ v: Double) -> String { PlotNumberFormat.trimmed(PlotNumberFormat.fixed(v, 2)) }

    /// A slightly generous estimate of the width of `s` in DejaVu Sans (0.55 em a character; mixed
    /// text averages about 0.5).
    static func textWidth(_ s: String, fontSize: Double) -> Double { Double(s.count) * fontSize * 0.55 }

    /// The font size, at most `size`, at which `s` fits in `room` pixels.
    static func fitting(_ s: String, size: Double, room: Double) -> Double {
        let w = textWidth(s, fontSize: size)
        return w <= room ? size : Swift.max(8, size * room / w)
    }

    /// A point marker of radius `r` at (x, y).
    static func shape(_ shape: PlotPointShape, x: Double, y: Double, r: Double, fill: String, stroke: String,
                      strokeWidth: Double, opacity: Double = 1) -> String {
        let style = "fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"\(n(strokeWidth))\"" + (opacity < 1 ? " opacity=\"\(n(opacity))\"" : "")
        switch shape {
        case .circle:
            return "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(r))\" \(style)/>"
        case .square:
            let h = r * 0.9
            return "<rect x=\"\(n(x - h))\" y=\"\(n(y - h))\" width=\"\(n(2 * h))\" height=\"\(n(2 * h))\" \(style)/>"
        case .diamond:
            let h = r * 1.25
            return "<path d=\"M\(n(x)),\(n(y - h)) L\(n(x + h)),\(n(y)) L\(n(x)),\(n(y + h)) L\(n(x - h)),\(n(y)) Z\" \(style)/>"
        case .triangle:
            let h = r * 1.25
            return "<path d=\"M\(n(x)),\(n(y - h)) L\(n(x + h)),\(n(y + 0.75 * h)) L\(n(x - h)),\(n(y + 0.75 * h)) Z\" \(style)/>"
        }
    }

    /// What the legend shows before an entry's text.
    enum LegendSample {
        case line(color: String, width: Double, opacity: Double, dashed: Bool, point: PlotPointShape?, pointSize: Double)
        case vertical(color: String, width: Double, dashed: Bool)
        case point(PlotPoint)
        case none
    }

    /// The SVG document.
    public func svg() -> String {
        let subtitleLines = subtitle.map { Self.wrap($0, width: Int((width - 40) / 7)) } ?? []
        let top = 44.0 + 17 * Double(subtitleLines.count), bottom = 62.0, right = 24.0
        let plotH = height - top - bottom
        let xr = Self.fitRange(series.flatMap(\.x), scale: xScale, given: xRange)
        let yr = Self.fitRange(zip(series.flatMap(\.x), series.flatMap(\.y)).filter { xScale.accepts($0.0) && (xRange?.contains($0.0) ?? true) }.map(\.1),
                               scale: yScale, given: yRange)
        // The y ticks decide the left margin (their labels must fit), which decides the x axis' length.
        let yt = PlotTicks.make(range: yr, scale: yScale, maxLabels: Swift.max(2, Int(plotH / 26)))
        let widestY = yt.labels.map { Self.textWidth($0, fontSize: 13) }.max() ?? 0
        let left = Swift.max(84, (43 + widestY).rounded(.up))
        let plotW = width - left - right
        let xt = PlotTicks.make(range: xr, scale: xScale, maxLabels: Swift.max(2, Int(plotW / 64)), integer: xIntegerTicks)
        let (tx0, tx1) = (xScale.transform(xr.lowerBound), xScale.transform(xr.upperBound))
        let (ty0, ty1) = (yScale.transform(yr.lowerBound), yScale.transform(yr.upperBound))
        // Pixel positions, clamped far outside the frame so huge values stay representable.
        func px(_ x: Double) -> Double { Swift.min(Swift.max(left + (xScale.transform(x) - tx0) / (tx1 - tx0) * plotW, -10 * width), 11 * width) }
        func py(_ y: Double) -> Double { Swift.min(Swift.max(top + plotH - (yScale.transform(y) - ty0) / (ty1 - ty0) * plotH, -10 * height), 11 * height) }
        func inFrame(_ x: Double, _ y: Double) -> Bool { x >= left && x <= left + plotW && y >= top && y <= top + plotH }
        func drawable(_ x: Double, _ y: Double) -> Bool { xScale.accepts(x) && yScale.accepts(y) }

        let titleSize = Self.fitting(title, size: 18, room: width - 20)
        var s = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Self.n(width))" height="\(Self.n(height))" \
        viewBox="0 0 \(Self.n(width)) \(Self.n(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
        <rect width="100%" height="100%" fill="white"/>
        <defs><clipPath id="plot-area"><rect x="\(Self.n(left))" y="\(Self.n(top))" width="\(Self.n(plotW))" height="\(Self.n(plotH))"/></clipPath></defs>
        <text x="\(Self.n(width / 2))" y="26" text-anchor="middle" font-size="\(Self.n(titleSize))" font-weight="bold">\(Self.escape(title))</text>

        """
        for (k, line) in subtitleLines.enumerated() {
            s += "<text x=\"\(Self.n(width / 2))\" y=\"\(Self.n(48 + 17 * Double(k)))\" text-anchor=\"middle\" font-size=\"13\" fill=\"#444\">\(Self.escape(line))</text>\n"
        }

        // Grid and ticks.
        s += "<g stroke=\"#e6e6e6\" stroke-width=\"1\">\n"
        for v in xt.minor { s += "<line x1=\"\(Self.n(px(v)))\" y1=\"\(Self.n(top))\" x2=\"\(Self.n(px(v)))\" y2=\"\(Self.n(top + plotH))\" stroke=\"#f2f2f2\"/>\n" }
        for v in yt.minor { s += "<line x1=\"\(Self.n(left))\" y1=\"\(Self.n(py(v)))\" x2=\"\(Self.n(left + plotW))\" y2=\"\(Self.n(py(v)))\" stroke=\"#f2f2f2\"/>\n" }
        for v in xt.major { s += "<line x1=\"\(Self.n(px(v)))\" y1=\"\(Self.n(top))\" x2=\"\(Self.n(px(v)))\" y2=\"\(Self.n(top + plotH))\"/>\n" }
        for v in yt.major { s += "<line x1=\"\(Self.n(left))\" y1=\"\(Self.n(py(v)))\" x2=\"\(Self.n(left + plotW))\" y2=\"\(Self.n(py(v)))\"/>\n" }
        s += "</g>\n<g stroke=\"#333\" stroke-width=\"1\">\n"
        for v in xt.minor { s += "<line x1=\"\(Self.n(px(v)))\" y1=\"\(Self.n(top + plotH))\" x2=\"\(Self.n(px(v)))\" y2=\"\(Self.n(top + plotH + 3))\"/>\n" }
        for v in xt.major { s += "<line x1=\"\(Self.n(px(v)))\" y1=\"\(Self.n(top + plotH))\" x2=\"\(Self.n(px(v)))\" y2=\"\(Self.n(top + plotH + 6))\"/>\n" }
        for v in yt.minor { s += "<line x1=\"\(Self.n(left - 3))\" y1=\"\(Self.n(py(v)))\" x2=\"\(Self.n(left))\" y2=\"\(Self.n(py(v)))\"/>\n" }
        for v in yt.major { s += "<line x1=\"\(Self.n(left - 6))\" y1=\"\(Self.n(py(v)))\" x2=\"\(Self.n(left))\" y2=\"\(Self.n(py(v)))\"/>\n" }
        s += "</g>\n<g font-size=\"13\" fill=\"#222\">\n"
        for (v, label) in zip(xt.major, xt.labels) {
            s += "<text x=\"\(Self.n(px(v)))\" y=\"\(Self.n(top + plotH + 22))\" text-anchor=\"middle\">\(Self.escape(label))</text>\n"
        }
        for (v, label) in zip(yt.major, yt.labels) {
            s += "<text x=\"\(Self.n(left - 9))\" y=\"\(Self.n(py(v) + 4.5))\" text-anchor=\"end\">\(Self.escape(label))</text>\n"
        }
        s += "</g>\n"
        let xTitle = Self.axisLabel(xLabel, scale: xScale), yTitle = Self.axisLabel(yLabel, scale: yScale)
        let xTitleSize = Self.fitting(xTitle, size: 15, room: plotW), yTitleSize = Self.fitting(yTitle, size: 15, room: plotH + 30)
        s += "<text x=\"\(Self.n(left + plotW / 2))\" y=\"\(Self.n(height - 14))\" text-anchor=\"middle\" font-size=\"\(Self.n(xTitleSize))\">\(Self.escape(xTitle))</text>\n"
        s += "<text transform=\"translate(20 \(Self.n(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"\(Self.n(yTitleSize))\">\(Self.escape(yTitle))</text>\n"

        // Pixels the data cover, to keep the legend off them.
        var covered: [(Double, Double)] = []
        func cover(from a: (Double, Double), to b: (Double, Double)) {
            let steps = Swift.min(400, Swift.max(1, Int((Swift.abs(b.0 - a.0) + Swift.abs(b.1 - a.1)) / 3)))
            for k in 0...steps {
                let t = Double(k) / Double(steps)
                let p = (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))
                if inFrame(p.0, p.1) { covered.append(p) }
            }
        }

        // Series, clipped to the frame; the line breaks at undrawable points.
        var colors: [String] = []
        s += "<g clip-path=\"url(#plot-area)\" fill=\"none\" stroke-linejoin=\"round\" stroke-linecap=\"round\">\n"
        for (k, series) in series.enumerated() {
            let color = series.color ?? Self.palette[k % Self.palette.count]
            colors.append(color)
            var segments: [[(Double, Double)]] = [[]]
            for (x, y) in zip(series.x, series.y) {
                if drawable(x, y) { segments[segments.count - 1].append((px(x), py(y))) }
                else if !segments[segments.count - 1].isEmpty { segments.append([]) }
            }
            let dash = series.dashed ? " stroke-dasharray=\"6 4\"" : ""
            for seg in segments where !seg.isEmpty {
                if seg.count == 1 {
                    covered.append(seg[0])
                    if series.points == nil {
                        s += "<circle cx=\"\(Self.n(seg[0].0))\" cy=\"\(Self.n(seg[0].1))\" r=\"\(Self.n(series.lineWidth + 1))\" fill=\"\(color)\" fill-opacity=\"\(Self.n(series.opacity))\" stroke=\"none\"/>\n"
                    }
                } else {
                    for (a, b) in zip(seg, seg.dropFirst()) { cover(from: a, to: b) }
                    let points = seg.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")
                    s += "<polyline points=\"\(points)\" stroke=\"\(color)\" stroke-width=\"\(Self.n(series.lineWidth))\" stroke-opacity=\"\(Self.n(series.opacity))\"\(dash)/>\n"
                }
            }
            if let shape = series.points {
                for seg in segments {
                    for (x, y) in seg {
                        s += Self.shape(shape, x: x, y: y, r: series.pointSize, fill: color, stroke: "white", strokeWidth: 0.8,
                                        opacity: series.opacity) + "\n"
                    }
                }
            }
        }
        s += "</g>\n"

        // Vertical markers: a line, and its label near the bottom on the side with more room
        // (labels of neighbouring markers are stacked upwards).
        var labelRow = 0
        for m in markers where xScale.accepts(m.x) && xr.contains(m.x) {
            let x = px(m.x)
            let dash = m.dashed ? " stroke-dasharray=\"5 4\"" : ""
            s += "<line x1=\"\(Self.n(x))\" y1=\"\(Self.n(top))\" x2=\"\(Self.n(x))\" y2=\"\(Self.n(top + plotH))\" stroke=\"\(m.color)\" stroke-width=\"\(Self.n(m.lineWidth))\"\(dash)/>\n"
            cover(from: (x, top), to: (x, top + plotH))
            guard !m.label.isEmpty else { continue }
            let onRight = x < left + plotW * 0.6
            let y = top + plotH - 12 - 17 * Double(labelRow)
            labelRow += 1
            s += "<text x=\"\(Self.n(x + (onRight ? 6 : -6)))\" y=\"\(Self.n(y))\" text-anchor=\"\(onRight ? "start" : "end")\" font-size=\"13\" fill=\"\(m.color)\" font-weight=\"bold\" "
                + "stroke=\"white\" stroke-width=\"4\" stroke-linejoin=\"round\" paint-order=\"stroke\">\(Self.escape(m.label))</text>\n"
            let w = Self.textWidth(m.label, fontSize: 13)
            cover(from: (onRight ? x + 6 : x - 6 - w, y - 5), to: (onRight ? x + 6 + w : x - 6, y - 5))
        }

        // Highlighted points, over everything but the legend.
        for p in points where drawable(p.x, p.y) {
            let (x, y) = (px(p.x), py(p.y))
            guard inFrame(x, y) else { continue }
            covered.append((x, y))
            s += p.hollow
                ? Self.shape(p.shape, x: x, y: y, r: p.size, fill: "none", stroke: p.color, strokeWidth: 2.5) + "\n"
                : Self.shape(p.shape, x: x, y: y, r: p.size, fill: p.color, stroke: "white", strokeWidth: 1) + "\n"
        }

        // Frame.
        s += "<rect x=\"\(Self.n(left))\" y=\"\(Self.n(top))\" width=\"\(Self.n(plotW))\" height=\"\(Self.n(plotH))\" fill=\"none\" stroke=\"#333\" stroke-width=\"1\"/>\n"

        // Legend: series, points, markers, notes; inside the frame, in the corner (or at the middle
        // of the top or bottom edge) that covers the fewest drawn pixels.
        var entries: [(LegendSample, String)] = []
        for k in series.indices where !series[k].name.isEmpty {
            let x = series[k]
            entries.append((.line(color: colors[k], width: Swift.max(x.lineWidth, 2), opacity: Swift.max(x.opacity, 0.5), dashed: x.dashed,
                                  point: x.points, pointSize: x.pointSize), x.name))
        }
        for p in points { if let text = p.legend { entries.append((.point(p), text)) } }
        for m in markers { if let text = m.legend { entries.append((.vertical(color: m.color, width: Swift.max(m.lineWidth, 1.5), dashed: m.dashed), text)) } }
        for note in notes { entries.append((.none, note)) }
        guard !entries.isEmpty else { return s + "</svg>\n" }
        let longest = entries.map { Self.textWidth($0.1, fontSize: 13) }.max()!
        let boxW = Swift.min(46 + longest, plotW - 16), boxH = 10 + 20 * Double(entries.count)
        let xs = [left + plotW - boxW - 8, left + 8, left + (plotW - boxW) / 2]
        let ys = [top + 8, top + plotH - boxH - 8]
        let candidates = [(xs[0], ys[0]), (xs[1], ys[0]), (xs[0], ys[1]), (xs[1], ys[1]), (xs[2], ys[0]), (xs[2], ys[1])]
        func overlap(_ c: (Double, Double)) -> Int {
            covered.reduce(0) { $0 + ($1.0 >= c.0 - 4 && $1.0 <= c.0 + boxW + 4 && $1.1 >= c.1 - 4 && $1.1 <= c.1 + boxH + 4 ? 1 : 0) }
        }
        var (bx, by) = candidates[0]
        var best = overlap(candidates[0])
        for c in candidates.dropFirst() where best > 0 {
            let o = overlap(c)
            if o < best { best = o; (bx, by) = c }
        }
        s += "<g font-size=\"13\">\n<rect x=\"\(Self.n(bx))\" y=\"\(Self.n(by))\" width=\"\(Self.n(boxW))\" height=\"\(Self.n(boxH))\" fill=\"white\" fill-opacity=\"0.92\" stroke=\"#bbb\"/>\n"
        for (row, (sample, text)) in entries.enumerated() {
            let y = by + 15 + 20 * Double(row)
            switch sample {
            case let .line(color, width, opacity, dashed, point, size):
                let dash = dashed ? " stroke-dasharray=\"6 4\"" : ""
                s += "<line x1=\"\(Self.n(bx + 8))\" y1=\"\(Self.n(y))\" x2=\"\(Self.n(bx + 34))\" y2=\"\(Self.n(y))\" stroke=\"\(color)\" stroke-width=\"\(Self.n(width))\" stroke-opacity=\"\(Self.n(opacity))\"\(dash)/>\n"
                if let point { s += Self.shape(point, x: bx + 21, y: y, r: size, fill: color, stroke: "white", strokeWidth: 0.8) + "\n" }
            case let .vertical(color, width, dashed):
                let dash = dashed ? " stroke-dasharray=\"4 3\"" : ""
                s += "<line x1=\"\(Self.n(bx + 21))\" y1=\"\(Self.n(y - 8))\" x2=\"\(Self.n(bx + 21))\" y2=\"\(Self.n(y + 8))\" stroke=\"\(color)\" stroke-width=\"\(Self.n(width))\"\(dash)/>\n"
            case .point(let p):
                let r = Swift.min(p.size, 7)
                s += (p.hollow
                    ? Self.shape(p.shape, x: bx + 21, y: y, r: r, fill: "none", stroke: p.color, strokeWidth: 2.5)
                    : Self.shape(p.shape, x: bx + 21, y: y, r: r, fill: p.color, stroke: "white", strokeWidth: 1)) + "\n"
            case .none:
                break
            }
            let fill = if case .none = sample { " fill=\"#555\"" } else { "" }
            s += "<text x=\"\(Self.n(bx + 40))\" y=\"\(Self.n(y + 4.5))\"\(fill)>\(Self.escape(text))</text>\n"
        }
        s += "</g>\n</svg>\n"
        return s
    }
}
