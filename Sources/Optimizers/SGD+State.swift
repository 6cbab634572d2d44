extension SGD {
    /// Saves the step count, the current μ, whether b holds a value, and b itself (when momentum
    /// was enabled). Hyper-parameters are configuration, not state: restore into an SGD built alike.
    public func saveState() -> OptimizerState {
        var state = OptimizerState(kind: name, scalars: [
            "steps": Double(stepCount),
            "momentum": currentMomentum,
            "bufferInitialized": bufferInitialized ? 1 : 0,
        ])
        if hasMomentum { state.vectors["momentumBuffer"] = buffer.map { Double($0) } }
        return state
    }

    /// Restores a `saveState()` snapshot; the next `step` continues bit-identically. Throws (leaving
    /// the optimizer unchanged) for another kind, a missing entry, a buffer of another length, or
    /// a snapshot whose momentum setting does not match this optimizer.
    public mutating func restore(_ state: OptimizerState) throws {
        try state.expect(kind: name)
        let steps = try state.count("steps")
        let mu = try state.scalar("momentum")
        let initialized = try state.scalar("bufferInitialized")
        var restored = buffer
        if hasMomentum {
            guard mu.isFinite && mu >= 0 else { throw OptimizerError("sgd state has an invalid momentum \(mu)") }
            try state.restoreVector("momentumBuffer", into: &restored)
        } else if state.vectors["momentumBuffer"] != nil || initialized != 0 {
            throw OptimizerError("sgd state has a momentum buffer but this SGD was built without momentum")
        }
        stepCount = steps
        currentMomentum = hasMomentum ? mu : currentMomentum
        bufferInitialized = initialized != 0
        buffer = restored
    }
}
