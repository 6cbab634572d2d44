import LinearAlgebra

/// Which training samples a mini-batch holds.
public enum Batch {
    /// Consecutive samples (file order, or the whole set for full-batch GD): read in place, no copy.
    case rows(Range<Int>)
    /// Samples in a shuffled order: gathered into the objective's workspace.
    case indices(UnsafeBufferPointer<Int>)

    public var count: Int {
        switch self {
        case .rows(let r): r.count
        case .indices(let i): i.count
        }
    }
}

/// A differentiable objective over one flat parameter vector, evaluated on mini-batches of a
/// training set. This is the extension point for other Swift code: implement it (or wrap a
/// closure with `ClosureObjective`) and every optimizer, schedule, the training loop and the
/// learning-rate finder run on it.
public protocol Objective<Scalar> {
    associatedtype Scalar: BLASScalar

    /// Length of the parameter vector.
    var parameterCount: Int { get }
    /// Number of training samples; batches index `0..<sampleCount`.
    var sampleCount: Int { get }
    /// Largest batch the objective must handle (its workspace is sized for it).
    var maximumBatchSize: Int { get }

    /// Mean loss over `batch` at `parameters`, with its gradient written into `gradient`
    /// (overwritten, not accumulated). Must not allocate. May throw only for a failure outside the
    /// arithmetic, such as a collective operation between training processes
    /// (`DataParallelObjective`); the library's own objectives do not throw.
    mutating func lossAndGradient(parameters: UnsafeBufferPointer<Scalar>,
                                  gradient: UnsafeMutableBufferPointer<Scalar>,
                                  batch: Batch) throws -> Double

    /// A hint that `batch` comes soon: an objective may start loading its samples into the cache
    /// (the training loop calls this a few samples ahead). The default does nothing. (Mutating only
    /// so that the loop calls it in place: a non-mutating call on its stored objective copies it.)
    mutating func prefetch(_ batch: Batch)
}

extension Objective {
    public mutating func prefetch(_ batch: Batch) {}
}

/// An objective given by a closure that fills the gradient and returns the loss, for problems
/// without a sample structure (every batch is the whole problem; `sampleCount` is 1).
public struct ClosureObjective<Scalar: BLASScalar>: Objective {
    public let parameterCount: Int
    public var sampleCount: Int { 1 }
    public var maximumBatchSize: Int { 1 }
    let body: (UnsafeBufferPointer<Scalar>, UnsafeMutableBufferPointer<Scalar>) -> Double

    public init(parameterCount: Int,
                _ body: @escaping (_ parameters: UnsafeBufferPointer<Scalar>, _ gradient: UnsafeMutableBufferPointer<Scalar>) -> Double) {
        self.parameterCount = parameterCount
        self.body = body
    }

    public mutating func lossAndGradient(parameters: UnsafeBufferPointer<Scalar>,
                                         gradient: UnsafeMutableBufferPointer<Scalar>, batch: Batch) -> Double {
        body(parameters, gradient)
    }
}

extension Batch {
    /// Samples `range` of this batch (positions within it), without copying.
    public func slice(_ range: Range<Int>) -> Batch {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "slice \(range) of a batch of \(count)")
        return switch self {
        case .rows(let r): .rows((r.lowerBound + range.lowerBound)..<(r.lowerBound + range.upperBound))
        case .indices(let i): .indices(UnsafeBufferPointer(rebasing: i[range]))
        }
    }
}
