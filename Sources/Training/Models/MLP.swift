import LinearAlgebra
import Optimizers

/// A multilayer perceptron: hidden layers Aₗ = ReLU(Aₗ₋₁·Wₗᵀ + bₗ) (A₋₁ = x) and a linear output
/// layer ŷ = A·W_Lᵀ + b_L, each Wₗ stored out × in. Widths n₀ = d, n₁…n_H (hidden), n_{H+1} = k; with no hidden layers it is
/// an affine model with Xavier initialisation.
///
/// Parameter layout, layer by layer: Wₗ stored out × in (nₗ₊₁ × nₗ, row-major, PyTorch's
/// `nn.Linear.weight` layout; the layer computes A·Wₗᵀ + bₗ), then bₗ (nₗ₊₁). Groups
/// "layer<l>.weight" and "layer<l>.bias". Initialisation (`WeightInitialization`): He-uniform
/// weights for the ReLU layers, Xavier/Glorot-uniform for the output layer, all biases 0; weights
/// are drawn layer by layer in storage order.
///
/// Scratch for a batch of B rows: each hidden activation Aₗ (B × nₗ₊₁) and one back-propagated δ of
/// the same shape per hidden layer.
public struct MLP<Scalar: BLASScalar>: Model {
    public let inputCount: Int
    /// The hidden layers' widths, input side first.
    public let hiddenSizes: [Int]
    public let outputCount: Int
    /// n₀ … n_{H+1}.
    let widths: [Int]
    /// Offset of Wₗ in θ; bₗ follows it.
    let weightOffsets: [Int]
    /// Σ_{j<h} hiddenSizes[j] for h = 0…H: where hidden layer h starts in a row of the scratch
    /// (computed once, so the views below take no reduction in a step).
    let hiddenOffsets: [Int]
    public let parameterCount: Int

    /// An MLP from `inputs` through ReLU layers of widths `hidden` to `outputs` (every width ≥ 1).
    public init(inputs: Int, hidden: [Int], outputs: Int) {
        precondition(inputs >= 1 && outputs >= 1 && hidden.allSatisfy { $0 >= 1 },
                     "MLP widths must be ≥ 1, got \(inputs)→\(hidden)→\(outputs)")
        inputCount = inputs; hiddenSizes = hidden; outputCount = outputs
        widths = [inputs] + hidden + [outputs]
        var offsets: [Int] = [], next = 0
        for l in 0..<(widths.count - 1) {
            offsets.append(next)
            next += widths[l] * widths[l + 1] + widths[l + 1]
        }
        weightOffsets = offsets
        parameterCount = next
        var starts = [0]
        for h in hidden { starts.append(starts.last! + h) }
        hiddenOffsets = starts
    }

    /// Number of affine layers (hidden layers + the output layer).
    public var layerCount: Int { widths.count - 1 }

    /// The positions in θ of layer `l`'s weights Wₗ (outputs × inputs, row-major).
    public func weightRange(layer l: Int) -> Range<Int> {
        weightOffsets[l]..<(weightOffsets[l] + widths[l] * widths[l + 1])
    }
    /// The positions in θ of layer `l`'s biases, after its weights.
    public func biasRange(layer l: Int) -> Range<Int> {
        let start = weightRange(layer: l).upperBound
        return start..<(start + widths[l + 1])
    }

    public var parameterGroups: [ParameterGroup] {
        (0..<layerCount).flatMap { l in
            [ParameterGroup(name: "layer\(l).weight", range: weightRange(layer: l)),
             ParameterGroup(name: "layer\(l).bias", range: biasRange(layer: l))]
        }
    }

    public var shape: ModelShape { .mlp(inputs: inputCount, hidden: hiddenSizes, outputs: outputCount) }

    var hiddenTotal: Int { hiddenOffsets[hiddenOffsets.count - 1] }

    public func scratchCount(batchSize: Int) -> Int { batchSize * 2 * hiddenTotal }

