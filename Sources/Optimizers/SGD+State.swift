/// `SGD`'s state, format version 1. Hyper-parameters are configuration, not state: restore into
/// an SGD built alike.
public struct SGDState: OptimizerStatePayload {
    public static let version = 1
    /// Completed updates.
    public var stepCount: Int
    /// The current μ (changed by `setMomentum`).
    public var momentum: Double
    /// Whether b holds a value (false before the first update with μ ≠ 0).
    public var bufferInitialized: Bool
    /// The momentum buffer b, one element per parameter; nil when momentum was off at construction.
    public var momentumBuffer: [Double]?

    public init(stepCount: Int, momentum: Double, bufferInitialized: Bool, momentumBuffer: [Double]?) {
        self.stepCount = stepCount; self.momentum = momentum
        self.bufferInitialized = bufferInitialized; self.momentumBuffer = momentumBuffer
    }
}

extension SGD: OptimizerWithTypedState {
    public typealias State = SGDState

    public var state: SGDState {
        SGDState(stepCount: stepCount, momentum: currentMomentum, bufferInitialized: bufferInitialized,
                 momentumBuffer: hasMomentum ? buffer.map { Double($0) } : nil)
    }

    /// The buffer must be there exactly when this SGD has momentum; its μ must be finite and ≥ 0.
    public func validate(_ s: SGDState, _ check: StateCheck) throws {
        try check.counter(s.stepCount, "stepCount")
        if hasMomentum {
            try check.require(s.momentum, "momentum", .nonNegative)
            guard let b = s.momentumBuffer else { throw check.error("has no momentumBuffer, but this SGD has momentum") }
            try check.perParameter(b, "momentumBuffer")
        } else if s.momentumBuffer != nil || s.bufferInitialized {
            throw check.error("has a momentum buffer but this SGD was built without momentum")
        }
    }

    /// Restores a `saveState()` snapshot; the next `step` continues bit-identically. Throws (leaving
    /// the optimizer unchanged) for another kind or version, a missing entry, a buffer of another
    /// length, or a snapshot whose momentum setting does not match this optimizer.
    public mutating func restore(_ saved: OptimizerState) throws {
        install(try validatedState(from: saved))
    }

    mutating func install(_ s: SGDState) {
        stepCount = s.stepCount
        bufferInitialized = s.bufferInitialized
        if hasMomentum, let b = s.momentumBuffer {
            currentMomentum = s.momentum
            buffer = b.map { Scalar($0) }
        }
    }
}
