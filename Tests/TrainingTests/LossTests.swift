import Foundation
import Testing
import Descent
import _TestSupport

/// Loss values and gradients on 2–3 sample batches worked by hand (the arithmetic is in the
/// comments), and the stable forms at extreme logits.
struct LossTests {
    /// (L, ∂L/∂ŷ) for matrices given as nested rows.
    func evaluate<T: BLASScalar>(_ loss: Loss, _ p: [[T]], _ y: [[T]]) -> (Double, [T]) {
        let pm = Matrix(p), ym = Matrix(y)
        var g = Matrix<T>(rows: pm.rows, cols: pm.cols, repeating: .nan)
        let value = pm.withView { pv in ym.withView { yv in g.withMutableView { loss.valueAndGradient(prediction: pv, target: yv, gradient: $0) } } }
        let valueOnly = pm.withView { pv in ym.withView { loss.value(prediction: pv, target: $0) } }
        #expect(value == valueOnly, "value and valueAndGradient disagree for \(loss)")
        return (value, g.elements)
    }

    func tolerance<T: BLASScalar>(_: T.Type) -> Double { T.self == Float.self ? 1e-6 : 1e-14 }

    // ŷ = [[1, 2], [3, 5]], y = [[0, 2], [4, 3]] ⇒ r = ŷ − y = [[1, 0], [−1, 2]], B = 2.
    let p: [[Double]] = [[1, 2], [3, 5]], y: [[Double]] = [[0, 2], [4, 3]]

    func regressionLosses<T: BLASScalar>(_: T.Type) {
        let tol = tolerance(T.self)
        let pt = p.map { $0.map { T($0) } }, yt = y.map { $0.map { T($0) } }

        // Squared: L = ½·(1/2)·(1 + 0 + 1 + 4) = 1.5; ∂L/∂ŷ = r/2.
        var (l, g) = evaluate(.squaredError, pt, yt)
        #expect(isClose(l, 1.5, tol: tol))
        #expect(allClose(g, [0.5, 0, -0.5, 1], tol: T(tol)))
        // PyTorch's MSELoss (mean over B·k = 4 entries) is 6/4 = 1.5 = (2/k)·L with k = 2.
        #expect(isClose(2.0 / 2.0 * l, 6.0 / 4.0, tol: tol))

        // Huber δ = 1: h(1) = ½, h(0) = 0, h(−1) = ½, h(2) = 1·(2 − ½) = 1.5 ⇒ L = 2.5/2 = 1.25;
        // ∂L/∂ŷ = clamp(r, −1, 1)/2.
        (l, g) = evaluate(.huber(delta: 1), pt, yt)
        #expect(isClose(l, 1.25, tol: tol))
        #expect(allClose(g, [0.5, 0, -0.5, 0.5], tol: T(tol)))

        // Huber δ = 3: every |r| ≤ δ, so it equals the squared error.
        (l, g) = evaluate(.huber(delta: 3), pt, yt)
        #expect(isClose(l, 1.5, tol: tol))
        #expect(allClose(g, [0.5, 0, -0.5, 1], tol: T(tol)))

        // Absolute: L = (1 + 0 + 1 + 2)/2 = 2; ∂L/∂ŷ = sign(r)/2 with 0 at the tie r = 0.
        (l, g) = evaluate(.absoluteError, pt, yt)
        #expect(isClose(l, 2, tol: tol))
        #expect(g == [0.5, 0, -0.5, 0.5])
    }

    func logistic<T: BLASScalar>(_: T.Type) {
        let tol = tolerance(T.self)
        // z = [0, 2, −3], y = [1, 0, 0]: ℓ = log 2, log(1 + e²), log(1 + e⁻³) (naive formula, fine at
        // these sizes); ∂L/∂z = (σ(z) − y)/3 with σ(0) = ½, σ(2) = 1/(1 + e⁻²), σ(−3) = 1/(1 + e³).
        let (l, g) = evaluate(.binaryLogistic, [[T(0)], [T(2)], [T(-3)]], [[T(1)], [T(0)], [T(0)]])
        let want = (log(2.0) + log(1 + exp(2.0)) + log(1 + exp(-3.0))) / 3
        #expect(isClose(l, want, tol: tol))
        #expect(allClose(g.map(Double.init), [(0.5 - 1) / 3, 1 / (1 + exp(-2.0)) / 3, 1 / (1 + exp(3.0)) / 3], tol: tol))

        // Extreme logits: ℓ(1000, 0) = ℓ(−1000, 1) = 1000, the gradients are ±1/2, no overflow.
        let (le, ge) = evaluate(.binaryLogistic, [[T(1000)], [T(-1000)]], [[T(0)], [T(1)]])
        #expect(isClose(le, 1000, tol: tol))
        #expect(allClose(ge.map(Double.init), [0.5, -0.5], tol: tol))
    }

