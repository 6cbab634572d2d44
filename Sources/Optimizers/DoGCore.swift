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
