import Optimizers

extension Array where Element == ParameterGroup {
    /// The same groups with weight decay switched off on the bias groups (names ending in ".bias"),
    /// the usual practice (decay shrinks weights toward 0; shrinking offsets has no such purpose).
    public func withoutDecayOnBiases() -> [ParameterGroup] {
        map { g in
            var g = g
            if g.name.hasSuffix(".bias") { g.weightDecay = 0 }
            return g
        }
    }
}
