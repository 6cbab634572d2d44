import ArgumentParser
import Descent
import Foundation

/// `descent bench`: the machine's limits, and Descent's epoch throughput on every path against them.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the machine's limits and Descent's training throughput against them.",
        discussion: """
        First the limits, at 1…N threads (best of 5): streaming read bandwidth (a 1 GiB array \
        summed once), shuffled-row read bandwidth (rows as wide as the problems', visited in a seeded \
        random order and read in place, prefetched a few rows ahead) and OpenBLAS gemm GFLOP/s \
        (sgemm, and dgemm for the double runs). Then Descent's epochs on generated problems (linear \
        model, squared error, SGD with momentum 0.9, reshuffled every epoch; 1 warm-up + 3 timed \
        epochs, median) on every path: per sample (100000×100, one thread), mini-batches of 32, 256, \
        1024 and 8192 and the full batch (524288×256: X is 512 MiB in float), and a gemm-bound \
        64-output model (16384×512, batches of 4096), in float and double, at 1…N threads. Each \
        row shows samples/s, GB/s (X's bytes read per second), GFLOP/s for the multi-output model, \
        and the percentage of the matching limit at the same thread count: shuffled rows of the same \
        width for per-sample and mini-batch runs, the streaming read for the full batch, gemm for \
        the multi-output model. The default run takes about 30 s and 1.2 GB of memory.

        Examples:
          descent bench
          descent bench --threads 1 --dtype float
          descent bench --paths mini-batch,full-batch --rows 1048576 --size 2048
          descent bench --quick --json
        """)

    @Option(name: .long, help: ArgumentHelp("Largest thread count: every count from 1 to n is measured (default: the processors).", valueName: "n"))
    var threads: Int?

    @Option(name: .long, help: ArgumentHelp("Samples of the main problem (mini-batches, full batch). Default 524288.", valueName: "n"))
    var rows: Int?

    @Option(name: .long, help: ArgumentHelp("Features of the main problem. Default 256.", valueName: "d"))
    var features: Int?

    @Option(name: .long, help: ArgumentHelp("Mini-batch sizes, comma-separated. Default 32,256,1024,8192.", valueName: "list"))
    var batchSizes: String?

    @Option(name: .long, help: ArgumentHelp("Samples of the per-sample problem (100 features). Default 100000.", valueName: "n"))
    var perSampleRows: Int?

    @Option(name: .long, help: ArgumentHelp("Samples of the multi-output problem (512 features, 64 outputs, batches of 4096). Default 16384.", valueName: "n"))
    var multiOutputRows: Int?

    @Option(name: .long, help: ArgumentHelp("Paths to time, comma-separated: per-sample, mini-batch, full-batch, multi-output. Default all.", valueName: "list"))
    var paths: String?

    @Option(name: .long, help: ArgumentHelp("MiB of the array the bandwidth limits read. Default 1024.", valueName: "MiB"))
    var size: Int?

    @Option(name: .long, help: ArgumentHelp("n of the n×n gemm limit (default: sized from a quick probe so that one product takes about 0.25 s at one thread, 1024 to 2048).", valueName: "n"))
    var gemmSize: Int?

    @Option(name: .long, help: ArgumentHelp("Timed epochs per configuration, after one warm-up epoch. Default 3.", valueName: "n"))
    var epochs: Int?

    @Option(name: .long, help: "Precision: float or double (default: both).")
    var dtype: DType?

    @Option(name: .long, help: "Seed of the generated problems and the shuffles.")
    var seed: UInt64 = 1

    @Flag(name: .long, help: "Tiny problems and arrays, one timed epoch: about a second (a smoke test; the figures mean little).")
    var quick = false

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func validate() throws {
        if let t = threads { try ComputeOptions.checkThreads(t) }
        for (name, value) in [("--rows", rows), ("--features", features),
                              ("--per-sample-rows", perSampleRows), ("--multi-output-rows", multiOutputRows),
                              ("--size", size), ("--gemm-size", gemmSize), ("--epochs", epochs)] {
            if let v = value, v < 1 { throw CLIError("\(name) must be at least 1, got \(v)") }
        }
        _ = try parsedBatchSizes()
        _ = try parsedPaths()
    }

    func parsedBatchSizes() throws -> [Int]? {
        try batchSizes.map { text in
            try text.split(separator: ",").map { item in
                let s = item.trimmingCharacters(in: .whitespaces)
                guard let b = Int(s), b >= 1 else { throw CLIError("--batch-sizes: expected positive integers separated by commas, got \"\(text)\"") }
                return b
            }
        }
    }

    func parsedPaths() throws -> [BenchmarkPath]? {
        try paths.map { text in
            try text.split(separator: ",").map { item in
                let s = item.trimmingCharacters(in: .whitespaces)
                guard let p = BenchmarkPath(rawValue: s) else {
                    throw CLIError("--paths: unknown path \"\(s)\" (expected \(BenchmarkPath.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                return p
            }
        }
    }

    /// The library's settings with this command line's changes.
    func settings() throws -> BenchmarkSettings {
        let scalars: [BenchmarkScalar] = switch dtype { case .float: [.float]; case .double: [.double]; case nil: BenchmarkScalar.allCases }
        var s = BenchmarkSettings(threads: threads ?? WorkerPool.defaultThreadCount, scalars: scalars, quick: quick)
        s.throughput.seed = seed
        if let rows { s.throughput.rows = rows }
        if let features { s.throughput.features = features }
        if let b = try parsedBatchSizes() { s.throughput.batchSizes = b }
        if let perSampleRows { s.throughput.perSampleRows = perSampleRows }
        if let multiOutputRows { s.throughput.multiOutputRows = multiOutputRows }
        if let p = try parsedPaths() { s.throughput.paths = BenchmarkPath.allCases.filter(p.contains) }
        if let epochs { s.throughput.epochs = epochs }
        if let size { s.arrayBytes = size << 20 }
        if let gemmSize { s.gemmSize = gemmSize }
        return s
    }

    func run() throws {
        let settings = try settings()
        let environment = BenchmarkEnvironment.current
        if let warning = environment.blasWarning { Terminal.note("warning: \(warning)") }
        if let warning = environment.loadWarning { Terminal.note("warning: \(warning)") }
        let report: BenchmarkReport
        do {
            if json {
                report = try BenchmarkReport.measure(settings)
            } else {
                let threads = settings.throughput.threads
                Terminal.out("descent bench: OpenBLAS core \(environment.blasCore), row kernels \(environment.rowKernels), "
                             + "\(environment.processors) processors, threads \(threads.count == 1 ? "1" : "1…\(threads.last!)")")
                Terminal.out("")
                var header = false
                report = try BenchmarkReport.measure(settings, onLimits: { limits in
                    BenchTable.printLimits(limits, settings: settings.limits)
                }, onResult: { result in
                    if !header {
                        BenchTable.printResultHeader(settings.throughput)
                        header = true
                    }
                    Terminal.out(BenchTable.row(result))
                })
            }
        } catch let e as BenchmarkError {
            throw CLIError(e.description)
        } catch let e as WorkerPoolError {
            throw CLIError(e.description)
        }
        if json { Terminal.out(JSONText.encode(report)); return }
        Terminal.out("")
        Terminal.out("\(BenchTable.number(report.seconds)) s in all")
    }
}

/// The text tables of `descent bench`.
enum BenchTable {
    static let limitNameWidth = 32

    static func printLimits(_ limits: MachineLimits, settings: MachineLimits.Settings) {
        let threads = settings.threads
        Terminal.out(trimmed(pad("machine limits (best of \(settings.repetitions))", limitNameWidth)
                             + threads.map { " " + leftPad($0 == 1 ? "1 thread" : "\($0) threads", 10) + "       " }.joined()))
        func line(_ name: String, _ measurements: [LimitMeasurement], _ unit: String) {
            let cells = threads.map { t in
                " " + (measurements.first { $0.threads == t }.map { leftPad(number($0.value), 8) + " " + pad(unit, 8) }
                    ?? leftPad("–", 8) + String(repeating: " ", count: 9))
            }
            Terminal.out(trimmed(pad(name, limitNameWidth) + cells.joined()))
        }
        let array = ByteCountText.format(limits.streamingRead.arrayBytes)
        line("streaming read, \(array)", limits.streamingRead.measurements, "GB/s")
        for r in limits.shuffledRowRead {
            line("\(r.name), \(array)", r.measurements, "GB/s")
        }
        for g in limits.gemm { line("\(g.name) \(g.size)³", g.measurements, "GFLOP/s") }
        Terminal.out("")
    }

    static let columns: [(String, Int)] = [("path", -13), ("dtype", -7), ("problem", -15), ("batch", 7), ("threads", 8),
                                           ("samples/s", 11), ("GB/s", 8), ("GFLOP/s", 9), ("%", 6), ("of limit", -1)]

    static func printResultHeader(_ settings: ThroughputBenchmark.Settings) {
        Terminal.out("Descent epochs: linear model, squared error, SGD momentum \(settings.momentum), "
                     + "median of \(settings.epochs) after 1 warm-up")
        Terminal.out(format(columns.map(\.0)))
    }

    static func row(_ r: ThroughputResult) -> String {
        let problem = "\(r.rows)×\(r.features)" + (r.outputs > 1 ? "→\(r.outputs)" : "")
        let batch = r.path == .fullBatch ? "full" : String(r.batchSize)
        return format([r.path.rawValue, r.scalar.rawValue, problem, batch, String(r.threads), rate(r.samplesPerSecond),
                       number(r.gigabytesPerSecond), r.gflopsPerSecond.map(number) ?? "–",
                       r.percentOfLimit.map { String(format: "%.0f%%", $0) } ?? "–", r.limit?.name ?? ""])
    }

    static func format(_ cells: [String]) -> String {
        let line = zip(cells, columns).map { cell, column in
            column.1 < 0 ? pad(cell, -column.1) : leftPad(cell, column.1)
        }.joined(separator: " ")
        return trimmed(line)
    }

    static func trimmed(_ s: String) -> String { String(s.reversed().drop(while: { $0 == " " }).reversed()) }

    static func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s : s + String(repeating: " ", count: width - s.count) }
    static func leftPad(_ s: String, _ width: Int) -> String { s.count >= width ? s : String(repeating: " ", count: width - s.count) + s }

    /// Three significant figures ("8.71", "21.3", "812").
    static func number(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        if abs(x) >= 100 { return String(format: "%.0f", x) }
        if abs(x) >= 10 { return String(format: "%.1f", x) }
        return String(format: "%.2f", x)
    }

    /// Samples a second with a k/M suffix ("2.51M", "812k").
    static func rate(_ x: Double) -> String {
        if x >= 1e6 { return number(x / 1e6) + "M" }
        if x >= 1e3 { return number(x / 1e3) + "k" }
        return number(x)
    }
}
