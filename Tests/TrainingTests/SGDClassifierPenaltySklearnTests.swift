import Testing
import Descent
import _TestSupport

/// scikit-learn's `SGDClassifier(loss='log_loss')` with `penalty='l1'` and `'elasticnet'`,
/// reproduced by Descent's per-sample SGD on the logistic loss (batch 1, file order, the same
/// per-sample schedule; coupled L2 plus the cumulative L1 clip, `CumulativeL1`, with no penalty on
/// the bias) through the Trainer. Truth: `SGDPenaltySklearnFixtures.classifiers`, written by
/// `scripts/reference/sgd_penalties_sklearn.py` (coef_, intercept_ and held-out decision_function).
struct SGDClassifierPenaltySklearnTests {
    typealias F = SGDPenaltySklearnFixtures

    func schedule(_ c: F.ClassifierCase) throws -> any LearningRateSchedule {
        switch c.learningRate {
        case "invscaling": return try InverseScalingSchedule(baseLearningRate: c.eta0, power: c.powerT)
        case "optimal": return try OptimalSchedule(alpha: c.alpha, loss: .log)
        default: return try TrainingConfiguration.constant(c.eta0)
        }
    }

    /// Trains the case; returns (coef, intercept).
    func train<T: BLASScalar>(_ c: F.ClassifierCase, _: T.Type, penalty name: String? = nil) throws -> ([Double], Double) {
        let data = try Dataset(x: Matrix<T>(F.trainX.map { $0.map { T($0) } }), y: Matrix<T>(F.classifierTrainLabels.map { [T($0)] }))
        let objective = try SupervisedObjective(dataset: data, model: LinearModel<T>(inputs: F.features, outputs: 1),
                                                loss: .binaryLogistic, maximumBatchSize: 1)
        let penalty = ScikitLearnPenalty(rawValue: name ?? c.penalty)!
        let fields = Dictionary(uniqueKeysWithValues: try penalty.sgdFields(alpha: c.alpha, l1Ratio: c.l1Ratio).map { ($0.field, $0.value) })
        let sgd = try SGD<T>(parameterCount: objective.parameterCount, groups: objective.parameterGroups.withoutDecayOnBiases(),
                             learningRate: c.eta0 > 0 ? c.eta0 : 1, weightDecay: fields["weight_decay"] ?? 0, weightDecayMode: .coupledL2,
                             l1Penalty: fields["l1"] ?? 0)
        let configuration = TrainingConfiguration(epochs: c.epochs, batchSize: .size(1), shuffle: .none, schedule: try schedule(c))
        let initial = [T](repeating: 0, count: objective.parameterCount)
        let result = try Trainer(objective: objective, optimizer: sgd, configuration: configuration, initialParameters: initial).run()
        let model = LinearModel<T>(inputs: F.features, outputs: 1)
        return (model.weights(in: result.parameters).elements.map { Double($0) }, Double(model.bias(in: result.parameters)[0]))
    }

    func logits(_ coef: [Double], _ intercept: Double) -> [Double] {
        F.testX.map { row in zip(row, coef).reduce(intercept) { $0 + $1.0 * $1.1 } }
    }

    func check<T: BLASScalar>(_ c: F.ClassifierCase, _: T.Type, tol: Double) throws {
        let (coef, intercept) = try train(c, T.self)
        #expect(maxScaledDifference(coef, c.coef) <= tol, "\(c.name) \(T.self): coef \(coef) vs scikit-learn \(c.coef)")
        #expect(isClose(intercept, c.intercept, tol: tol), "\(c.name) \(T.self): intercept \(intercept) vs \(c.intercept)")
        #expect(maxScaledDifference(logits(coef, intercept), c.testLogits) <= tol, "\(c.name) \(T.self): held-out logits")
        if T.self == Double.self {
            // L1 zeroes exactly the weights scikit-learn zeroes.
            #expect(coef.map { $0 == 0 } == c.coef.map { $0 == 0 }, "\(c.name): zero pattern \(coef) vs \(c.coef)")
        }
    }

    @Test(arguments: SGDPenaltySklearnFixtures.classifiers.map(\.name))
    func matchesScikitLearnInDouble(_ name: String) throws {
        try check(F.classifiers.first { $0.name == name }!, Double.self, tol: 1e-10)
    }

    @Test(arguments: SGDPenaltySklearnFixtures.classifiers.map(\.name))
    func matchesScikitLearnInFloat(_ name: String) throws {
        try check(F.classifiers.first { $0.name == name }!, Float.self, tol: 2e-4)
    }

    /// The cases zero some weights (the zero-pattern check is not vacuous), and the penalty matters:
    /// the same run with l2 at the same alpha ends elsewhere.
    @Test func penaltiesMatter() throws {
        for c in F.classifiers {
            #expect(c.coef.contains(0), "\(c.name)")
            let (l2, _) = try train(c, Double.self, penalty: "l2")
            #expect(maxScaledDifference(l2, c.coef) > 1e-3, "\(c.name): l2 \(l2) vs \(c.coef)")
        }
    }
}
