import Testing
import Descent
import _TestSupport

/// The objective's weighted evaluation (the loss and every metric, as a validation split or
/// `descent evaluate` computes them) against scikit-learn's metric functions with `sample_weight`
/// (`WeightedEvaluationSklearnReference`, made by scripts/reference/weighted_evaluation_sklearn.py):
/// fixed linear models on the script's data, through the training-set evaluation (the objective's
/// own weights), a weighted `Dataset`, the validation evaluator, and three processes' shares.
/// Zero weights are among them; the unweighted values differ, so dropping the weights fails.
struct WeightedEvaluationSklearnTests {
    typealias R = WeightedEvaluationSklearnReference

    struct Expected {
        var loss: Double
        var mae = 0.0, rmse = 0.0, r2 = 0.0, explainedVariance = 0.0
        var precision: [Double] = [], recall: [Double] = [], f1: [Double] = [], support: [Double] = []
        var confusion: [[Double]] = []
        var accuracy = 0.0, logLoss = 0.0
        var rocAUC: Double? = nil
    }

    // Descent's squared error is ½·Σ r², so its weighted mean is ½·MSE.
    static let regression = Expected(loss: R.regressionWeightedMSE / 2, mae: R.regressionWeightedMAE, rmse: R.regressionWeightedRMSE,
                                     r2: R.regressionWeightedR2, explainedVariance: R.regressionWeightedExplainedVariance)
    static let regressionUnweighted = Expected(loss: R.regressionUnweightedMSE / 2, mae: R.regressionUnweightedMAE,
                                               rmse: R.regressionUnweightedRMSE, r2: R.regressionUnweightedR2,
                                               explainedVariance: R.regressionUnweightedExplainedVariance)
    static let binary = Expected(loss: R.binaryWeightedLogLoss, precision: R.binaryWeightedPrecision, recall: R.binaryWeightedRecall,
                                 f1: R.binaryWeightedF1, support: R.binaryWeightedSupport, confusion: R.binaryWeightedConfusion,
                                 accuracy: R.binaryWeightedAccuracy, logLoss: R.binaryWeightedLogLoss, rocAUC: R.binaryWeightedROCAUC)
    static let binaryUnweighted = Expected(loss: R.binaryUnweightedLogLoss, precision: R.binaryUnweightedPrecision,
                                           recall: R.binaryUnweightedRecall, f1: R.binaryUnweightedF1, support: R.binaryUnweightedSupport,
                                           confusion: R.binaryUnweightedConfusion, accuracy: R.binaryUnweightedAccuracy,
                                           logLoss: R.binaryUnweightedLogLoss, rocAUC: R.binaryUnweightedROCAUC)
    static let softmax = Expected(loss: R.softmaxWeightedLogLoss, precision: R.softmaxWeightedPrecision, recall: R.softmaxWeightedRecall,
                                  f1: R.softmaxWeightedF1, support: R.softmaxWeightedSupport, confusion: R.softmaxWeightedConfusion,
                                  accuracy: R.softmaxWeightedAccuracy, logLoss: R.softmaxWeightedLogLoss)
    static let softmaxUnweighted = Expected(loss: R.softmaxUnweightedLogLoss, precision: R.softmaxUnweightedPrecision,
                                            recall: R.softmaxUnweightedRecall, f1: R.softmaxUnweightedF1,
                                            support: R.softmaxUnweightedSupport, confusion: R.softmaxUnweightedConfusion,
                                            accuracy: R.softmaxUnweightedAccuracy, logLoss: R.softmaxUnweightedLogLoss)

