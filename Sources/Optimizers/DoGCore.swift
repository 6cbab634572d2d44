import LinearAlgebra

/// The state and step shared by `DoG` and `LDoG`: one DoG step size per *block* (a contiguous
/// range of the flat buffer lying inside one `ParameterGroup`). DoG's blocks are the groups,
/// L-DoG's are the layers.
///
/// For each block, with the block's multiplier `c = learningRate · group.learningRateScale` and
/// `g ← g + λ·x` first when the group's weight decay λ > 0 (L2, formed in the gradient buffer so it
/// enters G, the math of `dog.py`):
///
///     k = 0:  x₀ = x,  r̄ = reps_rel·(1 + ‖x₀‖),  G = ‖g‖² + ε
///     k ≥ 1:  r̄ = max(r̄, ‖x − x₀‖),             G += ‖g‖²
///     η = c·r̄/√G   (k = 0 with `initialStepSize`: η = initialStepSize, r̄ starts at 0)
///     x ← x − η·g
///
/// ‖x − x₀‖ is the norm of an explicit displacement `x − x₀` (copy + axpy into scratch), never
/// ‖x‖² − 2⟨x,x₀⟩ + ‖x₀‖²; G, r̄, η are `Double`; sums of squares use `BLAS.dotDouble`.
/// A block whose G is not positive (ε = 0 and a zero first gradient) is left unchanged, where
/// `dog.py` raises an assertion error. The arithmetic of one block is `DoGUpdate`; `step` walks
/// the blocks (each as a `ParameterGroup` carrying its group's scale and weight decay).
struct DoGCore<Scalar: BLASScalar> {
    struct Block: Sendable { var range: Range<Int>; var group: Int }

    /// The blocks and the index of the group each lies in (the saved layout).
    let blocks: [Block]
    /// The blocks as groups: each block's range with its group's learning-rate scale and weight decay.
    let blockGroups: [ParameterGroup]
    let relativeInitialDistance: Double
    let epsilon: Double
    let weightDecay: Double
    let initialStepSize: Double?

    var x0: [Scalar]
    var scratch: [Scalar]
    var maxDistance: [Double]
    var gradientSquares: [Double]
    var stepSizes: [Double]
    var firstStep = true

    init(parameterCount: Int, groups: [ParameterGroup], blocks: [Range<Int>], relativeInitialDistance: Double,
         epsilon: Double, weightDecay: Double, initialStepSize: Double?, kind: String) throws {
        ParameterGroup.validate(groups, count: parameterCount)
        let check = HyperParameterCheck(kind)
        if let e = initialStepSize {
            try check(e, "initialStepSize", .positive)
        } else {
            try check(relativeInitialDistance, "relativeInitialDistance (reps_rel)", .positive)
        }
        try check(epsilon, "epsilon", .nonNegative)
        try check.weightDecays(weightDecay, "weightDecay", groups: groups)
        var laid: [Block] = []
        for r in blocks {
            guard let gi = groups.firstIndex(where: { $0.range.lowerBound <= r.lowerBound && r.upperBound <= $0.range.upperBound }) else {
                preconditionFailure("\(kind): block \(r) does not lie inside one parameter group (groups: \(groups.map(\.range)))")
            }
            laid.append(Block(range: r, group: gi))
        }
        self.blocks = laid
        self.blockGroups = laid.map { block in
            let group = groups[block.group]
            return ParameterGroup(name: group.name, range: block.range, learningRateScale: group.learningRateScale,
                                  weightDecay: group.weightDecay)
        }
        self.relativeInitialDistance = initialStepSize == nil ? relativeInitialDistance : 0
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.initialStepSize = initialStepSize
        x0 = Array(repeating: 0, count: parameterCount)
        scratch = Array(repeating: 0, count: parameterCount)
        maxDistance = Array(repeating: 0, count: laid.count)
        gradientSquares = Array(repeating: 0, count: laid.count)
        stepSizes = Array(repeating: 0, count: laid.count)
    }

    mutating func step(parameters: UnsafeMutableBufferPointer<Scalar>, gradient: UnsafeMutableBufferPointer<Scalar>,
                       learningRate: Double) {
        precondition(parameters.count == x0.count && gradient.count == x0.count,
                     "DoG: parameters have \(parameters.count) elements and gradient \(gradient.count), optimizer built for \(x0.count)")
        let rule = DoGUpdate<Scalar>(relativeInitialDistance: relativeInitialDistance, epsilon: epsilon,
                                     initialStepSize: initialStepSize, firstStep: firstStep)
        x0.withUnsafeMutableBufferPointer { x0All in
            scratch.withUnsafeMutableBufferPointer { uAll in
                blockGroups.forEachStep(weightDecay: weightDecay) { block in
                    let j = block.index
                    rule.apply(parameters: block.slice(parameters), gradient: block.slice(gradient),
                               start: block.slice(x0All), scratch: block.slice(uAll),
                               maxDistance: &maxDistance[j], gradientSquares: &gradientSquares[j], stepSize: &stepSizes[j],
                               multiplier: learningRate * block.learningRateScale, weightDecay: CoupledL2(block.weightDecay))
                }
            }
        }
        firstStep = false
    }
}

