#if MPI
import CMPI
import Collective
import Foundation

/// `Communicator` over MPI's world communicator (Open MPI or MPICH), for processes started by
/// `mpirun`/`mpiexec`/`srun`. Without a launcher the process is a group of one (MPI's singleton
/// start).
///
/// MPI may be initialised once per process and never again after it is finalised, so there is one
/// instance, `MPICommunicator.world()`: the first call initialises MPI (thread level FUNNELED: only
/// the thread that trains calls MPI; BLAS and worker threads never do) and registers `MPI_Finalize`
/// to run at process exit. Errors are returned, not fatal (`MPI_ERRORS_RETURN` on the
/// communicator), and become `CommunicatorError`s. MPI counts are 32-bit, so buffers of more than
/// 2³¹−1 elements go in chunks.
public final class MPICommunicator: Communicator, @unchecked Sendable {
    public let rank: Int
    public let size: Int
    public let implementation: String

    /// Largest element count of one MPI call: MPI's counts are `Int32` (Open MPI 4.1 has no MPI-4
    /// large-count calls). Lower it only to test the chunking.
    public var chunkLimit = Int(Int32.max) {
        didSet { precondition(chunkLimit >= 1 && chunkLimit <= Int(Int32.max), "chunk limit \(chunkLimit) outside 1...Int32.max") }
    }

    nonisolated(unsafe) private static var shared: MPICommunicator?
    private static let lock = NSLock()

    /// The world communicator, initialising MPI on first use. Throws when MPI cannot start.
    public static func world() throws -> MPICommunicator {
        lock.lock(); defer { lock.unlock() }
        if let s = shared { return s }
        let s = try MPICommunicator()
        shared = s
        return s
    }

    private init() throws {
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        guard finalized == 0 else { throw CommunicatorError("MPI was already finalised in this process") }
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized == 0 {
            var provided: Int32 = 0
            let rc = MPI_Init_thread(nil, nil, Int32(MPI_THREAD_FUNNELED), &provided)
            guard rc == MPI_SUCCESS else { throw CommunicatorError("MPI_Init_thread failed (code \(rc))", code: rc) }
            atexit { MPICommunicator.finalize() }
        }
        let world = descent_mpi_comm_world()
        try Self.check(MPI_Comm_set_errhandler(world, descent_mpi_errors_return()), "MPI_Comm_set_errhandler")
        var r: Int32 = 0, n: Int32 = 0
        try Self.check(MPI_Comm_rank(world, &r), "MPI_Comm_rank")
        try Self.check(MPI_Comm_size(world, &n), "MPI_Comm_size")
        rank = Int(r); size = Int(n)
        var text = [CChar](repeating: 0, count: Int(MPI_MAX_LIBRARY_VERSION_STRING) + 1)
        var length: Int32 = 0
        MPI_Get_library_version(&text, &length)
        let full = String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        implementation = full.split(whereSeparator: { $0 == "," || $0.isNewline }).first.map(String.init) ?? full
    }

    /// Ends MPI for this process (registered with `atexit`; nothing may call MPI afterwards).
    static func finalize() {
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        if finalized == 0 { MPI_Finalize() }
    }

    /// Turns an MPI return code into a thrown error carrying MPI's own message.
    static func check(_ code: Int32, _ what: String) throws {
        guard code != MPI_SUCCESS else { return }
        var text = [CChar](repeating: 0, count: Int(MPI_MAX_ERROR_STRING) + 1)
        var length: Int32 = 0
        MPI_Error_string(code, &text, &length)
        let message = String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        throw CommunicatorError("\(what) failed: \(message) (MPI error \(code))", code: code)
    }

    public func allreduceSum<S: CollectiveScalar>(_ buffer: UnsafeMutableBufferPointer<S>) throws {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        let type = S.collectiveKind == .float32 ? descent_mpi_float() : descent_mpi_double()
        var start = 0
        while start < buffer.count {
            let n = Swift.min(chunkLimit, buffer.count - start)
            try Self.check(MPI_Allreduce(descent_mpi_in_place(), base + start, Int32(n), type, descent_mpi_sum(),
                                         descent_mpi_comm_world()), "MPI_Allreduce")
            start += n
        }
    }

    public func broadcast(_ buffer: UnsafeMutableRawBufferPointer, root: Int) throws {
        guard root >= 0 && root < size else { throw CommunicatorError("broadcast from rank \(root) in a group of \(size)") }
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        var start = 0
        while start < buffer.count {
            let n = Swift.min(chunkLimit, buffer.count - start)
            try Self.check(MPI_Bcast(base + start, Int32(n), descent_mpi_byte(), Int32(root), descent_mpi_comm_world()),
                           "MPI_Bcast")
            start += n
        }
    }

    public func barrier() throws {
        try Self.check(MPI_Barrier(descent_mpi_comm_world()), "MPI_Barrier")
    }
}
#endif
