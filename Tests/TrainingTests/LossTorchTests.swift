import Testing
import Descent
import _TestSupport

/// Descent's losses against PyTorch's (golden numbers in `LossTorchReference.swift`, produced by
/// `scripts/reference/losses_torch.py`), through the scale factors documented on `Loss`.
struct LossTorchTests {
    typealias R = LossTorchReference

    func compare<T: BLASScalar>(_ loss: Loss, _ p: [[Double]], _ y: [[Double]],
                                _ reference: (value: Double, gradient: [Double]), factor: Double, _: T.Type) {
        let tol = T.self == Float.self ? 1e-6 : 1e-14
        let pm = Matrix(p.map { $0.map { T($0) } }), ym = Matrix(y.map { $0.map { T($0) } })
        var g = Matrix<T>(rows: pm.rows, cols: pm.cols)
        let value = pm.withView { pv in ym.withView { yv in g.withMutableView { loss.valueAndGradient(prediction: pv, target: yv, gradient: $0) } } }
        #expect(isClose(value, factor * reference.value, tol: tol), "\(loss): \(value) vs \(factor) × \(reference.value)")
        #expect(allClose(g.elements.map(Double.init), reference.gradient.map { factor * $0 }, tol: tol), "\(loss) gradient")
    }

    func losses<T: BLASScalar>(_: T.Type) {
        let k = Double(R.prediction[0].count)
        compare(.squaredError, R.prediction, R.target, R.mse, factor: k / 2, T.self)     // MSELoss = (2/k)·ours
        compare(.huber(delta: R.huberDelta), R.prediction, R.target, R.huber, factor: k, T.self)
        compare(.absoluteError, R.prediction, R.target, R.l1, factor: k, T.self)        // incl. sign(0) = 0
        compare(.binaryLogistic, R.logits, R.labels, R.bce, factor: 1, T.self)
        compare(.softmaxCrossEntropy, R.prediction, R.classes, R.crossEntropy, factor: 1, T.self)
    }

    /// Plain SGD with lr η on our squared error equals PyTorch's SGD with lr η·k/2 on `MSELoss`.
    func sgdLearningRateFactor<T: BLASScalar>(_: T.Type) throws {
        let tol: T = T.self == Float.self ? 1e-5 : 1e-13
        let x = Matrix(R.sgdX.map { $0.map { T($0) } }), y = Matrix(R.sgdY.map { $0.map { T($0) } })
        let model = LinearModel<T>(inputs: x.cols, outputs: y.cols)
        var theta = model.parameters(weights: Matrix(R.sgdW0.map { $0.map { T($0) } }), bias: R.sgdB0.map { T($0) })
        var objective = try SupervisedObjective(x: x, y: y, model: model, loss: .squaredError, maximumBatchSize: x.rows)
        for _ in 0..<R.sgdSteps {
            let (_, g) = EngineFixtures.lossAndGradient(&objective, theta, .rows(0..<x.rows))
            theta = zip(theta, g).map { $0 - T(R.sgdEta) * $1 }
        }
        #expect(allClose(theta, R.sgdFinal.map { T($0) }, tol: tol), "worst \(maxScaledDifference(theta, R.sgdFinal.map { T($0) }))")
    }

    @Test func lossesFloat() { losses(Float.self) }
    @Test func lossesDouble() { losses(Double.self) }
    @Test func sgdFactorFloat() throws { try sgdLearningRateFactor(Float.self) }
    @Test func sgdFactorDouble() throws { try sgdLearningRateFactor(Double.self) }
}