    static func close(_ a: [Double], _ b: [Double], _ tol: Double) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { isClose($0, $1, tol: tol) }
    }

    static func check<T: BLASScalar>(_ e: Evaluation, _ x: Expected, _: T.Type, _ comment: String) {
        let tol = T.self == Float.self ? 2e-5 : 1e-12
        #expect(isClose(e.loss, x.loss, tol: tol), "\(comment): loss \(e.loss), expected \(x.loss)")
        if let mae = e.mae {
            #expect(isClose(mae, x.mae, tol: tol) && isClose(e.rmse!, x.rmse, tol: tol), "\(comment): MAE \(mae), RMSE \(e.rmse!)")
            #expect(isClose(e.r2!, x.r2, tol: tol) && isClose(e.explainedVariance!, x.explainedVariance, tol: tol),
                    "\(comment): R² \(e.r2!), explained variance \(e.explainedVariance!)")
            return
        }
        #expect(close(e.precision!, x.precision, tol) && close(e.recall!, x.recall, tol) && close(e.f1!, x.f1, tol), "\(comment)")
        #expect(close(e.support!, x.support, tol) && isClose(e.accuracy!, x.accuracy, tol: tol), "\(comment): accuracy \(e.accuracy!)")
        #expect(close(e.confusionMatrix!.flatMap { $0 }, x.confusion.flatMap { $0 }, tol), "\(comment): \(e.confusionMatrix!)")
        #expect(isClose(e.logLoss!, x.logLoss, tol: tol), "\(comment): log-loss \(e.logLoss!)")
        if let auc = x.rocAUC { #expect(isClose(e.rocAUC!, auc, tol: tol), "\(comment): ROC-AUC \(e.rocAUC!)") } else { #expect(e.rocAUC == nil) }
    }

    struct Case {
        var name: String
        var x: [[Double]]
        var targets: [[Double]]
        var weights: [Double]
        var parameters: [Double]
        var loss: Loss
        var weighted: Expected
        var unweighted: Expected
    }

    static let cases: [Case] = [
        Case(name: "regression", x: R.regressionX, targets: R.regressionTargets.map { [$0] }, weights: R.regressionWeights,
             parameters: R.regressionParameters, loss: .squaredError, weighted: regression, unweighted: regressionUnweighted),
        Case(name: "binary", x: R.binaryX, targets: R.binaryLabels.map { [$0] }, weights: R.binaryWeights,
             parameters: R.binaryParameters, loss: .binaryLogistic, weighted: binary, unweighted: binaryUnweighted),
        Case(name: "softmax", x: R.softmaxX, targets: R.softmaxLabels.map { c in (0..<3).map { $0 == Int(c) ? 1.0 : 0.0 } },
             weights: R.softmaxWeights, parameters: R.softmaxParameters, loss: .softmaxCrossEntropy,
             weighted: softmax, unweighted: softmaxUnweighted),
    ]

    func weighted<T: BLASScalar>(_: T.Type) throws {
        for c in Self.cases {
            let x = Matrix<T>(c.x.map { $0.map { T($0) } }), y = Matrix<T>(c.targets.map { $0.map { T($0) } })
            let w = try SampleWeights(c.weights.map { T($0) })
            let theta = c.parameters.map { T($0) }
            let model = LinearModel<T>(inputs: x.cols, outputs: y.cols)
            // Chunks of 8 rows: the weights of each chunk follow its rows.
            let trained = try SupervisedObjective(x: x, y: y, model: model, loss: c.loss, maximumBatchSize: 8, threads: 1, weights: w)
            Self.check(trained.evaluate(parameters: theta), c.weighted, T.self, "\(c.name), training set")
            let plain = try SupervisedObjective(x: x, y: y, model: model, loss: c.loss, maximumBatchSize: 8, threads: 1)
            Self.check(plain.evaluate(parameters: theta), c.unweighted, T.self, "\(c.name), unweighted")
            Self.check(plain.evaluate(parameters: theta, on: try Dataset(x: x, y: y).weighted(w)), c.weighted, T.self, "\(c.name), dataset")
            let evaluator = plain.evaluator(x: x, y: y, weights: w)
            Self.check(theta.withUnsafeBufferPointer { evaluator($0) }, c.weighted, T.self, "\(c.name), validation evaluator")
            // Unit weights are the unweighted evaluation.
            let ones = try SampleWeights([T](repeating: 1, count: x.rows))
            Self.check(plain.evaluate(parameters: theta, on: try Dataset(x: x, y: y).weighted(ones)), c.unweighted, T.self, "\(c.name), ones")
        }
    }

    @Test func weightedFloat() throws { try weighted(Float.self) }
    @Test func weightedDouble() throws { try weighted(Double.self) }

    /// Three processes, each with its share of the rows and of the weights: every process gets
    /// scikit-learn's weighted values for the whole set.
    @Test func distributedWeightedEvaluation() throws {
        for c in Self.cases {
            let x = Matrix<Double>(c.x), y = Matrix<Double>(c.targets)
            let w = try SampleWeights(c.weights)
            let results = LocalGroup(size: 3).run { comm in
                let r = DataParallel.share(of: x.rows, rank: comm.rank, size: 3)
                let o = try SupervisedObjective(x: x, y: y, model: LinearModel<Double>(inputs: x.cols, outputs: y.cols), loss: c.loss,
                                                maximumBatchSize: 8, threads: 1)
                return try c.parameters.withUnsafeBufferPointer {
                    try o.evaluate(parameters: $0, x: x.rows(r), y: y.rows(r), weights: w.subset(r), over: comm)
                }
            }.map { try! $0.get() }
            for e in results {
                #expect(e == results[0] && e.sampleCount == x.rows)
                Self.check(e, c.weighted, Double.self, "\(c.name), distributed")
            }
        }
    }
}
