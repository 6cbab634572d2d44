/// A group of one process: rank 0 of size 1, where every collective leaves its buffer as it is.
/// This is what a trainer uses when it is not distributed, so that a data-parallel code path run
/// on one process computes exactly what the plain one does.
public final class SingleProcess: Communicator {
    /// The one-process communicator.
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public var implementation: String { "single process" }
    public func allreduceSum<S: CollectiveScalar>(_ buffer: UnsafeMutableBufferPointer<S>) throws {}
    public func broadcast(_ buffer: UnsafeMutableRawBufferPointer, root: Int) throws {
        guard root == 0 else { throw CommunicatorError("broadcast from rank \(root) in a group of 1") }
    }
    public func barrier() throws {}
}
