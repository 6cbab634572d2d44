import ArgumentParser
import Descent

/// `--distributed` and its settings (data-parallel training under mpirun).
struct DistributedOptions: ParsableArguments {
    @Flag(name: .long, help: ArgumentHelp(
        "Data-parallel training over MPI: run under `mpirun -np N`; --batch-size is then the global batch.",
        discussion: "Needs a build with the MPI trait (`swift build -c release --traits MPI`). Only process 0 prints and writes files."))
    var distributed = false

    @Option(name: .long, help: ArgumentHelp(
        "With --distributed: exact (every process reads the whole .npy/CSV and the same batches; equal to one process up to rounding) or sharded (each process reads only its own rows of a .npy).",
        valueName: "mode"))
    var sharding: DataParallel.Sharding?

    @Option(name: .long, help: ArgumentHelp(
        "With --distributed: every-step (allreduce the gradient at every update) or average-every=H (local SGD: average parameters and momentum every H updates and at each epoch end; sgd only).",
        valueName: "rule"))
    var sync: String?

    func validate() throws {
        if !distributed {
            if sharding != nil { throw CLIError("--sharding needs --distributed") }
            if sync != nil { throw CLIError("--sync needs --distributed") }
        }
        if let s = sync {
            do { _ = try DataParallel.Synchronization(parsing: s) } catch { throw CLIError("--sync: \(error)") }
        }
    }

    var synchronization: DataParallel.Synchronization {
        (try? sync.map { try DataParallel.Synchronization(parsing: $0) }) ?? .everyStep
    }
}

extension DataParallel.Sharding: ExpressibleByArgument {}
