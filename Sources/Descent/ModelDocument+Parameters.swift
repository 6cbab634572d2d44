import DataFiles
import Foundation
import LinearAlgebra
import Training

// The mapping between the flat parameter buffer θ that `LinearModel` and `MLP` train and the layers
// of a model file (`ModelDocument`). It lives in the umbrella target because it needs both the
// Training layer (`ModelShape`, `Loss`) and the DataFiles layer (`ModelDocument`), which do not
// depend on each other.
//
// Weight layout. Layer l (l = 0 on the input side) maps nᵢₙ = n_l inputs to nₒᵤₜ = n_{l+1} outputs;
// the model's widths are n₀ = inputCount, n₁ … n_H = hiddenSizes, n_{H+1} = outputCount.
//
//   θ (training precision): layer l starts at offset o_l. Its weights are stored out × in,
//   row-major (PyTorch's `nn.Linear.weight`): the weight from input i to output j is
//   θ[o_l + j·nᵢₙ + i]. Its bias follows directly: output j's bias is θ[o_l + nᵢₙ·nₒᵤₜ + j].
//   The next layer starts after the bias, o_{l+1} = o_l + nᵢₙ·nₒᵤₜ + nₒᵤₜ. A linear model has one
//   layer (o₀ = 0) and its bias only with an intercept; every MLP layer has a bias.
//
//   File (`ModelDocument.Layer`, Double): `weights` is in × out, one inner array per input:
//   `weights[i][j]` is the weight from input i to output j, the transpose of θ's block. `bias[j]`
//   is output j's bias; `bias` is absent for a linear model without an intercept.
//
//   So  layers[l].weights[i][j] == θ[o_l + j·nᵢₙ + i]  and  layers[l].bias[j] == θ[o_l + nᵢₙ·nₒᵤₜ + j].
//
// Both compute the same layer: output j = Σᵢ xᵢ·(weight from i to j) + bias j, i.e. x·Wᵀ + b on θ's
// block W and x·weights + bias on the file's. Values are widened to Double exactly on the way out,
// so Float and Double parameters read back bit-identical in the precision they were written in.

/// Where one affine layer's weights and bias live in θ, and its widths.
private struct LayerSlot {
    var weight: Range<Int>
    var bias: Range<Int>?
    var inputs: Int
    var outputs: Int

    /// The slots of a shape's layers, from the models' own ranges (the shape must be valid).
    static func slots(_ shape: ModelShape) -> [LayerSlot] {
        switch shape {
        case .linear(let d, let k, let intercept):
            let model = LinearModel<Double>(inputs: d, outputs: k, intercept: intercept)
            return [LayerSlot(weight: model.weightRange, bias: model.biasRange, inputs: d, outputs: k)]
        case .mlp(let d, let hidden, let k):
            let model = MLP<Double>(inputs: d, hidden: hidden, outputs: k)
            let widths = [d] + hidden + [k]
            return (0..<model.layerCount).map {
                LayerSlot(weight: model.weightRange(layer: $0), bias: model.biasRange(layer: $0),
                          inputs: widths[$0], outputs: widths[$0 + 1])
            }
        }
    }
}

extension ModelDocument {
    /// The `createdBy` of files the library writes unless told otherwise: "descent <version>",
    /// what `descent train` writes.
    public static var defaultCreator: String { "descent \(DescentVersion.current)" }