// MARK: - Update rule

/// One DoG step of one block (a DoG group, an L-DoG layer), in place, with c the block's
/// multiplier (learning rate × the group's scale) and λ its weight decay:
///
/// ```
/// k = 0:  x₀ ← x,  r̄ = reps_rel·(1 + ‖x₀‖)         k ≥ 1:  r̄ = max(r̄, ‖x − x₀‖)
/// g ← g + λx                                        (coupled L2: λx enters G, as in dog.py)
/// k = 0:  G = ‖g‖² + ε                              k ≥ 1:  G ← G + ‖g‖²
/// η = c·r̄/√G        (k = 0 with initialStepSize: η = initialStepSize; G ≤ 0: η = 0, x unchanged)
/// x ← x − η·g
/// ```
/// r̄, G and η are the block's state (`Double`); r̄ is `updatedMaxDistance`.
struct DoGUpdate<Scalar: BLASScalar> {
    /// reps_rel (0 when `initialStepSize` is set: r̄ then starts at 0).
    let relativeInitialDistance: Double
    let epsilon: Double
    let initialStepSize: Double?
    /// k = 0.
    let firstStep: Bool

    func apply(parameters x: UnsafeMutableBufferPointer<Scalar>, gradient g: UnsafeMutableBufferPointer<Scalar>,
               start x0: UnsafeMutableBufferPointer<Scalar>, scratch u: UnsafeMutableBufferPointer<Scalar>,
               maxDistance r̄: inout Double, gradientSquares G: inout Double, stepSize η: inout Double,
               multiplier c: Double, weightDecay: CoupledL2<Scalar>) {
        r̄ = updatedMaxDistance(r̄, parameters: x, start: x0, scratch: u, firstStep: firstStep,
                               relativeInitialDistance: relativeInitialDistance)
        weightDecay.apply(to: g, at: x)
        let gg = BLAS.dotDouble(g.readOnly, g.readOnly)
        G = firstStep ? gg + epsilon : G + gg
        guard G > 0 else { η = 0; return }
        var eta = c * r̄ / G.squareRoot()
        if firstStep, let e = initialStepSize { eta = e }
        η = eta
        BLAS.axpy(Scalar(-eta), g, x)
    }
}

// MARK: - Saved state

/// The state of `DoG` and `LDoG` (kinds "dog" and "ldog"), format version 1: x₀ and, per block
/// (a DoG group, an L-DoG layer), r̄, G and the last η, with the block layout they belong to.
public struct DoGState: OptimizerStatePayload {
    public static let version = 1

    /// A block: its range `start..<end` of the flat buffer and the index of its parameter group.
    public struct Block: Codable, Equatable, Sendable {
        /// The block's first position in the flat buffer.
        public var start: Int
        /// The position after the block's last.
        public var end: Int
        /// The index of the block's parameter group.
        public var group: Int
        /// The block `start..<end` of group `group`.
        public init(start: Int, end: Int, group: Int) { self.start = start; self.end = end; self.group = group }
    }

    /// True until the first step (which sets x₀ and r̄ = r_ε).
    public var firstStep: Bool
    /// x₀, one element per parameter.
    public var x0: [Double]
    /// r̄, G and η, one element per block.
    public var maxDistance: [Double]
    /// G = ε + Σ‖g_i‖², one element per block.
    public var gradientSquares: [Double]
    /// The last step size η, one element per block.
    public var stepSizes: [Double]
    /// The blocks the per-block values belong to. Two optimizers with the same parameter count but
    /// other groups or layers have other layouts, and the r̄, G, η of one mean nothing to the other.
    public var layout: [Block]

    /// A state with these values.
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

// MARK: - Fields

/// The fields DoG and L-DoG share.
enum DoGFields {
    static let all: [OptimizerField] = [
        .number("reps_rel", default: 1e-6, in: .positive, help: "relative initial distance r_ε/(1 + ‖x₀‖)"),
        .number("eps", aliases: ["epsilon"], default: 1e-8, in: .nonNegative, help: "ε added to the gradient square sum"),
        .number("weight_decay", aliases: ["wd"], default: 0, in: .nonNegative, help: "weight decay λ (L2 in the gradient)"),
        .number("init_eta", default: nil, in: .positive, help: "the first step size (replaces reps_rel)"),
        .number("average_gamma", default: 8, in: .nonNegative, help: "polynomial iterate averaging γ (0 turns it off)"),
    ]
}
