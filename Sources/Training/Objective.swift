import LinearAlgebra

/// Which training samples a mini-batch holds.
public enum Batch {
    /// Consecutive samples (file order, or the whole set for full-batch GD): read in place, no copy.
    case rows(Range<Int>)
    /// Samples in a shuffled order: gathered into the objective's workspace.
    case indices(UnsafeBufferPointer<Int>)

    /// The number of samples in the batch.
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
    /// The element type of the parameters and gradients.
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

    /// An objective over `parameterCount` parameters: `body` fills the gradient and returns the loss.
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

/// A batch is its sample indices, in order: `for i in batch { … }` visits them (a row range or the
/// shuffled indices alike), so a custom `Objective` can loop without switching on the case.
extension Batch: Sequence {
    public struct Iterator: IteratorProtocol {
        let batch: Batch
        var position = 0
        public mutating func next() -> Int? {
            guard position < batch.count else { return nil }
            defer { position += 1 }
            return switch batch {
            case .rows(let r): r.lowerBound + position
            case .indices(let i): i[position]
            }
        }
    }

    public func makeIterator() -> Iterator { Iterator(batch: self) }
    public var underestimatedCount: Int { count }
}

extension Objective {
    /// Array convenience of `lossAndGradient(parameters:gradient:batch:)` (for tests and small
    /// problems; it does not allocate when `gradient` already has `parameterCount` elements).
    public mutating func lossAndGradient(parameters: [Scalar], gradient: inout [Scalar], batch: Batch) throws -> Double {
        precondition(parameters.count == parameterCount && gradient.count == parameterCount,
                     "the objective has \(parameterCount) parameters; got \(parameters.count) parameters and \(gradient.count) gradient elements")
        return try parameters.withUnsafeBufferPointer { p in
            try gradient.withUnsafeMutableBufferPointer { try lossAndGradient(parameters: p, gradient: $0, batch: batch) }
        }
    }

    /// The loss and gradient over all samples (one batch of every sample), as arrays.
    public mutating func lossAndGradient(parameters: [Scalar]) throws -> (loss: Double, gradient: [Scalar]) {
        var g = [Scalar](repeating: 0, count: parameterCount)
        let loss = try lossAndGradient(parameters: parameters, gradient: &g, batch: .rows(0..<sampleCount))
        return (loss, g)
    }
}
