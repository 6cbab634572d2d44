import Descent
import Foundation

/// Maps between a model's flat parameter vector θ (each layer's weight stored out × in, then its
/// bias; see `LinearModel`/`MLP`) and a `ModelDocument` (each layer's weights inputs × outputs).
enum ModelFile {
    /// Where each affine layer lives in θ.
    struct LayerSlot { var weight: Range<Int>; var bias: Range<Int>?; var inputs: Int; var outputs: Int }

    static func slots(_ shape: ModelShape) -> [LayerSlot] {
        switch shape {
        case .linear(let d, let k, let intercept):
            return [LayerSlot(weight: 0..<(d * k), bias: intercept ? (d * k)..<(d * k + k) : nil, inputs: d, outputs: k)]
        case .mlp(let d, let hidden, let k):
            let m = MLP<Double>(inputs: d, hidden: hidden, outputs: k)
            let widths = [d] + hidden + [k]
            return (0..<m.layerCount).map {
                LayerSlot(weight: m.weightRange(layer: $0), bias: m.biasRange(layer: $0), inputs: widths[$0], outputs: widths[$0 + 1])
            }
        }
    }

    static func document<Scalar: BLASScalar>(shape: ModelShape, parameters θ: [Scalar], loss: Loss,
                                             standardization: ModelDocument.Standardization?,
                                             featureNames: [String], targetNames: [String],
                                             training: [String: String]) -> ModelDocument {
        let layers = slots(shape).map { s -> ModelDocument.Layer in
            let weights = (0..<s.inputs).map { i in (0..<s.outputs).map { j in Double(θ[s.weight.lowerBound + j * s.inputs + i]) } }
            return ModelDocument.Layer(weights: weights, bias: s.bias.map { θ[$0].map { Double($0) } })
        }
        let (kind, hidden, activation): (ModelDocument.Kind, [Int], String?) = switch shape {
        case .linear: (.linear, [], nil)
        case .mlp(_, let h, _): (.mlp, h, "relu")
        }
        return ModelDocument(kind: kind, inputCount: shape.inputCount, outputCount: shape.outputCount, hiddenSizes: hidden,
                             activation: activation, layers: layers, standardization: standardization,
                             featureNames: featureNames.count == shape.inputCount ? featureNames : [],
                             targetNames: targetNames.count == shape.outputCount ? targetNames : [],
                             loss: loss.description, training: training, createdBy: "descent \(DescentCommand.version)")
    }

    /// The architecture a (validated) document describes.
    static func shape(of doc: ModelDocument, file: String) throws -> ModelShape {
        switch doc.kind {
        case .linear:
            let hasBias = doc.layers[0].bias != nil
            return .linear(inputs: doc.inputCount, outputs: doc.outputCount, intercept: hasBias)
        case .mlp:
            guard doc.activation == "relu" else {
                throw DataError(.invalidValue, file: file, "activation \"\(doc.activation ?? "")\" is not supported (only relu)")
            }
            guard doc.layers.allSatisfy({ $0.bias != nil }) else {
                throw DataError(.shapeMismatch, file: file, "every mlp layer needs a bias")
            }
            return .mlp(inputs: doc.inputCount, hidden: doc.hiddenSizes, outputs: doc.outputCount)
        }
    }

    /// θ in the model's layout.
    static func parameters<Scalar: BLASScalar>(of doc: ModelDocument, shape: ModelShape, as _: Scalar.Type) -> [Scalar] {
        let s = slots(shape)
        var θ = [Scalar](repeating: 0, count: (s.last!.bias ?? s.last!.weight).upperBound)
        for (slot, layer) in zip(s, doc.layers) {
            for i in 0..<slot.inputs { for j in 0..<slot.outputs { θ[slot.weight.lowerBound + j * slot.inputs + i] = Scalar(layer.weights[i][j]) } }
            if let b = slot.bias, let values = layer.bias { for (o, v) in zip(b, values) { θ[o] = Scalar(v) } }
        }
        return θ
    }

    /// A model file, loaded and turned into (shape, θ, loss), checked against the expected shape when given.
    static func load<Scalar: BLASScalar>(_ path: String, as _: Scalar.Type) throws -> (doc: ModelDocument, shape: ModelShape, parameters: [Scalar], loss: Loss) {
        let doc = try ModelDocument.load(from: URL(fileURLWithPath: path))
        let shape = try shape(of: doc, file: path)
        let loss: Loss
        do { loss = try Loss(parsing: doc.loss) } catch {
            throw DataError(.invalidValue, file: path, "loss \"\(doc.loss)\": \(error)")
        }
        return (doc, shape, parameters(of: doc, shape: shape, as: Scalar.self), loss)
    }
}
