import Foundation
import Testing
import Descent
import _TestSupport

/// Early stopping and the per-epoch record on a metric by name. Truth: every epoch's evaluated point
/// is kept, its predictions taken with `predict`, and the metric computed here from them by its
/// textbook formula (MAE = mean |ŷ − y|; ROC-AUC = the share of (positive, negative) pairs ranked
/// correctly, ties ½); the stop and best epochs are then replayed by hand from that sequence.
struct LoopMonitorTests {
    static func table<T: BLASScalar>(_: T.Type, samples n: Int, seed: UInt64, classify: Bool) throws -> Dataset<T> {
        var g = SeededGenerator(seed: seed)
        var x = [Double](), y = [Double]()
        for _ in 0..<n {
            let row = (0..<2).map { _ in 2 * g.nextUnit() - 1 }
            let z = 1.5 * row[0] - 0.7 * row[1] + 0.2 + 0.8 * (g.nextUnit() - 0.5)
            x += row
            y.append(classify ? (g.nextUnit() < 1 / (1 + Foundation.exp(-3 * z)) ? 1 : 0) : z)
        }
        return try Dataset(x: Matrix(rows: n, cols: 2, elements: x.map { T($0) }), y: Matrix(rows: n, cols: 1, elements: y.map { T($0) }))
    }

    static func mae(_ p: [Double], _ y: [Double]) -> Double { zip(p, y).reduce(0) { $0 + abs($1.0 - $1.1) } / Double(y.count) }

    static func auc(_ s: [Double], _ y: [Double]) -> Double {
        var good = 0.0, pairs = 0.0
        for i in y.indices where y[i] == 1 { for j in y.indices where y[j] == 0 {
            pairs += 1; good += s[i] > s[j] ? 1 : (s[i] == s[j] ? 0.5 : 0)
        } }
        return good / pairs
    }

    /// Runs with early stopping on `monitor`; returns the metric of every evaluated point (computed
    /// here), the history and the result.
    func run<T: BLASScalar>(_: T.Type, classify: Bool, monitor: MonitoredQuantity, patience: Int)
        throws -> (truth: [Double], result: TrainingResult<T>, points: [[T]]) {
        let data = try Self.table(T.self, samples: 120, seed: 907, classify: classify)
        let held = try Self.table(T.self, samples: 47, seed: 908, classify: classify)
        let objective = try SupervisedObjective(dataset: data, model: LinearModel<T>(inputs: 2, outputs: 1),
                                                loss: classify ? .binaryLogistic : .absoluteError, maximumBatchSize: 8)
        let evaluator = objective.evaluator(x: held.x, y: held.y)
        var points: [[T]] = []
        let config = try TrainingConfiguration(epochs: 40, batchSize: .size(8), seed: 5, learningRate: classify ? 0.5 : 0.05,
                                               earlyStopping: EarlyStopping(patience: patience, mode: monitor.mode, monitor: monitor))
        let trainer = try Trainer(objective: objective, optimizer: try SGD<T>(parameterCount: 3, momentum: 0.9),
                                  configuration: config, validation: { p in points.append(Array(p)); return evaluator(p) },
                                  initialParameters: [T](repeating: 0, count: 3))
        let result = try trainer.run()
        let y = (0..<held.sampleCount).map { Double(held.y[$0, 0]) }
        let truth = points.map { p in
            let out = objective.predict(parameters: p, x: held.x)
            let s = (0..<held.sampleCount).map { Double(out[$0, 0]) }
            return classify ? Self.auc(s, y) : Self.mae(s, y)
        }
        return (truth, result, points)
    }

    /// The first epoch whose value is not beaten within `patience` epochs, replayed by hand.
    static func replay(_ v: [Double], higherIsBetter: Bool, patience: Int) -> (stop: Int?, best: Int) {
        var best = 0, wait = 0
        for e in 1..<v.count {
            if higherIsBetter ? v[e] > v[best] : v[e] < v[best] { best = e; wait = 0 } else {
                wait += 1
                if wait >= patience { return (e, best) }
            }
        }
        return (nil, best)
    }

    func check<T: BLASScalar>(_: T.Type, classify: Bool, monitor: MonitoredQuantity, tolerance: Double) throws {
        let (truth, result, points) = try run(T.self, classify: classify, monitor: monitor, patience: 2)
        let recorded = result.history.map { $0.value(of: monitor)! }
        #expect(recorded.count == truth.count)
        for (a, b) in zip(recorded, truth) { #expect(abs(a - b) <= tolerance * Swift.max(1, abs(b))) }
        let (stop, best) = Self.replay(truth, higherIsBetter: monitor.higherIsBetter, patience: 2)
        let s = try #require(stop, "the sequence \(truth) never stops; pick another problem")
        #expect(result.stopReason == .earlyStopped(epoch: s, bestEpoch: best))
        #expect(result.parameters == points[best])
    }

    @Test func stopsOnValidationMAE() throws {
        try check(Double.self, classify: false, monitor: .validationMAE, tolerance: 1e-12)
        try check(Float.self, classify: false, monitor: .validationMAE, tolerance: 1e-5)
    }

    @Test func stopsOnValidationROCAUC() throws {
        try check(Double.self, classify: true, monitor: .validationROCAUC, tolerance: 1e-12)
        try check(Float.self, classify: true, monitor: .validationROCAUC, tolerance: 1e-6)
    }

    /// The record carries the loss kind's scalars and not the other kind's.
    @Test func recordHasTheLossKindsMetrics() throws {
        let r = try run(Double.self, classify: false, monitor: .validationMAE, patience: 2).result.history[0]
        #expect(r.validationRMSE != nil && r.validationR2 == r.validationMetric && r.validationExplainedVariance != nil)
        #expect(r.validationAccuracy == nil && r.validationLogLoss == nil && r.validationROCAUC == nil)
        let c = try run(Double.self, classify: true, monitor: .validationROCAUC, patience: 2).result.history[0]
        #expect(c.validationAccuracy == c.validationMetric && c.validationLogLoss != nil && c.validationROCAUC != nil)
        #expect(c.validationRMSE == nil && c.validationMAE == nil)
    }

    /// A mode that contradicts the monitored quantity's direction is refused.
    @Test func contradictoryModeIsRefused() throws {
        let c = try TrainingConfiguration(epochs: 1, learningRate: 0.1,
                                          earlyStopping: EarlyStopping(patience: 1, mode: .min, monitor: .validationROCAUC))
        #expect(throws: TrainingError.self) { try c.validate(sampleCount: 4, hasValidation: true) }
    }
}
