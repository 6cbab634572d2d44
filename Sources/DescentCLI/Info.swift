import ArgumentParser
import Descent

/// `descent info`: versions and the BLAS runtime.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the descent version, the OpenBLAS kernel and its thread count.",
        discussion: """
        Examples:
          descent info
          descent info --threads 1 --json
        """)

    @Option(name: .long, help: "Set the OpenBLAS thread count first (to check it takes effect).")
    var threads: Int?

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    struct Report: Encodable {
        var descent: String
        var blasCore: String
        var blasThreads: Int
        var blasConfiguration: String
        var modelFormatVersion: Int
        var checkpointFormatVersion: Int
        /// Set when OpenBLAS runs generic kernels on a CPU with AVX2/AVX-512 (`BLASRuntime.kernelWarning`).
        var blasWarning: String?
    }

    func run() throws {
        try ComputeOptions.setThreads(threads)
        let r = Report(descent: DescentCommand.version, blasCore: BLASRuntime.coreName, blasThreads: BLASRuntime.threads,
                       blasConfiguration: BLASRuntime.configuration, modelFormatVersion: ModelDocument.currentFormatVersion,
                       checkpointFormatVersion: CheckpointDocument<Int>.currentFormatVersion,
                       blasWarning: BLASRuntime.kernelWarning)
        if let warning = r.blasWarning { Terminal.note("warning: \(warning)") }
        if json { Terminal.out(JSONText.encode(r)); return }
        Terminal.out("descent        \(r.descent)")
        Terminal.out("BLAS core      \(r.blasCore)")
        Terminal.out("BLAS threads   \(r.blasThreads)")
        Terminal.out("BLAS build     \(r.blasConfiguration)")
        Terminal.out("model file     format version \(r.modelFormatVersion)")
        Terminal.out("checkpoint     format version \(r.checkpointFormatVersion)")
    }
}
