/// The state of `DoG` and `LDoG` (kinds "dog" and "ldog"), format version 1: x₀ and, per block
/// (a DoG group, an L-DoG layer), r̄, G and the last η, with the block layout they belong to.
public struct DoGState: OptimizerStatePayload {
    public static let version = 1

    /// A block: its range `start..<end` of the flat buffer and the index of its parameter group.
    public struct Block: Codable, Equatable, Sendable {
        public var start: Int
        public var end: Int
        public var group: Int
        public init(start: Int, end: Int, group: Int) { self.start = start; self.end = end; self.group = group }
    }

    /// True until the first step (which sets x₀ and r̄ = r_ε).
    public var firstStep: Bool
    /// x₀, one element per parameter.
    public var x0: [Double]
    /// r̄, G and η, one element per block.
    public var maxDistance: [Double]
    public var gradientSquares: [Double]
    public var stepSizes: [Double]
    /// The blocks the per-block values belong to. Two optimizers with the same parameter count but
    /// other groups or layers have other layouts, and the r̄, G, η of one mean nothing to the other.
    public var layout: [Block]

    public init(firstStep: Bool, x0: [Double], maxDistance: [Double], gradientSquares: [Double], stepSizes: [Double],
                layout: [Block]) {
        self.firstStep = firstStep; self.x0 = x0; self.maxDistance = maxDistance
        self.gradientSquares = gradientSquares; self.stepSizes = stepSizes; self.layout = layout
    }

    /// "[0..<6 (group 0), 6..<8 (group 1)]" (for error messages).
    static func describe(_ layout: [Block]) -> String {
        "[" + layout.map { "\($0.start)..<\($0.end) (group \($0.group))" }.joined(separator: ", ") + "]"
    }
}

extension DoG: OptimizerWithTypedState {
    public typealias State = DoGState
    public var state: DoGState { core.state }
    public func validate(_ s: DoGState, _ check: StateCheck) throws { try core.validate(s, check) }
}

extension LDoG: OptimizerWithTypedState {
    public typealias State = DoGState
    public var state: DoGState { core.state }
    public func validate(_ s: DoGState, _ check: StateCheck) throws { try core.validate(s, check) }
}

extension DoGCore {
    var layout: [DoGState.Block] { blocks.map { DoGState.Block(start: $0.range.lowerBound, end: $0.range.upperBound, group: $0.group) } }

    var state: DoGState {
        DoGState(firstStep: firstStep, x0: x0.map { Double($0) }, maxDistance: maxDistance,
                 gradientSquares: gradientSquares, stepSizes: stepSizes, layout: layout)
    }

    func validate(_ s: DoGState, _ check: StateCheck) throws {
        try check.matches(s.layout, layout, "blocks", describe: DoGState.describe)
        try check.perParameter(s.x0, "x0")
        for (field, v) in [("maxDistance", s.maxDistance), ("gradientSquares", s.gradientSquares), ("stepSizes", s.stepSizes)] {
            try check.length(v, field, blocks.count, per: "block")
        }
    }

    mutating func install(_ s: DoGState) {
        firstStep = s.firstStep
        x0 = s.x0.map { Scalar($0) }
        maxDistance = s.maxDistance; gradientSquares = s.gradientSquares; stepSizes = s.stepSizes
    }
}
