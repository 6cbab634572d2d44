/// One parameter group's part of a step: its position, its slice of the flat buffers and its
/// resolved hyper-parameters (the optimizer's weight decay unless the group overrides it). Every
/// optimizer walks its groups with `forEachStep(weightDecay:_:)` and hands the slices to its
/// update rule, so `step` itself is bookkeeping.
@usableFromInline
struct GroupStep {
    /// The group's index in the list walked (a group, or an L-DoG layer).
    @usableFromInline let index: Int
    /// Its positions in the flat parameter (and gradient, and state) buffers.
    @usableFromInline let range: Range<Int>
    /// The multiplier of the scheduled learning rate for this group.
    @usableFromInline let learningRateScale: Double
    /// λ for this group: its own `weightDecay`, or the optimizer's.
    @usableFromInline let weightDecay: Double

    @inlinable
    init(index: Int, range: Range<Int>, learningRateScale: Double, weightDecay: Double) {
        self.index = index; self.range = range; self.learningRateScale = learningRateScale; self.weightDecay = weightDecay
    }

    /// The group's slice of a buffer over all parameters.
    @inlinable
    func slice<T>(_ all: UnsafeMutableBufferPointer<T>) -> UnsafeMutableBufferPointer<T> {
        UnsafeMutableBufferPointer(rebasing: all[range])
    }
}

extension Array where Element == ParameterGroup {
    /// Calls `body` with each group's `GroupStep`, in order; `weightDecay` is the optimizer's
    /// default λ. Allocates nothing.
    @inlinable
    func forEachStep(weightDecay: Double, _ body: (GroupStep) throws -> Void) rethrows {
        for index in indices {
            let group = self[index]
            try body(GroupStep(index: index, range: group.range, learningRateScale: group.learningRateScale,
                               weightDecay: group.weightDecay ?? weightDecay))
        }
    }
}
