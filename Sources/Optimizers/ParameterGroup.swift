import LinearAlgebra

/// A named range of the flat parameter buffer (a layer's weights, its biases, …) with its own
/// hyper-parameter overrides. Models publish their groups; optimizers take them at construction.
public struct ParameterGroup: Sendable, Codable, Equatable {
    /// The group's name (e.g. a layer's weights or biases), for messages and states.
    public var name: String
    /// Positions in the flat parameter (and gradient) buffer.
    public var range: Range<Int>
    /// Multiplies the scheduled learning rate for this group (1 = no change).
    public var learningRateScale: Double
    /// Replaces the optimizer's weight decay for this group when set (0 = no decay, e.g. on biases).
    public var weightDecay: Double?

    /// A group over `range` (which must start at 0 or later) with a non-negative learning-rate scale and an
    /// optional weight-decay override.
    public init(name: String, range: Range<Int>, learningRateScale: Double = 1, weightDecay: Double? = nil) {
        precondition(range.lowerBound >= 0, "parameter group \(name) starts before 0")
        precondition(learningRateScale >= 0, "parameter group \(name) has a negative learning-rate scale")
        self.name = name; self.range = range; self.learningRateScale = learningRateScale; self.weightDecay = weightDecay
    }

    /// One group covering `count` parameters.
    public static func all(_ count: Int) -> [ParameterGroup] { [ParameterGroup(name: "all", range: 0..<count)] }

    /// Checks that `groups` tile `0..<count` exactly, in order, without gaps or overlaps.
    public static func validate(_ groups: [ParameterGroup], count: Int) {
        var next = 0
        for g in groups {
            precondition(g.range.lowerBound == next,
                         "parameter group \(g.name) covers \(g.range) but the previous group ended at \(next)")
            next = g.range.upperBound
        }
        precondition(next == count, "parameter groups cover 0..<\(next) but there are \(count) parameters")
    }
}
