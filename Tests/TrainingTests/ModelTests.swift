import Foundation
import Testing
import Descent
import _TestSupport

struct ModelTests {
    // MARK: Layout

    @Test func parameterLayoutAndGroups() {
        let linear = LinearModel<Double>(inputs: 3, outputs: 2)
        #expect(linear.parameterCount == 3 * 2 + 2)
        #expect(linear.parameterGroups.map(\.name) == ["layer0.weight", "layer0.bias"])
        #expect(linear.parameterGroups.map(\.range) == [0..<6, 6..<8])
        #expect(LinearModel<Double>(inputs: 3, outputs: 2, intercept: false).parameterGroups.map(\.range) == [0..<6])

        let mlp = MLP<Float>(inputs: 3, hidden: [4, 5], outputs: 2)
        // (3·4 + 4) + (4·5 + 5) + (5·2 + 2) = 16 + 25 + 12
        #expect(mlp.parameterCount == 53)
        #expect(mlp.parameterGroups.map(\.name) == ["layer0.weight", "layer0.bias", "layer1.weight", "layer1.bias",
                                                    "layer2.weight", "layer2.bias"])
        #expect(mlp.parameterGroups.map(\.range) == [0..<12, 12..<16, 16..<36, 36..<41, 41..<51, 51..<53])
        ParameterGroup.validate(mlp.parameterGroups, count: mlp.parameterCount)
        let noDecay = mlp.parameterGroups.withoutDecayOnBiases()
        #expect(noDecay.map(\.weightDecay) == [nil, 0, nil, 0, nil, 0])
    }

    @Test func shapesRoundTrip() throws {
        let shapes: [ModelShape] = [.linear(inputs: 3, outputs: 1, intercept: true), .mlp(inputs: 3, hidden: [16, 8], outputs: 2)]
        for shape in shapes {
            let decoded = try JSONDecoder().decode(ModelShape.self, from: JSONEncoder().encode(shape))
            #expect(decoded == shape)
            let model = try decoded.makeModel(Double.self)
            #expect(model.shape == shape)
            #expect(model.inputCount == shape.inputCount && model.outputCount == shape.outputCount)
        }
        #expect(shapes.map(\.description) == ["linear 3→1 with intercept", "mlp 3→16→8→2 (ReLU)"])
        #expect(throws: TrainingDataError.self) { try ModelShape.mlp(inputs: 3, hidden: [0], outputs: 1).makeModel(Float.self) }
        #expect(throws: TrainingDataError.self) { try ModelShape.linear(inputs: 0, outputs: 1, intercept: true).makeModel(Float.self) }
    }

    // MARK: Forward pass

    /// Forward (chunked through `predict`) against the plain-loop network, for every model.
    func forwardMatchesNaive<T: BLASScalar>(_: T.Type) {
        let tol: T = T.self == Float.self ? 1e-5 : 1e-12
        let x: Matrix<T> = randomMatrix(10, 4, seed: 1)
        for k in [1, 3] {
            for model in EngineFixtures.models(inputs: 4, outputs: k, as: T.self) {
                let theta = EngineFixtures.parameters(for: model, seed: 7)
                let want = NaiveNetwork.forward(model, theta, x).output.flatMap { $0 }.map { T($0) }
                // Chunks of 3 rows through a small workspace, and the allocating convenience.
                let workspace = ModelWorkspace(model: model, maximumBatchSize: 3)
                var out = Matrix<T>(rows: 10, cols: k, repeating: .nan)
                theta.withUnsafeBufferPointer { p in
                    x.withView { xv in out.withMutableView { model.predict(parameters: p, x: xv, into: $0, workspace: workspace) } }
                }
                #expect(allClose(out.elements, want, tol: tol), "\(model.shape)")
                #expect(allClose(model.predict(parameters: theta, x: x).elements, want, tol: tol), "\(model.shape)")
            }
        }
    }

    @Test func forwardFloat() { forwardMatchesNaive(Float.self) }
    @Test func forwardDouble() { forwardMatchesNaive(Double.self) }

    // MARK: Gradient of the linear model in closed form

    /// ∂L/∂W = Xᵀ(XW + 1bᵀ − Y)/B and ∂L/∂b = (XW + 1bᵀ − Y)ᵀ1/B for the squared error (θ stores
    /// Wᵀ, so its weight part is the transpose, Rᵀ·X/B).
    func linearClosedForm<T: BLASScalar>(_: T.Type) throws {
        let tol: T = T.self == Float.self ? 1e-5 : 1e-12
        let (n, d, k) = (9, 4, 2)
        let x: Matrix<T> = randomMatrix(n, d, seed: 3), y: Matrix<T> = randomMatrix(n, k, seed: 4)
        let w: Matrix<T> = randomMatrix(d, k, seed: 5), b: [T] = randomVector(k, seed: 6)
        let model = LinearModel<T>(inputs: d, outputs: k)
        let theta = model.parameters(weights: w, bias: b)
        var objective = try SupervisedObjective(x: x, y: y, model: model, loss: .squaredError, maximumBatchSize: n)
        let (loss, g) = EngineFixtures.lossAndGradient(&objective, theta, .rows(0..<n))

        let xw = Naive.matmul(x, false, w, false)
        let r = Matrix<T>(rows: n, cols: k) { i, j in xw[i, j] + b[j] - y[i, j] }
        let gw = Naive.matmul(x, true, r, false).transposed.elements.map { $0 / T(n) }
        let gb = (0..<k).map { j in (0..<n).reduce(T(0)) { $0 + r[$1, j] } / T(n) }
        #expect(allClose(g, gw + gb, tol: tol))
        let half = r.elements.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(2 * n)
        #expect(isClose(loss, half, tol: Double(tol)))
        #expect(model.weights(in: theta) == w && model.bias(in: theta) == b)
    }

    @Test func linearFloat() throws { try linearClosedForm(Float.self) }
    @Test func linearDouble() throws { try linearClosedForm(Double.self) }

    // MARK: Initialisation

    /// He-uniform hidden weights (bound √(6/fan_in)), Xavier-uniform output weights
    /// (bound √(6/(fan_in + fan_out))), zero biases: every weight within its bound, the extremes
    /// near it, and the sample mean and variance those of U(−a, a) (0 and a²/3).
    func initialisation<T: BLASScalar>(_: T.Type) {
        let model = MLP<T>(inputs: 64, hidden: [128], outputs: 32)
        let theta = model.initialParameters(seed: 42)
        let bounds = [(6.0 / 64).squareRoot(), (6.0 / (128 + 32)).squareRoot()]
        #expect(bounds[0] == WeightInitialization.heUniformBound(fanIn: 64))
        #expect(bounds[1] == WeightInitialization.xavierUniformBound(fanIn: 128, fanOut: 32))
        for layer in 0..<2 {
            let w = theta[model.weightRange(layer: layer)].map(Double.init)
            let a = bounds[layer], count = Double(w.count)
            #expect(w.allSatisfy { abs($0) <= a })
            #expect(w.map(abs).max()! > 0.99 * a)
            let mean = w.reduce(0, +) / count
            let variance = w.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / count
            // Standard errors: mean a/√(3N); variance (a²/3)·√(0.8/N) (≤ 1.4 % for N ≥ 4096).
            #expect(abs(mean) < 4 * a / (3 * count).squareRoot(), "layer \(layer) mean \(mean)")
            #expect(abs(variance / (a * a / 3) - 1) < 0.06, "layer \(layer) variance \(variance) vs \(a * a / 3)")
            #expect(theta[model.biasRange(layer: layer)].allSatisfy { $0 == 0 })
        }
        #expect(model.initialParameters(seed: 42) == theta)
        #expect(model.initialParameters(seed: 43) != theta)
        // The linear model starts at zero.
        #expect(LinearModel<T>(inputs: 5, outputs: 2).initialParameters(seed: 42).allSatisfy { $0 == 0 })
    }

    @Test func initialisationFloat() { initialisation(Float.self) }
    @Test func initialisationDouble() { initialisation(Double.self) }

    @Test func sameDrawsInBothPrecisions() {
        let f = MLP<Float>(inputs: 5, hidden: [7], outputs: 2).initialParameters(seed: 9)
        let d = MLP<Double>(inputs: 5, hidden: [7], outputs: 2).initialParameters(seed: 9)
        #expect(f == d.map { Float($0) })
    }
}
