import ArgumentParser

/// What `train` writes and prints.
struct OutputOptions: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp("Model file to write (JSON; - for standard output).", valueName: "path"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Per-epoch metrics file: .csv or .json (- for CSV on standard output).", valueName: "path"))
    var metrics: String?

    @Option(name: .long, help: ArgumentHelp("SVG plot of the training (and validation) loss per epoch (- for standard output).", valueName: "path"))
    var plot: String?

    @Option(name: .long, help: ArgumentHelp("Checkpoint file, rewritten atomically during training (see --checkpoint-every).", valueName: "path"))
    var checkpoint: String?

    @Option(name: .long, help: ArgumentHelp("Write the checkpoint every N epochs.", valueName: "N"))
    var checkpointEvery: Int = 1

    @Option(name: .long, help: ArgumentHelp("Write the checkpoint every N updates instead.", valueName: "N"))
    var checkpointEverySteps: Int?

    @Option(name: .long, help: ArgumentHelp("Continue from a checkpoint written by the same command (same data and settings); the result is bit-identical to an uninterrupted run.", valueName: "path"))
    var resume: String?

    @Flag(name: .long, help: "If training diverges, still write the last finite model to --output.")
    var saveDiverged = false

    @Flag(name: .long, help: "Exit with status 4 when the run ends with a warning that it did not learn (the loss rose, R² < 0, or the weights grew by orders of magnitude).")
    var failOnWarning = false

    @Flag(name: .long, help: "Print one JSON object with the results on stdout instead of the table.")
    var json = false

    @Flag(name: [.short, .long], help: "No progress bar and no per-epoch table.")
    var quiet = false

    /// Test hook: sleep this long after every epoch (to interrupt a run at a known point).
    @Option(name: .long, help: .hidden)
    var epochDelay: Double = 0

    func validate() throws {
        guard checkpointEvery >= 1 else { throw CLIError("--checkpoint-every must be at least 1, got \(checkpointEvery)") }
        if let s = checkpointEverySteps, s < 1 { throw CLIError("--checkpoint-every-steps must be at least 1, got \(s)") }
        if let m = metrics, m != OutputPath.standardOutput, !(m.hasSuffix(".csv") || m.hasSuffix(".json")) {
            throw CLIError("--metrics \(m): the file name must end in .csv or .json")
        }
    }
}
