import Foundation
import Testing
import Descent
import _TestSupport

/// rsvg-convert (Debian package librsvg2-bin), found on PATH; nil when it is not installed.
enum RSVG {
    static let path: String? = {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        return (dirs + ["/usr/bin", "/usr/local/bin"]).map { $0 + "/rsvg-convert" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Writes `svg` to `<name>.svg` in `directory` and renders it to `<name>.png`; returns the PNG's bytes.
    static func render(_ svg: String, named name: String, in directory: URL) throws -> Data {
        let input = directory.appendingPathComponent(name + ".svg"), output = directory.appendingPathComponent(name + ".png")
        try Data(svg.utf8).write(to: input)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try #require(path))
        p.arguments = ["--format", "png", "-o", output.path, input.path]
        let errors = Pipe(), out = Pipe()
        p.standardError = errors
        p.standardOutput = out
        try p.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        _ = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "rsvg-convert failed on \(name).svg: \(message)")
        return try Data(contentsOf: output)
    }

    /// Width and height from a PNG's IHDR chunk (right after the 8-byte signature), nil when `png` is not a PNG.
    static func size(_ png: Data) -> (width: Int, height: Int)? {
        let b = [UInt8](png.prefix(24))
        guard b.count == 24, b[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], b[12..<16] == [0x49, 0x48, 0x44, 0x52] else { return nil }
        func be(_ i: Int) -> Int { b[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (be(16), be(20))
    }
}

/// The plots rendered to PNG by rsvg-convert: each parses, has the SVG's size, and is far from blank
/// (its PNG is several times the size of a blank render of the same size). Set DESCENT_PLOT_DIR to
/// keep the SVGs and PNGs there (to look at them); otherwise they go to a temporary folder.
@Suite(.enabled(if: RSVG.path != nil, "rsvg-convert is not installed (apt-get install librsvg2-bin)"))
struct PlotRenderTests {
    let directory: URL

    init() throws {
        if let dir = ProcessInfo.processInfo.environment["DESCENT_PLOT_DIR"] {
            directory = URL(fileURLWithPath: dir)
        } else {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("descent-plots-\(UUID().uuidString)")
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// A blank render of the same size, for comparison.
    func blankPNGSize(width: Int, height: Int) throws -> Int {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\"><rect width=\"100%\" height=\"100%\" fill=\"white\"/></svg>\n"
        return try RSVG.render(svg, named: "blank-\(width)x\(height)", in: directory).count
    }

    func checkRendered(_ plot: LinePlot, named name: String) throws {
        let png = try RSVG.render(plot.svg(), named: name, in: directory)
        let size = try #require(RSVG.size(png), "\(name).png is not a PNG")
        #expect(size.width == Int(plot.width) && size.height == Int(plot.height))
        let blank = try blankPNGSize(width: size.width, height: size.height)
        #expect(png.count > 4 * blank && png.count > 10_000, "\(name).png is \(png.count) bytes, a blank one \(blank): nearly blank?")
    }

    /// 12 epochs: training loss falling, validation loss lowest at epoch 8, stopped early after epoch 11
    /// (patience 3), in data units.
    static func earlyStoppedHistory() -> [EpochRecord] {
        let train = [412.0, 6.1, 4.9, 4.5, 4.38, 4.3, 4.27, 4.25, 4.24, 4.235, 4.232]
        let validation = [9.5, 5.2, 4.6, 4.4, 4.31, 4.26, 4.22, 4.19, 4.2, 4.23, 4.21]
        return train.indices.map { i in
            EpochRecord(epoch: i, trainingLoss: train[i], validationLoss: validation[i], validationMetric: 0.99, learningRate: 0.05,
                        steps: 125 * (i + 1), samples: 4000, seconds: 0.01, samplesPerSecond: 4e5)
        }
    }

    @Test func trainingPlotWithValidationAndEarlyStopping() throws {
        let history = Self.earlyStoppedHistory()
        let rule = EarlyStopping(patience: 3)
        let plot = LinePlot.trainingLoss(history, hasValidation: true, loss: .squaredError, units: .dataUnits, earlyStopping: rule,
                                         stopReason: .earlyStopped(epoch: 10, bestEpoch: 7))
        #expect(plot.yScale == .log10 && plot.yLabel == "loss, targets in data units" && plot.xIntegerTicks)
        #expect(plot.series.map(\.points) == [.circle, .square])
        let best = try #require(plot.points.first)
        #expect(best.x == 8 && best.y == 4.19 && best.legend == "best epoch 8 (validation loss 4.19): the model kept")
        let stop = try #require(plot.markers.first)
        #expect(stop.x == 11 && stop.legend == "stopped early after epoch 11 (patience 3)")
        // Replaying the rule finds the same best epoch when the stop reason does not say.
        let replayed = LinePlot.trainingLoss(history, hasValidation: true, loss: .squaredError, units: .dataUnits, earlyStopping: rule)
        #expect(replayed.points == plot.points && replayed.markers.isEmpty)
        #expect(LinePlot.bestEpoch(history, hasValidation: true, earlyStopping: rule)?.index == 7)
        #expect(LinePlot.bestEpoch(history, hasValidation: false, earlyStopping: nil)?.index == 10)
        let svg = plot.svg()
        #expect(svg.contains(">loss, targets in data units (log scale)</text>") && svg.contains(">Squared-error loss per epoch</text>"))
        #expect(svg.contains(">best epoch 8 (validation loss 4.19): the model kept</text>"))
        #expect(svg.contains(">stopped early after epoch 11 (patience 3)</text>"))
        try checkRendered(plot, named: "train-early-stopping")
    }

    @Test func standardisedTrainingPlot() throws {
        let history = (0..<15).map { i in
            EpochRecord(epoch: i, trainingLoss: 0.0007 + 0.02 * Double.pow(0.2, Double(i)), validationLoss: 0.00072 + 0.0003 * Double.pow(0.6, Double(i)),
                        validationMetric: 0.998, learningRate: 0.2, steps: 125 * (i + 1), samples: 4000, seconds: 0.01, samplesPerSecond: 4e5)
        }
        let plot = LinePlot.trainingLoss(history, hasValidation: true, loss: .squaredError, units: .standardizedTargets, stopReason: .completed)
        #expect(plot.yLabel == "loss, standardised targets" && plot.subtitle?.contains("standardised") == true)
        #expect(plot.points.count == 1 && plot.points[0].legend?.hasPrefix("lowest validation loss: epoch 15") == true && plot.markers.isEmpty)
        let svg = plot.svg()
        #expect(svg.contains(">loss, standardised targets (log scale)</text>"))
        // Less than 1.5 decades of loss: the axis is labelled at 1-2-5 multiples, not only at powers of ten.
        #expect(svg.contains(">0.001</text>") && svg.contains(">0.002</text>") && svg.contains(">0.005</text>"))
        try checkRendered(plot, named: "train-standardised")
        // A classification run has no units to state; a run without validation marks its lowest training loss.
        let plain = LinePlot.trainingLoss(history, hasValidation: false, loss: .binaryLogistic)
        #expect(plain.yLabel == "loss" && plain.series.count == 1 && plain.points[0].legend?.hasPrefix("lowest training loss") == true)
    }

    @Test func shortRangeLogAxisShowsItsScale() throws {
        // Less than half a decade of loss (a run that starts near its floor): still a log axis, labelled
        // at every multiple, unevenly spaced, and says so.
        let train = [0.0089, 0.0071, 0.0064, 0.0059, 0.0056, 0.0054, 0.0053, 0.0052, 0.00515, 0.0051]
        let history = train.indices.map { i in
            EpochRecord(epoch: i, trainingLoss: train[i], validationLoss: nil, validationMetric: nil, learningRate: 0.01,
                        steps: 313 * (i + 1), samples: 20000, seconds: 0.01, samplesPerSecond: 2e6)
        }
        let plot = LinePlot.trainingLoss(history, hasValidation: false, loss: .squaredError, units: .dataUnits)
        let svg = plot.svg()
        #expect(plot.yScale == .log10 && svg.contains(">loss, targets in data units (log scale)</text>"))
        for label in ["0.005", "0.006", "0.007", "0.008", "0.009"] { #expect(svg.contains(">\(label)</text>"), "no tick \(label)") }
        try checkRendered(plot, named: "train-short-range")
    }

    @Test func lrFindPlotMarksEverySuggestion() throws {
        let r = try LRFinderOutputTests().quadraticRun()
        let plot = r.plot(rule: .valley, lossUnits: "standardised targets")
        let svg = plot.svg()
        for rule in LRSuggestionRule.allCases {
            let name = rule == .minimum ? "minimum/10" : rule.rawValue
            #expect(svg.contains(">\(name): "), "no legend entry for \(name)")
        }
        #expect(svg.contains("(highlighted)</text>") && plot.markers.last?.legend?.hasPrefix("valley: ") == true)
        try checkRendered(plot, named: "lr-find")
    }
}
