import Testing
import Descent
import _TestSupport

/// The evaluation metrics against scikit-learn (`MetricsSklearnReference`, made by
/// scripts/reference/metrics_sklearn.py): regression MAE/explained variance/R², and log-loss,
/// ROC-AUC with tied scores, per-class precision/recall/F1/support and the confusion matrix for a
/// binary and a three-class model (one class never predicted), each unweighted and weighted.
struct MetricsSklearnTests {
    typealias R = MetricsSklearnReference

    static func close(_ a: [Double], _ b: [Double], _ tol: Double) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { isClose($0, $1, tol: tol) }
    }

    /// A model whose outputs are its inputs (identity weights, zero bias), so the objective
    /// evaluates the fixture's fixed outputs.
    static func identityObjective<T: BLASScalar>(_ x: Matrix<T>, _ y: Matrix<T>, loss: Loss, batch: Int = 8) throws
        -> (SupervisedObjective<T>, [T]) {
        let k = x.cols
        let o = try SupervisedObjective(x: x, y: y, model: LinearModel<T>(inputs: k, outputs: k), loss: loss,
                                        maximumBatchSize: batch, threads: 1)
        var p = [T](repeating: 0, count: k * k + k)
        for j in 0..<k { p[j * k + j] = 1 }
        return (o, p)
    }

    func regression<T: BLASScalar>(_: T.Type) throws {
        let tol = T.self == Float.self ? 1e-5 : 1e-12
        let p = Matrix<T>(R.regressionPrediction.map { $0.map { T($0) } }), y = Matrix<T>(R.regressionTarget.map { $0.map { T($0) } })
        let m = Metrics.regression(p, y)
        #expect(isClose(m.mae, R.regressionMAE, tol: tol) && isClose(m.r2, R.regressionR2, tol: tol))
        #expect(isClose(m.explainedVariance, R.regressionExplainedVariance, tol: tol))
        let w = Metrics.regression(p, y, weights: R.regressionWeights.map { T($0) })
        #expect(isClose(w.mae, R.regressionWeightedMAE, tol: tol) && isClose(w.r2, R.regressionWeightedR2, tol: tol))
        #expect(isClose(w.explainedVariance, R.regressionWeightedExplainedVariance, tol: tol))
        // The objective's chunked evaluation (batches of 8) gives the same.
        let (o, theta) = try Self.identityObjective(p, y, loss: .squaredError)
        let e = o.evaluate(parameters: theta)
        #expect(isClose(e.mae!, R.regressionMAE, tol: tol) && isClose(e.explainedVariance!, R.regressionExplainedVariance, tol: tol))
        #expect(e.logLoss == nil && e.rocAUC == nil)
    }

    @Test func regressionFloat() throws { try regression(Float.self) }
    @Test func regressionDouble() throws { try regression(Double.self) }

    struct Expected {
        var precision, recall, f1, support: [Double]
        var confusion: [[Double]]
        var accuracy, logLoss, logLossFloat: Double
        var rocAUC: Double?
    }

    static let binary = Expected(precision: R.binaryPrecision, recall: R.binaryRecall, f1: R.binaryF1, support: R.binarySupport,
                                 confusion: R.binaryConfusion, accuracy: R.binaryAccuracy, logLoss: R.binaryLogLoss,
                                 logLossFloat: R.binaryLogLossFloat, rocAUC: R.binaryROCAUC)
    static let binaryWeighted = Expected(precision: R.binaryWeightedPrecision, recall: R.binaryWeightedRecall, f1: R.binaryWeightedF1,
                                         support: R.binaryWeightedSupport, confusion: R.binaryWeightedConfusion,
                                         accuracy: R.binaryWeightedAccuracy, logLoss: R.binaryWeightedLogLoss,
                                         logLossFloat: R.binaryWeightedLogLossFloat, rocAUC: R.binaryWeightedROCAUC)
    static let softmax = Expected(precision: R.softmaxPrecision, recall: R.softmaxRecall, f1: R.softmaxF1, support: R.softmaxSupport,
                                  confusion: R.softmaxConfusion, accuracy: R.softmaxAccuracy, logLoss: R.softmaxLogLoss,
                                  logLossFloat: R.softmaxLogLossFloat, rocAUC: nil)
    static let softmaxWeighted = Expected(precision: R.softmaxWeightedPrecision, recall: R.softmaxWeightedRecall, f1: R.softmaxWeightedF1,
                                          support: R.softmaxWeightedSupport, confusion: R.softmaxWeightedConfusion,
                                          accuracy: R.softmaxWeightedAccuracy, logLoss: R.softmaxWeightedLogLoss,
                                          logLossFloat: R.softmaxWeightedLogLossFloat, rocAUC: nil)

    static func check<T: BLASScalar>(_ e: Evaluation, _ x: Expected, _: T.Type, _ comment: String) {
        let tol = T.self == Float.self ? 1e-5 : 1e-12
        #expect(close(e.precision!, x.precision, tol) && close(e.recall!, x.recall, tol) && close(e.f1!, x.f1, tol), "\(comment)")
        #expect(close(e.support!, x.support, tol) && isClose(e.accuracy!, x.accuracy, tol: tol), "\(comment)")
        #expect(e.confusionMatrix!.count == x.confusion.count && close(e.confusionMatrix!.flatMap { $0 }, x.confusion.flatMap { $0 }, tol), "\(comment)")
        #expect(isClose(e.logLoss!, T.self == Float.self ? x.logLossFloat : x.logLoss, tol: tol), "\(comment): \(e.logLoss!)")
        if let auc = x.rocAUC { #expect(isClose(e.rocAUC!, auc, tol: tol), "\(comment): \(e.rocAUC!)") } else { #expect(e.rocAUC == nil) }
    }

    static func evaluation<T: BLASScalar>(_ logits: [[Double]], _ targets: [[Double]], weights: [Double]?, _: T.Type) -> Evaluation {
        let z = Matrix<T>(logits.map { $0.map { T($0) } }), y = Matrix<T>(targets.map { $0.map { T($0) } })
        var m = Metrics.classification(z, y, weights: weights.map { $0.map { T($0) } })
        return Evaluation(sampleCount: z.rows, loss: 0, classification: &m)
    }

    func classification<T: BLASScalar>(_: T.Type) throws {
        Self.check(Self.evaluation(R.binaryLogits, R.binaryTargets, weights: nil, T.self), Self.binary, T.self, "binary")
        Self.check(Self.evaluation(R.binaryLogits, R.binaryTargets, weights: R.binaryWeights, T.self), Self.binaryWeighted, T.self, "binary, weighted")
        Self.check(Self.evaluation(R.softmaxLogits, R.softmaxTargets, weights: nil, T.self), Self.softmax, T.self, "softmax")
        Self.check(Self.evaluation(R.softmaxLogits, R.softmaxTargets, weights: R.softmaxWeights, T.self), Self.softmaxWeighted, T.self, "softmax, weighted")
        // Through the objective's chunked evaluation (batches of 8; the scores outlive each chunk).
        for (logits, targets, loss, expected) in [(R.binaryLogits, R.binaryTargets, Loss.binaryLogistic, Self.binary),
                                                  (R.softmaxLogits, R.softmaxTargets, .softmaxCrossEntropy, Self.softmax)] {
            let (o, theta) = try Self.identityObjective(Matrix<T>(logits.map { $0.map { T($0) } }),
                                                        Matrix<T>(targets.map { $0.map { T($0) } }), loss: loss)
            Self.check(o.evaluate(parameters: theta), expected, T.self, "objective \(loss)")
            Self.check(o.evaluate(parameters: theta), expected, T.self, "objective \(loss), again")
        }
    }

    @Test func classificationFloat() throws { try classification(Float.self) }
    @Test func classificationDouble() throws { try classification(Double.self) }

    /// Over 3 processes (threads), each evaluating its share: the merged counts, log-loss and the
    /// gathered scores' ROC-AUC equal scikit-learn's for the whole set.
    @Test func distributedEvaluation() throws {
        for (logits, targets, loss, expected) in [(R.binaryLogits, R.binaryTargets, Loss.binaryLogistic, Self.binary),
                                                  (R.softmaxLogits, R.softmaxTargets, .softmaxCrossEntropy, Self.softmax),
                                                  (R.regressionPrediction, R.regressionTarget, .squaredError, Self.binary)] {
            let x = Matrix<Double>(logits), y = Matrix<Double>(targets)
            let results = LocalGroup(size: 3).run { comm in
                let r = DataParallel.share(of: x.rows, rank: comm.rank, size: 3)
                let (o, theta) = try Self.identityObjective(x, y, loss: loss)
                return try theta.withUnsafeBufferPointer { try o.evaluate(parameters: $0, x: x.rows(r), y: y.rows(r), over: comm) }
            }.map { try! $0.get() }
            for e in results {
                #expect(e == results[0] && e.sampleCount == x.rows)
                if loss.isClassification { Self.check(e, expected, Double.self, "distributed \(loss)") }
                else {
                    #expect(isClose(e.mae!, R.regressionMAE, tol: 1e-12) && isClose(e.r2!, R.regressionR2, tol: 1e-12))
                    #expect(isClose(e.explainedVariance!, R.regressionExplainedVariance, tol: 1e-12))
                }
            }
        }
    }

    /// ROC-AUC's closed cases: all scores tied gives ½; perfectly separated gives 1, reversed 0;
    /// one class only gives NaN (scikit-learn warns and returns NaN).
    @Test func rocAUCClosedCases() {
        func auc(_ z: [Double], _ y: [Double]) -> Double {
            var m = Metrics.classification(Matrix<Double>(z.map { [$0] }), Matrix<Double>(y.map { [$0] }))
            return m.rocAUC()!
        }
        #expect(auc([1, 1, 1, 1], [0, 1, 0, 1]) == 0.5)
        #expect(auc([-2, -1, 3, 4], [0, 0, 1, 1]) == 1 && auc([-2, -1, 3, 4], [1, 1, 0, 0]) == 0)
        #expect(auc([1, 2, 3], [1, 1, 1]).isNaN)
    }

    /// Probabilities without overflow: σ(±800) is exactly 0 or 1 and the two columns sum to 1;
    /// softmax of logits 1000 apart; classes by the sign or the first arg-max.
    @Test func probabilities() {
        let p = Probabilities.probabilities(logits: Matrix<Double>([[800], [-800], [0], [2]]))
        #expect(p[0, 1] == 1 && p[0, 0] == 0 && p[1, 1] == 0 && p[1, 0] == 1 && p[2, 1] == 0.5)
        #expect(isClose(p[3, 1], 1 / (1 + Double.exp(-2)), tol: 1e-15) && isClose(p[3, 0] + p[3, 1], 1, tol: 1e-15))
        let s = Probabilities.probabilities(logits: Matrix<Float>([[1000, 0, -1000], [1, 2, 3], [5, 5, 0]]))
        #expect(s[0, 0] == 1 && s[0, 1] == 0 && s[0, 2] == 0)
        let e: [Float] = [1, 2, 3].map { Float.exp($0 - 3) }
        let sum = e.reduce(0, +)
        for j in 0..<3 { #expect(isClose(s[1, j], e[j] / sum, tol: 1e-6)) }
        #expect(Probabilities.classes(logits: Matrix<Float>([[5, 5, 0], [0, 1, 1], [-1, -2, -0.5]])) == [0, 1, 2])
        #expect(Probabilities.classes(logits: Matrix<Double>([[0], [1e-300], [-3]])) == [0, 1, 0])
    }
}
