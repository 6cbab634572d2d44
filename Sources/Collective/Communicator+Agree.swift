extension Communicator {
    /// Runs `body` on every process and then agrees on the outcome (a collective: one allreduce):
    /// if it failed anywhere, every process stops with an error. A process whose own `body` failed
    /// throws that error; the others throw `PeerFailure` naming the processes that failed, so that
    /// no process goes on into a collective that a failed one will never reach. Use it around
    /// every step whose failure depends on the process (its data, its files).
    public func agree<T>(_ body: () throws -> T) throws -> T {
        let outcome = Result { try body() }
        var failed = [Double](repeating: 0, count: size)
        if case .failure = outcome { failed[rank] = 1 }
        try allreduceSum(&failed)
        let failing = failed.indices.filter { failed[$0] != 0 }
        switch outcome {
        case .failure(let error): throw error
        case .success(let value):
            guard failing.isEmpty else { throw PeerFailure(ranks: failing) }
            return value
        }
    }
}

/// Other processes of a run failed (each reports its own error).
public struct PeerFailure: Error, CustomStringConvertible, Equatable, Sendable {
    /// The ranks of the processes that failed.
    public var ranks: [Int]
    /// A failure of the processes `ranks`.
    public init(ranks: [Int]) { self.ranks = ranks }
    public var description: String {
        "process\(ranks.count == 1 ? "" : "es") \(ranks.map(String.init).joined(separator: ", ")) of the distributed run failed "
            + "(see \(ranks.count == 1 ? "its" : "their") error above); every process stops"
    }
}
