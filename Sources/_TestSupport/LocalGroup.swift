import Descent
import Foundation

/// A group of `size` "processes" that are threads of this process, for testing data-parallel code
/// without MPI: `run` starts one thread per rank, each with its own `Communicator`, and waits for
/// all. Collectives meet at a barrier and every member sums the members' buffers in rank order, so
/// all end with the same bits (as MPI's allreduce does). Allocates (a test fake, not for training).
public final class LocalGroup: @unchecked Sendable {
    public let size: Int
    private let condition = NSCondition()
    private var arrived = 0, generation = 0
    fileprivate var slots: [UnsafeMutableRawPointer?]

    public init(size: Int) {
        precondition(size >= 1, "a group of \(size)")
        self.size = size
        slots = Array(repeating: nil, count: size)
    }

    fileprivate func barrier() {
        condition.lock()
        let g = generation
        arrived += 1
        if arrived == size {
            arrived = 0; generation += 1; condition.broadcast()
        } else {
            while g == generation { condition.wait() }
        }
        condition.unlock()
    }

    /// Runs `body(communicator)` on `size` threads at once and returns the results in rank order.
    public func run<T: Sendable>(_ body: @escaping @Sendable (any Communicator) throws -> T) -> [Result<T, any Error>] {
        let results = ResultBox<T>(size)
        let done = DispatchGroup()
        for r in 0..<size {
            done.enter()
            let thread = Thread { [self] in
                let outcome = Result { try body(Member(group: self, rank: r)) }
                results.set(r, outcome)
                done.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        done.wait()
        return results.values.map { $0! }
    }

    private final class ResultBox<T>: @unchecked Sendable {
        let lock = NSLock()
        var values: [Result<T, any Error>?]
        init(_ n: Int) { values = Array(repeating: nil, count: n) }
        func set(_ i: Int, _ v: Result<T, any Error>) { lock.lock(); values[i] = v; lock.unlock() }
    }

    final class Member: Communicator, @unchecked Sendable {
        let group: LocalGroup
        let rank: Int
        var size: Int { group.size }
        var implementation: String { "local thread group" }
        init(group: LocalGroup, rank: Int) { self.group = group; self.rank = rank }

        func allreduceSum<S: CollectiveScalar>(_ buffer: UnsafeMutableBufferPointer<S>) throws {
            group.slots[rank] = UnsafeMutableRawPointer(buffer.baseAddress)
            group.barrier()
            var sum = [S](repeating: 0, count: buffer.count)
            for r in 0..<size {
                guard let p = group.slots[r]?.assumingMemoryBound(to: S.self) else { continue }
                for i in 0..<buffer.count { sum[i] += p[i] }
            }
            group.barrier()
            for i in 0..<buffer.count { buffer[i] = sum[i] }
        }

        func broadcast(_ buffer: UnsafeMutableRawBufferPointer, root: Int) throws {
            group.slots[rank] = buffer.baseAddress
            group.barrier()
            if rank != root, let src = group.slots[root], let dst = buffer.baseAddress {
                dst.copyMemory(from: src, byteCount: buffer.count)
            }
            group.barrier()
        }

        func barrier() throws { group.barrier() }
    }
}