    /// The document for a model with architecture `shape` and flat parameters `parameters` in the
    /// model's layout (`LinearModel`/`MLP`: each layer's weights out × in, then its bias); the file
    /// holds each layer's weights in × out (see the layout note at the top of this file and
    /// `docs/model-file.md`).
    ///
    /// - `kind`, `hiddenSizes` and `activation` ("relu" for an MLP, absent for a linear model)
    ///   follow from `shape`; `loss` is stored as `loss.description`.
    /// - `featureNames` / `targetNames` are kept only when there is one name per input / output;
    ///   otherwise the file gets `[]`.
    /// - `training` is a free-form record (`descent train` stores its settings there).
    ///
    /// Throws `TrainingDataError` when `shape` is not a valid architecture or `parameters` does not
    /// have the shape's parameter count. The document is validated again when saved or encoded.
    public init<Scalar: BLASScalar>(shape: ModelShape, parameters: [Scalar], loss: Loss,
                                    standardization: Standardization? = nil, featureNames: [String] = [],
                                    targetNames: [String] = [], classLabels: [Double]? = nil, missingValues: MissingValueFill? = nil,
                                    training: [String: String] = [:],
                                    createdBy: String = ModelDocument.defaultCreator) throws {
        let model = try shape.makeModel(Scalar.self)
        guard parameters.count == model.parameterCount else {
            throw TrainingDataError("\(shape) has \(model.parameterCount) parameters, got \(parameters.count)")
        }
        let layers = LayerSlot.slots(shape).map { s -> Layer in
            let weights = (0..<s.inputs).map { i in
                (0..<s.outputs).map { j in Double(parameters[s.weight.lowerBound + j * s.inputs + i]) }
            }
            return Layer(weights: weights, bias: s.bias.map { parameters[$0].map { Double($0) } })
        }
        let (kind, hidden, activation): (Kind, [Int], String?) = switch shape {
        case .linear: (.linear, [], nil)
        case .mlp(_, let h, _): (.mlp, h, "relu")
        }
        self.init(kind: kind, inputCount: shape.inputCount, outputCount: shape.outputCount, hiddenSizes: hidden,
                  activation: activation, layers: layers, standardization: standardization,
                  featureNames: featureNames.count == shape.inputCount ? featureNames : [],
                  targetNames: targetNames.count == shape.outputCount ? targetNames : [],
                  classLabels: classLabels, loss: loss.description, training: training, createdBy: createdBy)
        self.missingValues = missingValues.map { MissingValues(strategy: $0.strategy.rawValue, values: $0.values) }
    }

    /// The architecture the document describes, after `validate(file:)`: a linear model has an
    /// intercept when its layer has a bias; an MLP must use "relu" and have a bias in every layer.
    /// Errors are `DataError`s naming `file`.
    public func modelShape(file: String = "<model>") throws -> ModelShape {
        try validate(file: file)
        switch kind {
        case .linear:
            return .linear(inputs: inputCount, outputs: outputCount, intercept: layers[0].bias != nil)
        case .mlp:
            guard activation == "relu" else {
                throw DataError(.invalidValue, file: file, "activation \"\(activation ?? "")\" is not supported (only relu)")
            }
            guard layers.allSatisfy({ $0.bias != nil }) else {
                throw DataError(.shapeMismatch, file: file, "every mlp layer needs a bias")
            }
            return .mlp(inputs: inputCount, hidden: hiddenSizes, outputs: outputCount)
        }
    }

    /// The flat parameters θ in the layout of `modelShape(file:)`'s model, converted from the file's
    /// Doubles with `Scalar(_:)` (exact for values written from `Scalar`; a file written from
    /// Double and read as Float rounds each value to the nearest Float).
    public func parameters<Scalar: BLASScalar>(as _: Scalar.Type = Scalar.self, file: String = "<model>") throws -> [Scalar] {
        let slots = LayerSlot.slots(try modelShape(file: file))
        let count = slots.last.map { ($0.bias ?? $0.weight).upperBound } ?? 0
        var parameters = [Scalar](repeating: 0, count: count)
        for (slot, layer) in zip(slots, layers) {
            for i in 0..<slot.inputs {
                for j in 0..<slot.outputs { parameters[slot.weight.lowerBound + j * slot.inputs + i] = Scalar(layer.weights[i][j]) }
            }
            if let range = slot.bias, let bias = layer.bias {
                for (index, value) in zip(range, bias) { parameters[index] = Scalar(value) }
            }
        }
        return parameters
    }

    /// The stored loss, read with `Loss(parsing:)` (which also takes older aliases such as
    /// "squared"). An unknown name is a `DataError` naming `file`.
    public func parsedLoss(file: String = "<model>") throws -> Loss {
        do { return try Loss(parsing: loss) } catch {
            throw DataError(.invalidValue, file: file, "loss \"\(loss)\": \(error)")
        }
    }
}

extension ModelDocument.Standardization {
    /// The file's statistics from the training layer's transforms (the features' and, when the
    /// targets were standardised too, the targets').
    public init(features: Training.Standardization, targets: Training.Standardization? = nil) {
        self.init(featureMeans: features.means, featureScales: features.scales,
                  targetMeans: targets?.means, targetScales: targets?.scales)
    }

    /// The features' transform x′ = (x − mean)/scale. Throws `TrainingDataError` for statistics
    /// that a validated document cannot hold (unequal counts, non-finite values, scales ≤ 0).
    public func features() throws -> Training.Standardization {
        try Training.Standardization(means: featureMeans, scales: featureScales)
    }

    /// The targets' transform, or nil when the targets were not standardised (or only one of
    /// `targetMeans` and `targetScales` is present, which validation rejects).
    public func targets() throws -> Training.Standardization? {
        guard let means = targetMeans, let scales = targetScales else { return nil }
        return try Training.Standardization(means: means, scales: scales)
    }
}