    public func initialize(parameters: UnsafeMutableBufferPointer<Scalar>, generator: inout SeededGenerator) {
        precondition(parameters.count == parameterCount, "initialize: \(parameters.count) parameters, the model has \(parameterCount)")
        for l in 0..<layerCount {
            let bound = l < layerCount - 1
                ? WeightInitialization.heUniformBound(fanIn: widths[l])
                : WeightInitialization.xavierUniformBound(fanIn: widths[l], fanOut: widths[l + 1])
            WeightInitialization.fillUniform(UnsafeMutableBufferPointer(rebasing: parameters[weightRange(layer: l)]),
                                             bound: bound, generator: &generator)
            UnsafeMutableBufferPointer(rebasing: parameters[biasRange(layer: l)]).update(repeating: 0)
        }
    }

    // MARK: Views

    func weight(_ l: Int, _ theta: UnsafeBufferPointer<Scalar>) -> MatrixView<Scalar> {
        MatrixView(theta, offset: weightOffsets[l], rows: widths[l + 1], cols: widths[l])
    }
    func bias(_ l: Int, _ theta: UnsafeBufferPointer<Scalar>) -> UnsafeBufferPointer<Scalar> {
        UnsafeBufferPointer(rebasing: theta[biasRange(layer: l)])
    }
    /// Hidden activation h (output of layer h) for a batch of `b` rows.
    func activation(_ h: Int, rows b: Int, _ scratch: UnsafeMutableBufferPointer<Scalar>) -> MutableMatrixView<Scalar> {
        MutableMatrixView(scratch, offset: b * hiddenOffsets[h], rows: b, cols: hiddenSizes[h])
    }
    /// ∂L/∂(pre-activation of hidden layer h) for a batch of `b` rows.
    func delta(_ h: Int, rows b: Int, _ scratch: UnsafeMutableBufferPointer<Scalar>) -> MutableMatrixView<Scalar> {
        MutableMatrixView(scratch, offset: b * (hiddenTotal + hiddenOffsets[h]), rows: b, cols: hiddenSizes[h])
    }

    // MARK: Forward and backward

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(parameters: UnsafeBufferPointer<Scalar>, input: MatrixView<Scalar>,
                        output: MutableMatrixView<Scalar>, scratch: UnsafeMutableBufferPointer<Scalar>) {
        precondition(parameters.count == parameterCount, "forward: \(parameters.count) parameters, the model has \(parameterCount)")
        let b = input.rows
        precondition(scratch.count >= scratchCount(batchSize: b),
                     "forward: scratch has \(scratch.count) elements, a batch of \(b) needs \(scratchCount(batchSize: b))")
        var a = input
        for l in 0..<layerCount {
            let out = l < layerCount - 1 ? activation(l, rows: b, scratch) : output
            DenseLayer.forward(input: a, weight: weight(l, parameters), bias: bias(l, parameters), output: out)
            if l < layerCount - 1 {
                DenseLayer.relu(out)
                a = out.readOnly
            }
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func backward(parameters: UnsafeBufferPointer<Scalar>, input: MatrixView<Scalar>,
                         outputGradient: MatrixView<Scalar>, gradient: UnsafeMutableBufferPointer<Scalar>,
                         scratch: UnsafeMutableBufferPointer<Scalar>) {
        precondition(gradient.count == parameterCount, "backward: gradient has \(gradient.count) elements, the model has \(parameterCount)")
        let b = input.rows
        precondition(outputGradient.rows == b && outputGradient.cols == outputCount,
                     "backward: output gradient is \(outputGradient.shape), expected \(b)×\(outputCount)")
        precondition(scratch.count >= scratchCount(batchSize: b),
                     "backward: scratch has \(scratch.count) elements, a batch of \(b) needs \(scratchCount(batchSize: b))")
        var d = outputGradient
        for l in stride(from: layerCount - 1, through: 0, by: -1) {
            let layerInput = l == 0 ? input : activation(l - 1, rows: b, scratch).readOnly
            DenseLayer.parameterGradient(
                input: layerInput, delta: d,
                weightGradient: MutableMatrixView(gradient, offset: weightOffsets[l], rows: widths[l + 1], cols: widths[l]),
                biasGradient: UnsafeMutableBufferPointer(rebasing: gradient[biasRange(layer: l)]))
            if l > 0 {
                let previous = delta(l - 1, rows: b, scratch)
                DenseLayer.inputGradient(delta: d, weight: weight(l, parameters), into: previous)
                DenseLayer.reluBackward(activation: layerInput, delta: previous)
                d = previous.readOnly
            }
        }
    }
}
