import LinearAlgebra
import Optimizers

/// A differentiable model ŷ = f(θ, x) over one flat parameter vector θ, evaluated on a batch of
/// rows. Each weight matrix and bias is a view at a fixed offset in θ (and the same offset in the
/// gradient buffer), so optimizers see one contiguous vector.
///
/// Forward and backward are BLAS calls into caller-owned memory: `scratch` holds what backward
/// needs from forward (activations) plus its own temporaries, and must have at least
/// `scratchCount(batchSize:)` elements (`ModelWorkspace` allocates it once for the largest batch).
/// Neither call allocates.
public protocol Model<Scalar>: Sendable {
    /// The element type of the parameters and data.
    associatedtype Scalar: BLASScalar

    /// d, the number of input columns.
    var inputCount: Int { get }
    /// k, the number of outputs per sample.
    var outputCount: Int { get }
    /// Length of θ.
    var parameterCount: Int { get }
    /// Named ranges of θ tiling `0..<parameterCount` ("layer0.weight", "layer0.bias", …).
    var parameterGroups: [ParameterGroup] { get }
    /// The architecture, for model files (`ModelShape.makeModel` rebuilds the model).
    var shape: ModelShape { get }

    /// Scratch elements needed for a batch of `batchSize` rows.
    func scratchCount(batchSize: Int) -> Int

    /// Writes the initial parameters (documented per model), drawing from `generator`.
    func initialize(parameters: UnsafeMutableBufferPointer<Scalar>, generator: inout SeededGenerator)

    /// output (B × k) ← f(θ, input (B × d)); keeps in `scratch` what `backward` needs.
    func forward(parameters: UnsafeBufferPointer<Scalar>, input: MatrixView<Scalar>,
                 output: MutableMatrixView<Scalar>, scratch: UnsafeMutableBufferPointer<Scalar>)

    /// gradient (length `parameterCount`, overwritten) ← (∂L/∂θ) given outputGradient = ∂L/∂ŷ
    /// (B × k). Must follow a `forward` on the same parameters, input and scratch.
    func backward(parameters: UnsafeBufferPointer<Scalar>, input: MatrixView<Scalar>,
                  outputGradient: MatrixView<Scalar>, gradient: UnsafeMutableBufferPointer<Scalar>,
                  scratch: UnsafeMutableBufferPointer<Scalar>)
}

extension Model {
    /// Fresh parameters from `initialize`, seeded (same seed ⇒ same parameters).
    public func initialParameters(seed: UInt64) -> [Scalar] {
        var generator = SeededGenerator(seed: seed)
        var theta = [Scalar](repeating: 0, count: parameterCount)
        theta.withUnsafeMutableBufferPointer { initialize(parameters: $0, generator: &generator) }
        return theta
    }

    /// Predictions for every row of `x` into `output` (n × k), in chunks of the workspace's
    /// maximum batch size. Does not allocate.
    public func predict(parameters: UnsafeBufferPointer<Scalar>, x: MatrixView<Scalar>,
                        into output: MutableMatrixView<Scalar>, workspace: ModelWorkspace<Scalar>) {
        precondition(parameters.count == parameterCount, "predict: \(parameters.count) parameters, the model has \(parameterCount)")
        precondition(x.cols == inputCount, "predict: x is \(x.shape) but the model takes \(inputCount) inputs")
        precondition(output.rows == x.rows && output.cols == outputCount,
                     "predict: x is \(x.shape) so the output should be \(x.rows)×\(outputCount), got \(output.shape)")
        precondition(workspace.model.count >= scratchCount(batchSize: workspace.maximumBatchSize),
                     "predict: the workspace was built for another model")
        var start = 0
        while start < x.rows {
            let range = start..<Swift.min(start + workspace.maximumBatchSize, x.rows)
            forward(parameters: parameters, input: x.rows(range), output: output.rows(range), scratch: workspace.model)
            start = range.upperBound
        }
    }

    /// Predictions for every row of `x` (allocates the result and a workspace; for tools, not loops).
    public func predict(parameters: [Scalar], x: Matrix<Scalar>, chunkSize: Int = 1024) -> Matrix<Scalar> {
        let workspace = ModelWorkspace(model: self, maximumBatchSize: Swift.max(1, Swift.min(chunkSize, x.rows)))
        var result = Matrix<Scalar>(rows: x.rows, cols: outputCount)
        parameters.withUnsafeBufferPointer { theta in
            x.withView { xv in result.withMutableView { predict(parameters: theta, x: xv, into: $0, workspace: workspace) } }
        }
        return result
    }
}
