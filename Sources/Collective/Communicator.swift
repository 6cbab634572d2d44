/// The collective operations data-parallel training needs, over a fixed group of `size` processes
/// numbered `0..<size`. Every process of the group must make the same calls in the same order with
/// the same buffer lengths (the rule of MPI collectives): a process that skips one leaves the
/// others waiting in it.
///
/// Two implementations come with Descent: `SingleProcess` (a group of one, where every collective
/// is the identity) and, in a build with the `MPI` trait, `MPICommunicator`. Other code may supply
/// its own (a test fake, another transport).
public protocol Communicator: AnyObject, Sendable {
    /// This process's number in the group, `0..<size`.
    var rank: Int { get }
    /// The number of processes in the group (at least 1).
    var size: Int { get }
    /// Which implementation and library this is ("single process", "Open MPI v4.1.4, …"), for reports
    /// and checkpoints.
    var implementation: String { get }

    /// Replaces `buffer` on every process by the element-wise sum over all processes. The order in
    /// which the terms are added is the implementation's; it is the same on every process, so every
    /// process ends with the same bits.
    func allreduceSum<S: CollectiveScalar>(_ buffer: UnsafeMutableBufferPointer<S>) throws
    /// Copies `root`'s bytes of `buffer` into `buffer` on every other process.
    func broadcast(_ buffer: UnsafeMutableRawBufferPointer, root: Int) throws
    /// Returns once every process of the group has called it.
    func barrier() throws
}

extension Communicator {
    /// True on process 0, the one that prints and writes files in data-parallel training.
    public var isRoot: Bool { rank == 0 }

    /// The sum of `value` over all processes.
    public func allreduceSum(_ value: Double) throws -> Double {
        var v = value
        try withUnsafeMutablePointer(to: &v) { try allreduceSum(UnsafeMutableBufferPointer(start: $0, count: 1)) }
        return v
    }

    /// Array convenience of `allreduceSum(_:)` (allocates; for set-up code, not training steps).
    public func allreduceSum<S: CollectiveScalar>(_ values: inout [S]) throws {
        try values.withUnsafeMutableBufferPointer { try allreduceSum($0) }
    }

    /// Broadcasts the elements of `values` from `root` (every process passes an array of the same length).
    public func broadcast<S: CollectiveScalar>(_ values: inout [S], root: Int = 0) throws {
        try values.withUnsafeMutableBytes { try broadcast($0, root: root) }
    }

    /// Every process's `values` (all of the same length), in rank order: an all-gather made of one
    /// allreduce, each process filling its own slot of a zeroed buffer. Allocates.
    public func allGather(_ values: [Double]) throws -> [[Double]] {
        let k = values.count
        var all = [Double](repeating: 0, count: k * size)
        for i in 0..<k { all[rank * k + i] = values[i] }
        try allreduceSum(&all)
        return (0..<size).map { Array(all[($0 * k)..<(($0 + 1) * k)]) }
    }

    /// Whether every process passed the same `value`. Every process gets the same answer (one
    /// allreduce of the value's four 16-bit parts and their squares, exact in `Double`: all equal
    /// exactly when every part's sum of squares is `size` times its square of the mean).
    public func allAgree(_ value: UInt64) throws -> Bool {
        var parts = [Double](repeating: 0, count: 8)
        for i in 0..<4 {
            let c = Double((value >> (16 * UInt64(i))) & 0xFFFF)
            parts[i] = c; parts[4 + i] = c * c
        }
        try allreduceSum(&parts)
        let n = Double(size)
        return (0..<4).allSatisfy { parts[4 + $0] * n == parts[$0] * parts[$0] }
    }

    /// Whether `condition` holds on any process (every process gets the same answer). Collective:
    /// use it where a decision taken on one process (a bad input file, say) must be taken by all.
    public func any(_ condition: Bool) throws -> Bool {
        try allreduceSum(condition ? 1.0 : 0.0) > 0
    }
}

/// Why a collective operation failed: the transport's error text and code.
public struct CommunicatorError: Error, CustomStringConvertible, Equatable, Sendable {
    public var description: String
    /// The transport's error code (-1 when it gave none).
    public var code: Int32
    /// An error with the transport's text and code.
    public init(_ description: String, code: Int32 = -1) { self.description = description; self.code = code }
}
