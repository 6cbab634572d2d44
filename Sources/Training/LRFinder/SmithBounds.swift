/// Cyclic / one-cycle bounds from a range test (Smith 2015 §3.3: "set base_lr to 1/3 or 1/4 of
/// max_lr"): `(base: max / divisor, max: max)`, default divisor 4. Feed `max` with a suggestion's rate.
/// Throws when `max` is not positive and finite or `divisor` is not above 1.
public func smithBounds(max: Double, divisor: Double = 4) throws -> (base: Double, max: Double) {
    guard max.isFinite, max > 0 else { throw LRFinderError("max learning rate must be positive and finite, got \(max)") }
    guard divisor.isFinite, divisor > 1 else { throw LRFinderError("base divisor must be above 1, got \(divisor)") }
    return (max / divisor, max)
}

extension LRSuggestion {
    /// `smithBounds(max:)` of the suggested rate, or nil when there is no reliable suggestion.
    public func smithBounds(divisor: Double = 4) throws -> (base: Double, max: Double)? {
        guard let lr = learningRate else { return nil }
        return try Training.smithBounds(max: lr, divisor: divisor)
    }
}
