import ArgumentParser
import Descent
import Foundation

/// Range-test settings shared by `lr-find` and `train --lr auto`.
struct RangeTestSettings: ParsableArguments {
    @Option(name: .long, help: "Lowest learning rate of the sweep.")
    var start: Double = 1e-7

    @Option(name: .long, help: "Highest learning rate of the sweep.")
    var end: Double = 10

    @Option(name: .long, help: "Updates in the sweep (one mini-batch each).")
    var iterations: Int = 100

    @Option(name: .long, help: "Spacing of the rates: exponential or linear.")
    var spacing: LRSpacing = .exponential

    @Option(name: .long, help: "β of the debiased moving average that smooths the loss (0 = no smoothing).")
    var smoothing: Double = 0.98

    @Option(name: .long, help: "Stop when the smoothed loss exceeds this multiple of the best so far.")
    var divergence: Double = 4

    static var defaults: RangeTestSettings { try! RangeTestSettings.parse([]) }

    func test() throws -> LRRangeTest {
        try LRRangeTest(sweep: LRSweep(start: start, end: end, iterations: iterations, spacing: spacing),
                        smoothing: smoothing == 0 ? .none : .debiasedEMA(beta: smoothing), divergenceThreshold: divergence)
    }
}

extension LRSpacing: ExpressibleByArgument {}
extension LRSuggestionRule: ExpressibleByArgument {}

/// `descent lr-find`: the learning-rate range test.
struct LRFind: ParsableCommand, PrecisionGeneric {
    static let configuration = CommandConfiguration(
        commandName: "lr-find",
        abstract: "Learning-rate range test: sweep the rate upward, record the loss, suggest a rate.",
        discussion: """
        Trains from the start point with a rate rising from --start to --end (one mini-batch per rate), \
        stops when the smoothed loss diverges, and reads suggestions off the curve: steepest descent, \
        fastai's valley, the minimum divided by 10, and `auto`, the three read together (what \
        `train --lr auto` uses). Nothing is saved from the sweep itself. The \
        cyclic/one-cycle bounds follow Smith: max = the suggestion, base = max/4.

        Examples:
          descent lr-find
          descent lr-find --data houses.csv --target price --standardize all \\
              --plot lr.svg --csv lr.csv
          descent lr-find --data d.csv --optimizer sgd --momentum 0.9 \\
              --batch-size 64 --json
        """)

    @OptionGroup(title: "Data") var data: DataOptions
    @OptionGroup(title: "Weights") var weights: WeightOptions
    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Optimizer") var optimizer: OptimizerOptions
    @OptionGroup(title: "Batches and preparation") var batches: BatchOptions
    @OptionGroup(title: "Range test") var range: RangeTestSettings
    @OptionGroup(title: "Computation") var compute: ComputeOptions

    @Option(name: .long, help: "The rule whose suggestion the plot highlights: auto (what --lr auto uses), steepest, valley or minimum.")
    var rule: LRSuggestionRule = .auto

    @Option(name: .long, help: ArgumentHelp("Write the table (lr, raw loss, smoothed loss) as CSV.", valueName: "path"))
    var csv: String?

    @Option(name: .long, help: ArgumentHelp("Write an SVG plot of the curve with the suggestion.", valueName: "path"))
    var plot: String?

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        try batches.validate()
        try compute.apply()
        try OutputPath.checkAll([(csv, "--csv"), (plot, "--plot")], json: json)
        try compute.run(self)
    }

    struct Report: Encodable {
        struct Suggestion: Encodable { var rule: String; var learningRate: Double?; var reason: String?; var cyclicBase: Double?; var cyclicMax: Double?; var note: String? }
        var on: String
        var updates: Int
        var plannedUpdates: Int
        var stop: String
        var suggestions: [Suggestion]
    }

    func run<Scalar: BLASScalar>(_: Scalar.Type) throws {
        var plan = try RunPlan(data, model, optimizer, batches, compute)
        plan.data.weights = try weights.spec()
        plan.learningRate = .given(1)   // the sweep's rate is the multiplier
        let prepared = try plan.prepare(Scalar.self)
        let (setup, b) = (prepared.setup, prepared.batch)
        let result = try prepared.rangeTest(try range.test())

        let stop: String = switch result.stop {
        case .completed: "completed all \(result.plannedIterations) updates"
        case .diverged(let i): "stopped at update \(i + 1): the smoothed loss exceeded \(Format.number(range.divergence))× its best"
        case .nonFinite(let i): "stopped at update \(i + 1): the loss was not finite"
        }
        var suggestions: [Report.Suggestion] = []
        for r in LRSuggestionRule.allCases {
            let s = result.suggest(r)
            let bounds = try s.smithBounds()
            suggestions.append(Report.Suggestion(rule: r.rawValue, learningRate: s.learningRate,
                                                 reason: { if case .unreliable(let why) = s { return why }; return nil }(),
                                                 cyclicBase: bounds?.base, cyclicMax: bounds?.max,
                                                 note: r == .auto && s.learningRate != nil ? result.consensus().note : nil))
        }
        if let path = csv { try OutputPath.write(Data(result.csv.utf8), to: path) }
        if let path = plot { try OutputPath.write(Data(result.svg(rule: rule, lossUnits: setup.loss.isClassification ? nil : setup.targetStandardization != nil ? "standardised targets" : "targets in data units").utf8), to: path) }

        if json {
            Terminal.out(JSONText.encode(Report(on: prepared.rangeTestRows,
                                                updates: result.learningRates.count, plannedUpdates: result.plannedIterations,
                                                stop: stop, suggestions: suggestions)))
            return
        }
        Terminal.out("data:      \(setup.dataDescription)")
        Terminal.out("model:     \(setup.shape), loss \(setup.loss.description), optimizer \(prepared.recipe.optimizerSummary), batch \(b)")
        Terminal.out("on:        \(prepared.rangeTestRows)")
        Terminal.out("sweep:     \(Format.number(range.start)) → \(Format.number(range.end)), \(range.spacing.rawValue), \(result.learningRates.count) updates; \(stop)")
        for s in suggestions {
            let name = Format.padLeft(s.rule, 9)
            if let lr = s.learningRate {
                Terminal.out("\(name): \(Format.number(lr))   (cyclic/one-cycle: base \(Format.number(s.cyclicBase!)), max \(Format.number(s.cyclicMax!)))"
                             + (s.note.map { "\n           \($0)" } ?? ""))
            } else {
                Terminal.out("\(name): no reliable suggestion: \(s.reason ?? "")")
            }
        }
        if let c = csv, c != OutputPath.standardOutput { Terminal.note("table written to \(c)") }
        if let p = plot, p != OutputPath.standardOutput { Terminal.note("plot written to \(p)") }
    }
}
