import LinearAlgebra

extension LinePlot {
    /// The range of one axis: the given one, or the drawable data's extent (padded on linear axes;
    /// widened around a single value). Falls back to [1, 10] (log) or [0, 1] when nothing is drawable.
    static func fitRange(_ values: [Double], scale: PlotScale, given: ClosedRange<Double>?) -> ClosedRange<Double> {
        if let given { return given }
        let v = values.filter(scale.accepts)
        guard var lo = v.min(), var hi = v.max() else { return scale == .log10 ? 1...10 : 0...1 }
        switch scale {
        case .log10:
            if lo == hi { lo /= 2; hi *= 2 }
        case .linear:
            if lo == hi { let d = Swift.max(Swift.abs(lo) * 0.1, 1); lo -= d; hi += d } else {
                let pad = (hi - lo) * 0.04; lo -= pad; hi += pad
            }
        }
        return lo...hi
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

    /// The SVG document.
    public func svg() -> String {
        let subtitleLines = subtitle.map { Self.wrap($0, width: Int((width - 40) / 7)) } ?? []
        let left = 84.0, right = 24.0, top = 44.0 + 17 * Double(subtitleLines.count), bottom = 62.0
        let plotW = width - left - right, plotH = height - top - bottom
        let xr = Self.fitRange(series.flatMap(\.x), scale: xScale, given: xRange)
        let yr = Self.fitRange(zip(series.flatMap(\.x), series.flatMap(\.y)).filter { xScale.accepts($0.0) }.map(\.1),
                               scale: yScale, given: yRange)
        let (tx0, tx1) = (xScale.transform(xr.lowerBound), xScale.transform(xr.upperBound))
        let (ty0, ty1) = (yScale.transform(yr.lowerBound), yScale.transform(yr.upperBound))
        // Pixel positions, clamped far outside the frame so huge values stay representable.
        func px(_ x: Double) -> Double { Swift.min(Swift.max(left + (xScale.transform(x) - tx0) / (tx1 - tx0) * plotW, -10 * width), 11 * width) }
        func py(_ y: Double) -> Double { Swift.min(Swift.max(top + plotH - (yScale.transform(y) - ty0) / (ty1 - ty0) * plotH, -10 * height), 11 * height) }

        var s = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Self.n(width))" height="\(Self.n(height))" \
        viewBox="0 0 \(Self.n(width)) \(Self.n(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
        <rect width="100%" height="100%" fill="white"/>
        <defs><clipPath id="plot-area"><rect x="\(Self.n(left))" y="\(Self.n(top))" width="\(Self.n(plotW))" height="\(Self.n(plotH))"/></clipPath></defs>
        <text x="\(Self.n(width / 2))" y="26" text-anchor="middle" font-size="18" font-weight="bold">\(Self.escape(title))</text>

        """
        for (k, line) in subtitleLines.enumerated() {
            s += "<text x=\"\(Self.n(width / 2))\" y=\"\(Self.n(48 + 17 * Double(k)))\" text-anchor=\"middle\" font-size=\"13\" fill=\"#444\">\(Self.escape(line))</text>\n"
        }

        // Grid and ticks.
        let xt = PlotTicks.make(range: xr, scale: xScale), yt = PlotTicks.make(range: yr, scale: yScale)
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
        s += "<text x=\"\(Self.n(left + plotW / 2))\" y=\"\(Self.n(height - 14))\" text-anchor=\"middle\" font-size=\"15\">\(Self.escape(xLabel))</text>\n"
        s += "<text transform=\"translate(20 \(Self.n(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"15\">\(Self.escape(yLabel))</text>\n"

        // Series, clipped to the frame; the line breaks at undrawable points.
        var colors: [String] = []
        s += "<g clip-path=\"url(#plot-area)\" fill=\"none\" stroke-linejoin=\"round\" stroke-linecap=\"round\">\n"
        for (k, series) in series.enumerated() {
            let color = series.color ?? Self.palette[k % Self.palette.count]
            colors.append(color)
            var segments: [[String]] = [[]]
            for (x, y) in zip(series.x, series.y) {
                if xScale.accepts(x) && yScale.accepts(y) { segments[segments.count - 1].append("\(Self.n(px(x))),\(Self.n(py(y)))") }
                else if !segments[segments.count - 1].isEmpty { segments.append([]) }
            }
            let dash = series.dashed ? " stroke-dasharray=\"6 4\"" : ""
            for seg in segments where !seg.isEmpty {
                if seg.count == 1 {
                    let xy = seg[0].split(separator: ",")
                    s += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"\(Self.n(series.lineWidth + 1))\" fill=\"\(color)\" fill-opacity=\"\(Self.n(series.opacity))\" stroke=\"none\"/>\n"
                } else {
                    s += "<polyline points=\"\(seg.joined(separator: " "))\" stroke=\"\(color)\" stroke-width=\"\(Self.n(series.lineWidth))\" stroke-opacity=\"\(Self.n(series.opacity))\"\(dash)/>\n"
                }
            }
        }
        s += "</g>\n"

        // Markers: a dashed vertical line and its label at the top, on the side with more room.
        for m in markers where xScale.accepts(m.x) && xr.contains(m.x) {
            let x = px(m.x)
            s += "<line x1=\"\(Self.n(x))\" y1=\"\(Self.n(top))\" x2=\"\(Self.n(x))\" y2=\"\(Self.n(top + plotH))\" stroke=\"\(m.color)\" stroke-width=\"1.5\" stroke-dasharray=\"5 4\"/>\n"
            let onRight = x < left + plotW * 0.6
            s += "<text x=\"\(Self.n(x + (onRight ? 6 : -6)))\" y=\"\(Self.n(top + plotH - 12))\" text-anchor=\"\(onRight ? "start" : "end")\" font-size=\"13\" fill=\"\(m.color)\" font-weight=\"bold\">\(Self.escape(m.label))</text>\n"
        }

        // Frame and legend (top right, inside the frame).
        s += "<rect x=\"\(Self.n(left))\" y=\"\(Self.n(top))\" width=\"\(Self.n(plotW))\" height=\"\(Self.n(plotH))\" fill=\"none\" stroke=\"#333\" stroke-width=\"1\"/>\n"
        let named = series.indices.filter { !series[$0].name.isEmpty }
        if !named.isEmpty {
            let longest = named.map { series[$0].name.count }.max()!
            let boxW = 44 + 7.5 * Double(longest), boxH = 10 + 20 * Double(named.count)
            let bx = left + plotW - boxW - 8, by = top + 8
            s += "<g font-size=\"13\">\n<rect x=\"\(Self.n(bx))\" y=\"\(Self.n(by))\" width=\"\(Self.n(boxW))\" height=\"\(Self.n(boxH))\" fill=\"white\" fill-opacity=\"0.9\" stroke=\"#bbb\"/>\n"
            for (row, k) in named.enumerated() {
                let y = by + 15 + 20 * Double(row)
                let dash = series[k].dashed ? " stroke-dasharray=\"6 4\"" : ""
                s += "<line x1=\"\(Self.n(bx + 8))\" y1=\"\(Self.n(y))\" x2=\"\(Self.n(bx + 32))\" y2=\"\(Self.n(y))\" stroke=\"\(colors[k])\" stroke-width=\"\(Self.n(Swift.max(series[k].lineWidth, 2)))\" stroke-opacity=\"\(Self.n(Swift.max(series[k].opacity, 0.5)))\"\(dash)/>\n"
                s += "<text x=\"\(Self.n(bx + 38))\" y=\"\(Self.n(y + 4.5))\">\(Self.escape(series[k].name))</text>\n"
            }
            s += "</g>\n"
        }
        s += "</svg>\n"
        return s
    }
}