    func softmax<T: BLASScalar>(_: T.Type) {
        let tol = tolerance(T.self)
        // Row 1: z = [1, 2, 3], class 2: ℓ = log(e + e² + e³) − 3 = log(1 + e⁻¹ + e⁻²).
        // Row 2: z = [0, 0, 0], class 0: ℓ = log 3. L = mean. ∂L/∂z = (softmax − y)/2.
        let (l, g) = evaluate(.softmaxCrossEntropy, [[T(1), T(2), T(3)], [T(0), T(0), T(0)]],
                              [[T(0), T(0), T(1)], [T(1), T(0), T(0)]])
        let s = exp(1.0) + exp(2.0) + exp(3.0)
        #expect(isClose(l, (log(1 + exp(-1.0) + exp(-2.0)) + log(3.0)) / 2, tol: tol))
        let want = [exp(1.0) / s / 2, exp(2.0) / s / 2, (exp(3.0) / s - 1) / 2, (1.0 / 3 - 1) / 2, 1.0 / 6, 1.0 / 6]
        #expect(allClose(g.map(Double.init), want, tol: tol))

        // A probability target [¼, ¾] on z = [0, ln 3]: softmax = [¼, ¾], so ℓ is the entropy
        // −¼·ln ¼ − ¾·ln ¾ and the gradient is 0.
        let (lp, gp) = evaluate(.softmaxCrossEntropy, [[T(0), T(log(3.0))]], [[T(0.25), T(0.75)]])
        #expect(isClose(lp, -0.25 * log(0.25) - 0.75 * log(0.75), tol: tol))
        #expect(allClose(gp.map(Double.init), [0, 0], tol: tol))

        // Extreme logits [1000, 0, −1000] with class 1: ℓ = 1000 (the lse is 1000), gradient
        // [1, −1, 0] (softmax ≈ [1, e⁻¹⁰⁰⁰, 0]), no overflow.
        let (le, ge) = evaluate(.softmaxCrossEntropy, [[T(1000), T(0), T(-1000)]], [[T(0), T(1), T(0)]])
        #expect(isClose(le, 1000, tol: tol))
        #expect(allClose(ge.map(Double.init), [1, -1, 0], tol: tol))
    }

    @Test func regressionFloat() { regressionLosses(Float.self) }
    @Test func regressionDouble() { regressionLosses(Double.self) }
    @Test func logisticFloat() { logistic(Float.self) }
    @Test func logisticDouble() { logistic(Double.self) }
    @Test func softmaxFloat() { softmax(Float.self) }
    @Test func softmaxDouble() { softmax(Double.self) }

    @Test func validation() throws {
        #expect(throws: TrainingDataError.self) { try Loss.huber(delta: 0).validate(outputCount: 1) }
        #expect(throws: TrainingDataError.self) { try Loss.huber(delta: .nan).validate(outputCount: 1) }
        #expect(throws: TrainingDataError.self) { try Loss.binaryLogistic.validate(outputCount: 2) }
        #expect(throws: TrainingDataError.self) { try Loss.softmaxCrossEntropy.validate(outputCount: 1) }
        #expect(throws: TrainingDataError.self) { try Loss.binaryLogistic.validate(targets: Matrix<Double>([[0], [2]])) }
        #expect(throws: TrainingDataError.self) { try Loss.softmaxCrossEntropy.validate(targets: Matrix<Double>([[0.5, 0.6]])) }
        #expect(throws: TrainingDataError.self) { try Loss.softmaxCrossEntropy.validate(targets: Matrix<Double>([[1.5, -0.5]])) }
        try Loss.binaryLogistic.validate(targets: Matrix<Double>([[0], [1], [0.3]]))
        try Loss.softmaxCrossEntropy.validate(targets: Matrix<Double>([[0, 1], [0.25, 0.75]]))
    }

    @Test func namesAndCoding() throws {
        for loss in EngineFixtures.allLosses + [.huber(delta: 1)] {
            #expect(try Loss(parsing: loss.description) == loss)
            let data = try JSONEncoder().encode(loss)
            #expect(try JSONDecoder().decode(Loss.self, from: data) == loss)
        }
        #expect(try Loss(parsing: "huber") == .huber(delta: 1))
        #expect(throws: TrainingDataError.self) { try Loss(parsing: "huber:-1") }
        #expect(throws: TrainingDataError.self) { try Loss(parsing: "hinge") }
        #expect(throws: TrainingDataError.self) { try Loss(parsing: "squared-error:2") }
    }
}
