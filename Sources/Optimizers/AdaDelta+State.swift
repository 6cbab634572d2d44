extension AdaDelta {
    /// Saves the step count and both running averages.
    public func saveState() -> OptimizerState {
        OptimizerState(kind: name, scalars: ["steps": Double(stepCount)], vectors: [
            "squaredGradientAverage": squaredGradientAverage.map { Double($0) },
            "squaredUpdateAverage": squaredUpdateAverage.map { Double($0) },
        ])
    }

    /// Restores a `saveState()` snapshot; throws (leaving the optimizer unchanged) for another kind,
    /// a missing entry or vectors of another length.
    public mutating func restore(_ state: OptimizerState) throws {
        try state.expect(kind: name)
        let steps = try state.count("steps")
        var s = squaredGradientAverage, u = squaredUpdateAverage
        try state.restoreVector("squaredGradientAverage", into: &s)
        try state.restoreVector("squaredUpdateAverage", into: &u)
        squaredGradientAverage = s
        squaredUpdateAverage = u
        stepCount = steps
    }
}
