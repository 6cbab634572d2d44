import Descent
import Foundation

/// The processes of a `--distributed` run, as the CLI sees them: the communicator, and the rules
/// that keep every process in step when something fails on one of them.
struct ProcessGroup {
    let communicator: any Communicator
    let settings: DataParallel

    var rank: Int { communicator.rank }
    var size: Int { communicator.size }
    var isRoot: Bool { communicator.rank == 0 }

    /// Opens the MPI world (a build without the MPI trait says how to get one).
    static func open(_ options: DistributedOptions) throws -> ProcessGroup {
        #if MPI
        let world: any Communicator
        do { world = try MPICommunicator.world() } catch { throw CLIError("cannot start MPI: \(error)") }
        return ProcessGroup(communicator: world,
                            settings: DataParallel(communicator: world, sharding: options.sharding ?? .exact,
                                                   synchronization: options.synchronization))
        #else
        throw CLIError("--distributed: this build has no MPI support; rebuild with `swift build -c release --traits MPI` "
                       + "(needs the packages libopenmpi-dev and openmpi-bin)")
        #endif
    }

    /// Runs `body` on every process and agrees on the outcome (`Communicator.agree`).
    func agree<T>(_ body: () throws -> T) throws -> T { try communicator.agree(body) }

    /// Processes launched by mpirun (Open MPI) or a PMI launcher (MPICH's Hydra, Slurm), seen from
    /// the environment: whether this process is one of several.
    static var launchedProcesses: Int? {
        let env = ProcessInfo.processInfo.environment
        for key in ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"] {
            if let v = env[key], let n = Int(v) { return n }
        }
        return nil
    }

    /// Processes of this job on this machine (for the default thread count per process).
    static var processesOnThisHost: Int {
        let env = ProcessInfo.processInfo.environment
        for key in ["OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "SLURM_NTASKS_PER_NODE"] {
            if let v = env[key], let n = Int(v), n >= 1 { return n }
        }
        return 1
    }

    /// Threads per process when --threads is not given: the cores shared out among this host's
    /// processes, and no more than the cores this process may run on (a launcher that binds each
    /// process to a core, as Open MPI does for up to 2 processes, leaves it one).
    static var defaultThreads: Int {
        let shared = max(1, ProcessInfo.processInfo.activeProcessorCount / processesOnThisHost)
        return min(shared, allowedCores ?? shared)
    }

    /// The cores in this process's affinity mask (Linux: the `Cpus_allowed` mask of
    /// /proc/self/status; nil where it cannot be read).
    static var allowedCores: Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) else { return nil }
        let mask = line.dropFirst("Cpus_allowed:".count).trimmingCharacters(in: .whitespaces)
        let n = mask.reduce(0) { $0 + (Int(String($1), radix: 16)?.nonzeroBitCount ?? 0) }
        return n > 0 ? n : nil
    }
}

/// Ends a non-root process with `status` and no message (process 0 reports the error).
struct QuietFailure: Error { var status: Int32 }

/// A failure of process `rank` (not 0), reported by it with its rank.
struct ProcessFailure: Error { var rank: Int; var error: any Error }
