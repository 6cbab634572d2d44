import Testing
import Descent
import _TestSupport

/// Gradients of every loss × model against central finite differences of the objective's own loss,
/// in Double, on `.rows` and `.indices` batches.
struct FiniteDifferenceTests {
    let n = 12, d = 4

    /// Central differences (f(θ + heᵢ) − f(θ − heᵢ))/2h with h = 1e-6·max(1, |θᵢ|).
    func numericalGradient(_ objective: SupervisedObjective<Double>, _ theta: [Double], _ batch: Batch) -> [Double] {
        (0..<theta.count).map { i in
            let h = 1e-6 * max(1, abs(theta[i]))
            var plus = theta, minus = theta
            plus[i] += h; minus[i] -= h
            return (EngineFixtures.loss(objective, plus, batch) - EngineFixtures.loss(objective, minus, batch)) / (2 * h)
        }
    }

    /// ‖a − b‖₂ / max(‖a‖₂, ‖b‖₂).
    func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        let diff = zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
        let scale = max(a.map { $0 * $0 }.reduce(0, +), b.map { $0 * $0 }.reduce(0, +)).squareRoot()
        return scale == 0 ? diff : diff / scale
    }

    /// Distance of every kink from the evaluation point: hidden pre-activations from 0 (ReLU),
    /// residuals from 0 (absolute error, Huber) and from ±δ (Huber).
    func kinkMargin(_ model: any Model<Double>, _ loss: Loss, _ theta: [Double], _ x: Matrix<Double>, _ y: Matrix<Double>) -> Double {
        let (out, pre) = NaiveNetwork.forward(model, theta, x)
        var margin = pre.flatMap { $0.flatMap { $0 } }.map(abs).min() ?? .infinity
        let residuals = (0..<y.rows).flatMap { i in (0..<y.cols).map { j in out[i][j] - y[i, j] } }
        switch loss {
        case .absoluteError: margin = min(margin, residuals.map(abs).min()!)
        case .huber(let delta):
            margin = min(margin, residuals.map { min(abs($0), abs(abs($0) - delta)) }.min()!)
        default: break
        }
        return margin
    }

    func check(_ loss: Loss, _ model: any Model<Double>, seed: UInt64) throws {
        let k = model.outputCount
        let x: Matrix<Double> = randomMatrix(n, d, seed: seed)
        let y: Matrix<Double> = EngineFixtures.targets(for: loss, rows: n, cols: k, seed: seed + 10)
        let theta = EngineFixtures.parameters(for: model, seed: seed + 20)
        try #require(kinkMargin(model, loss, theta, x, y) > 1e-4, "evaluation point too close to a kink; pick another seed")
        if case .huber(let delta) = loss {
            // Both branches of the Huber loss must be exercised.
            let (out, _) = NaiveNetwork.forward(model, theta, x)
            let r = (0..<n).flatMap { i in (0..<k).map { abs(out[i][$0] - y[i, $0]) } }
            try #require(r.contains { $0 < delta } && r.contains { $0 > delta })
        }
        var objective = try SupervisedObjective(x: x, y: y, model: model, loss: loss, maximumBatchSize: n)
        let label = "\(loss) × \(model.shape)"

        // Full batch and a consecutive sub-batch as `.rows`.
        for rows in [0..<n, 3..<8] {
            let (_, g) = EngineFixtures.lossAndGradient(&objective, theta, .rows(rows))
            let fd = numericalGradient(objective, theta, .rows(rows))
            #expect(relativeError(g, fd) < 1e-6, "\(label) rows \(rows): relative error \(relativeError(g, fd))")
            #expect(allClose(g, fd, tol: 1e-6), "\(label) rows \(rows): worst \(maxScaledDifference(g, fd))")
        }

        // A shuffled batch as `.indices` (with a repeated sample).
        let finite = EngineFixtures.withIndices([9, 2, 7, 0, 2, 11]) { batch in
            let (_, g) = EngineFixtures.lossAndGradient(&objective, theta, batch)
            let fd = numericalGradient(objective, theta, batch)
            #expect(relativeError(g, fd) < 1e-6, "\(label) indices: relative error \(relativeError(g, fd))")
            #expect(allClose(g, fd, tol: 1e-6), "\(label) indices: worst \(maxScaledDifference(g, fd))")
            return g.allSatisfy(\.isFinite)
        }
        #expect(finite)

        // `.rows(3..<8)` and `.indices` of the same samples (in order, and permuted) agree.
        let (lr, gr) = EngineFixtures.lossAndGradient(&objective, theta, .rows(3..<8))
        for order in [[3, 4, 5, 6, 7], [7, 3, 6, 4, 5]] {
            EngineFixtures.withIndices(order) { batch in
                let (li, gi) = EngineFixtures.lossAndGradient(&objective, theta, batch)
                #expect(isClose(li, lr, tol: 1e-14), "\(label) \(order): loss \(li) vs \(lr)")
                #expect(allClose(gi, gr, tol: 1e-13), "\(label) \(order): worst \(maxScaledDifference(gi, gr))")
            }
        }
    }

    @Test(arguments: EngineFixtures.allLosses)
    func everyModel(_ loss: Loss) throws {
        for (m, model) in EngineFixtures.models(inputs: d, outputs: EngineFixtures.outputs(for: loss), as: Double.self).enumerated() {
            try check(loss, model, seed: 100 + UInt64(m))
        }
    }
}
