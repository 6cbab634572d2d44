import LinearAlgebra
import Optimizers

/// The linear model ŷ = x·Wᵀ + b for d inputs and k outputs (b optional), W stored k × d (out × in).
///
/// Parameter layout: W (k × d, row-major: out × in, PyTorch's `nn.Linear.weight` layout) at
/// offset 0, then b (k) at offset d·k when the model has an intercept; for k = 1 this is just
/// w (d) then b. `parameters(weights:bias:)` and `weights(in:)` convert from and to the d × k
/// matrix Wᵀ (ŷ = x·Wᵀ + b), the layout of a least-squares solution.
/// Groups: "layer0.weight", and "layer0.bias" with an intercept.
/// Initialisation: all zeros (the problem is convex for every `Loss`; scikit-learn's
/// `SGDRegressor`/`SGDClassifier` also start from 0), so the generator is not used.
public struct LinearModel<Scalar: BLASScalar>: Model {
    public let inputCount: Int
    public let outputCount: Int
    /// Whether the model has a bias b per output.
    public let hasIntercept: Bool

    /// A model of `inputs` features and `outputs` outputs (both ≥ 1), with an intercept unless `intercept` is
    /// false.
    public init(inputs: Int, outputs: Int, intercept: Bool = true) {
        precondition(inputs >= 1 && outputs >= 1, "a linear model needs ≥ 1 input and output, got \(inputs)→\(outputs)")
        inputCount = inputs; outputCount = outputs; hasIntercept = intercept
    }

    /// The weights' positions in θ: W, outputs × inputs, row-major.
    public var weightRange: Range<Int> { 0..<(inputCount * outputCount) }
    /// The biases' positions in θ, after the weights; nil without an intercept.
    public var biasRange: Range<Int>? {
        hasIntercept ? weightRange.upperBound..<(weightRange.upperBound + outputCount) : nil
    }
    public var parameterCount: Int { biasRange?.upperBound ?? weightRange.upperBound }

    public var parameterGroups: [ParameterGroup] {
        var groups = [ParameterGroup(name: "layer0.weight", range: weightRange)]
        if let b = biasRange { groups.append(ParameterGroup(name: "layer0.bias", range: b)) }
        return groups
    }

    public var shape: ModelShape { .linear(inputs: inputCount, outputs: outputCount, intercept: hasIntercept) }

    /// None: the forward and backward passes keep nothing between them (the bias gradient is the
    /// column sum of δ, taken directly).
    public func scratchCount(batchSize: Int) -> Int { 0 }

    public func initialize(parameters: UnsafeMutableBufferPointer<Scalar>, generator: inout SeededGenerator) {
        precondition(parameters.count == parameterCount, "initialize: \(parameters.count) parameters, the model has \(parameterCount)")
        parameters.update(repeating: 0)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(parameters: UnsafeBufferPointer<Scalar>, input: MatrixView<Scalar>,
                        output: MutableMatrixView<Scalar>, scratch: UnsafeMutableBufferPointer<Scalar>) {
        precondition(parameters.count == parameterCount, "forward: \(parameters.count) parameters, the model has \(parameterCount)")
        DenseLayer.forward(input: input, weight: MatrixView(parameters, offset: 0, rows: outputCount, cols: inputCount),
                           bias: biasRange.map { UnsafeBufferPointer(rebasing: parameters[$0]) }, output: output)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func backward(parameters: UnsafeBufferPointer<Scalar>, input: MatrixView<Scalar>,
                         outputGradient: MatrixView<Scalar>, gradient: UnsafeMutableBufferPointer<Scalar>,
                         scratch: UnsafeMutableBufferPointer<Scalar>) {
        precondition(gradient.count == parameterCount, "backward: gradient has \(gradient.count) elements, the model has \(parameterCount)")
        DenseLayer.parameterGradient(
            input: input, delta: outputGradient,
            weightGradient: MutableMatrixView(gradient, offset: 0, rows: outputCount, cols: inputCount),
            biasGradient: biasRange.map { UnsafeMutableBufferPointer(rebasing: gradient[$0]) })
    }

    /// θ from Wᵀ (d × k) and b (k; empty without an intercept), e.g. to start from or compare with
    /// a least-squares solution.
    public func parameters(weights: Matrix<Scalar>, bias: [Scalar]) -> [Scalar] {
        precondition(weights.rows == inputCount && weights.cols == outputCount,
                     "weights are \(weights.shape), the model needs \(inputCount)×\(outputCount)")
        precondition(bias.count == (hasIntercept ? outputCount : 0),
                     "bias has \(bias.count) elements, the model needs \(hasIntercept ? outputCount : 0)")
        return weights.transposed.elements + bias
    }

    /// Wᵀ (d × k) read out of θ.
    public func weights(in parameters: [Scalar]) -> Matrix<Scalar> {
        precondition(parameters.count == parameterCount, "\(parameters.count) parameters, the model has \(parameterCount)")
        return Matrix(rows: outputCount, cols: inputCount, elements: Array(parameters[weightRange])).transposed
    }

    /// b read out of θ (empty without an intercept).
    public func bias(in parameters: [Scalar]) -> [Scalar] {
        precondition(parameters.count == parameterCount, "\(parameters.count) parameters, the model has \(parameterCount)")
        return biasRange.map { Array(parameters[$0]) } ?? []
    }
}
