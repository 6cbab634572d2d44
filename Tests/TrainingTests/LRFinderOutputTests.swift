import Testing
import Descent
import _TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The range test's table as CSV and as an SVG plot. Set DESCENT_PLOT_DIR to a folder to also write
/// the SVGs there (to look at them: `rsvg-convert -o out.png file.svg`).
struct LRFinderOutputTests {
    /// A real run: rotated quadratic (κ = 100) with momentum, so the curve falls, then diverges.
    func quadraticRun() throws -> LRRangeTestResult {
        let n = 12
        let h = LRFinderQuadraticTests.hessian(n: n, kappa: 100, seed: 5)
        var objective = ClosureObjective<Double>(parameterCount: n) { p, g in
            var f = 0.0
            for i in 0..<n {
                let hx = (0..<n).reduce(0.0) { $0 + h[i][$1] * p[$1] }
                g[i] = hx; f += 0.5 * p[i] * hx
            }
            return f
        }
        var optimizer = TestMomentumSGD<Double>(parameterCount: n, momentum: 0.5)
        var sampler = BatchSampler(sampleCount: 1, batchSize: 1, mode: .none, seed: 1)
        var x: [Double] = randomVector(n, seed: 9)
        return try LRRangeTest(sweep: LRSweep(start: 1e-6, end: 10, iterations: 100))
            .run(objective: &objective, optimizer: &optimizer, parameters: &x, sampler: &sampler)
    }

    @Test func csvRoundTrips() throws {
        let r = LRRangeTestResult(learningRates: [1e-7, 0.1, 3.3], rawLosses: [2.5, 1.0 / 3, .nan],
                                  smoothedLosses: [2.5, 1.7, .infinity], stop: .nonFinite(index: 2), plannedIterations: 3)
        let lines = r.csv.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "lr,raw_loss,smoothed_loss" && lines.count == 5 && lines.last == "")
        for (k, line) in lines.dropFirst().prefix(3).enumerated() {
            let f = line.split(separator: ",").map { Double(String($0))! }
            #expect(f[0] == r.learningRates[k] && f[2] == r.smoothedLosses[k])
            #expect(f[1] == r.rawLosses[k] || (f[1].isNaN && r.rawLosses[k].isNaN))
        }
        let real = try quadraticRun()
        #expect(real.csv.split(separator: "\n").count == real.learningRates.count + 1)
        #expect(real.rows.count == real.learningRates.count)
    }

    @Test func plotMarksTheSuggestionAndClipsTheDivergence() throws {
        let r = try quadraticRun()
        guard case .diverged = r.stop else { Issue.record("expected divergence, got \(r.stop)"); return }
        let suggestion = r.suggest(.steepest)
        let lr = try #require(suggestion.learningRate)
        let plot = r.plot(rule: .steepest)
        // Every rule with a rate has a line and a legend entry; the highlighted one (steepest) is drawn
        // last, solid and labelled, the others dashed and unlabelled; rules without one are notes.
        let reliable = LRSuggestionRule.allCases.filter { r.suggest($0).learningRate != nil }
        #expect(plot.xScale == .log10 && plot.markers.count == reliable.count && reliable.count >= 2)
        #expect(plot.markers.count + plot.notes.count == LRSuggestionRule.allCases.count)
        let highlighted = try #require(plot.markers.last)
        #expect(highlighted.x == lr && highlighted.label.hasPrefix("steepest: ") && !highlighted.dashed)
        #expect(highlighted.legend?.hasPrefix("steepest: ") == true && highlighted.legend?.hasSuffix("(highlighted)") == true)
        for rule in reliable where rule != .steepest {
            let m = try #require(plot.markers.first { $0.legend?.hasPrefix(rule == .minimum ? "minimum/10: " : "\(rule.rawValue): ") == true },
                                 "no legend entry for \(rule)")
            #expect(m.dashed && m.label.isEmpty && m.x == r.suggest(rule).learningRate)
        }
        #expect(Set(plot.markers.map(\.color)).count == plot.markers.count)   // one colour each
        #expect(plot.points.count == reliable.count)                        // where each rule read the curve
        // The x range covers every suggestion.
        let xr = try #require(plot.xRange)
        #expect(plot.markers.allSatisfy { xr.contains($0.x) })
        // `rule:` picks the highlighted one, `suggestion:` replaces its rate.
        let valley = r.plot(rule: .valley, suggestion: .rate(1e-3, index: 30))
        #expect(valley.markers.last?.label == "valley: 0.001" && valley.markers.filter { !$0.dashed }.count == 1)
        // The y range ends near the start of the curve, far below the diverged losses.
        let y = try #require(plot.yRange)
        #expect(y.upperBound < 1.2 * r.smoothedLosses[0] && r.smoothedLosses.last! > y.upperBound)
        #expect(y.lowerBound <= r.smoothedLosses.min()!)
        let svg = r.svg()
        #expect(svg.contains(">learning rate (log scale)</text>") && svg.contains(">training loss</text>"))
        #expect(r.svg(lossUnits: "standardised targets").contains(">training loss, standardised targets</text>"))
        #expect(svg.contains(">10⁻⁶</text>") && svg.contains(">10⁻³</text>"))  // the x axis spans the rates tried

        // Without a reliable suggestion the reason is shown instead of a marker.
        let flat = LRRangeTestResult(learningRates: (0..<30).map { Double.pow(10, -6 + 0.2 * Double($0)) },
                                     rawLosses: Array(repeating: 1, count: 30), smoothedLosses: Array(repeating: 1, count: 30),
                                     plannedIterations: 30)
        let fp = flat.plot(rule: .valley)
        #expect(fp.markers.isEmpty && fp.subtitle?.contains("no reliable suggestion") == true)
        #expect(fp.notes.count == LRSuggestionRule.allCases.count && fp.notes.contains("valley: no reliable suggestion"))
        #expect(fp.svg().contains(">minimum/10: no reliable suggestion</text>"))

        if let dir = getenv("DESCENT_PLOT_DIR").map({ String(cString: $0) }) {
            write(svg, to: dir + "/lr-find-quadratic.svg")
            write(r.svg(rule: .valley), to: dir + "/lr-find-quadratic-valley.svg")
            write(fp.svg(), to: dir + "/lr-find-flat.svg")
            // A noisy mini-batch curve (least squares, batches of 8, reshuffled), to look at.
            var g = SeededGenerator(seed: 3)
            let a = (0..<200).map { _ in (0..<5).map { _ in g.nextGaussian() } }
            let b = a.map { row in row.reduce(0, +) + 0.3 * g.nextGaussian() }  // w* = (1, …, 1) plus noise
            var objective = TestLeastSquares<Double>(a: a, b: b)
            var optimizer = TestMomentumSGD<Double>(parameterCount: 5, momentum: 0.9)
            var sampler = BatchSampler(sampleCount: 200, batchSize: 8, mode: .reshuffle, seed: 4)
            var w = [Double](repeating: 0, count: 5)
            let noisy = try LRRangeTest(sweep: LRSweep(start: 1e-5, end: 10, iterations: 120))
                .run(objective: &objective, optimizer: &optimizer, parameters: &w, sampler: &sampler)
            write(noisy.svg(rule: .valley), to: dir + "/lr-find-minibatch.svg")
        }
    }

    func write(_ text: String, to path: String) {
        guard let f = fopen(path, "w") else { Issue.record("cannot write \(path)"); return }
        fputs(text, f)
        fclose(f)
    }
}
