import Testing
import Descent
import _TestSupport

struct MetricTests {
    func regression<T: BLASScalar>(_: T.Type) {
        let tol = T.self == Float.self ? 1e-6 : 1e-14
        // y = [1, 2, 3, 4], ŷ = [1, 3, 2, 6]: r = [0, 1, −1, 2], Σr² = 6 ⇒ RMSE = √(6/4);
        // ȳ = 2.5, SS_tot = 2.25 + 0.25 + 0.25 + 2.25 = 5 ⇒ R² = 1 − 6/5 = −0.2.
        let y = Matrix<T>([[1], [2], [3], [4]]), p = Matrix<T>([[1], [3], [2], [6]])
        #expect(isClose(Metrics.rmse(prediction: p, target: y), 1.5.squareRoot(), tol: tol))
        #expect(isClose(Metrics.r2(prediction: p, target: y), -0.2, tol: tol))
        #expect(isClose(Metrics.r2(prediction: y, target: y), 1, tol: tol))

        // Two outputs: column 0 as above; column 1 y = [0, 0, 2, 2] (ȳ = 1, SS_tot = 4),
        // ŷ = [0, 1, 2, 2] (SS_res = 1) ⇒ R² = (−0.2 + 0.75)/2 = 0.275; RMSE = √((6 + 1)/8).
        let y2 = Matrix<T>([[1, 0], [2, 0], [3, 2], [4, 2]]), p2 = Matrix<T>([[1, 0], [3, 1], [2, 2], [6, 2]])
        #expect(isClose(Metrics.r2(prediction: p2, target: y2), 0.275, tol: tol))
        #expect(isClose(Metrics.rmse(prediction: p2, target: y2), (7.0 / 8).squareRoot(), tol: tol))

        // A constant target column: R² is 1 when predicted exactly, 0 otherwise.
        let c = Matrix<T>([[5], [5], [5]])
        #expect(Metrics.r2(prediction: c, target: c) == 1)
        #expect(Metrics.r2(prediction: Matrix<T>([[5], [6], [5]]), target: c) == 0)

        // Welford's SS_tot does not cancel on a large offset: y = 1e6 + [1, 2, 3, 4] (Double only,
        // Float cannot hold the offsets exactly).
        if T.self == Double.self {
            let big = Matrix<T>(rows: 4, cols: 1) { i, _ in T(1e6 + Double(i + 1)) }
            let bigP = Matrix<T>(rows: 4, cols: 1) { i, _ in T(1e6 + [1.0, 3, 2, 6][i]) }
            #expect(isClose(Metrics.r2(prediction: bigP, target: big), -0.2, tol: 1e-9))
        }
    }

    func accuracy<T: BLASScalar>(_: T.Type) {
        // Binary logits [2, −1, 0.5, −3] ⇒ classes [1, 0, 1, 0]; labels [1, 1, 0, 0] ⇒ 2 of 4 right.
        #expect(Metrics.accuracy(logits: Matrix<T>([[2], [-1], [0.5], [-3]]), target: Matrix<T>([[1], [1], [0], [0]])) == 0.5)
        // Three classes: arg-max [2, 0, 1] vs targets [2, 1, 1] ⇒ 2 of 3.
        let logits = Matrix<T>([[0, 1, 5], [3, 2, 1], [0, 4, -1]])
        let targets = Matrix<T>([[0, 0, 1], [0, 1, 0], [0, 1, 0]])
        #expect(Metrics.accuracy(logits: logits, target: targets) == 2.0 / 3)
    }

    @Test func regressionFloat() { regression(Float.self) }
    @Test func regressionDouble() { regression(Double.self) }
    @Test func accuracyFloat() { accuracy(Float.self) }
    @Test func accuracyDouble() { accuracy(Double.self) }

    /// `evaluate` in chunks (maximum batch 3 of 10 rows) equals the loss and metric of the whole
    /// prediction matrix computed at once.
    func chunkedEvaluation<T: BLASScalar>(_: T.Type) throws {
        let tol = T.self == Float.self ? 1e-5 : 1e-12
        let (n, d) = (10, 4)
        let x: Matrix<T> = randomMatrix(n, d, seed: 21)
        for loss in EngineFixtures.allLosses {
            let k = EngineFixtures.outputs(for: loss)
            let y: Matrix<T> = EngineFixtures.targets(for: loss, rows: n, cols: k, seed: 22)
            let model = MLP<T>(inputs: d, hidden: [5], outputs: k)
            let theta = EngineFixtures.parameters(for: model, seed: 23)
            let objective = try SupervisedObjective(x: x, y: y, model: model, loss: loss, maximumBatchSize: 3)
            let e = objective.evaluate(parameters: theta)
            let p = model.predict(parameters: theta, x: x)
            let whole = p.withView { pv in y.withView { loss.value(prediction: pv, target: $0) } }
            #expect(e.sampleCount == n)
            #expect(isClose(e.loss, whole, tol: tol), "\(loss)")
            if loss.isClassification {
                #expect(e.accuracy == Metrics.accuracy(logits: p, target: y) && e.rmse == nil && e.r2 == nil)
            } else {
                #expect(isClose(e.rmse!, Metrics.rmse(prediction: p, target: y), tol: tol) && e.accuracy == nil)
                #expect(isClose(e.r2!, Metrics.r2(prediction: p, target: y), tol: tol))
            }
            // Evaluating another set (here the first 7 rows) through the same workspace.
            let part = try Dataset(x: x.rows(0..<7), y: y.rows(0..<7))
            let ev = objective.evaluate(parameters: theta, on: part)
            let wholePart = p.rows(0..<7).withView { pv in y.rows(0..<7).withView { loss.value(prediction: pv, target: $0) } }
            #expect(ev.sampleCount == 7 && isClose(ev.loss, wholePart, tol: tol))
            // The loop's evaluator closure reports the same loss and the primary metric.
            let evaluator = objective.evaluator(x: part.x, y: part.y)
            let got = theta.withUnsafeBufferPointer { evaluator($0) }
            #expect(got == ev && got.primaryMetric == (loss.isClassification ? ev.accuracy : ev.r2))
        }
    }

    @Test func evaluationFloat() throws { try chunkedEvaluation(Float.self) }
    @Test func evaluationDouble() throws { try chunkedEvaluation(Double.self) }
}
