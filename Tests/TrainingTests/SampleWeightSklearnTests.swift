import Testing
import Descent
import _TestSupport

/// Per-sample SGD on the weighted objective against scikit-learn's `SGDRegressor` and
/// `SGDClassifier` (`SampleWeightSklearnReference`, from `scripts/reference/sample_weights_sklearn.py`):
/// batch size 1 in file order, the same schedule, no penalty, from zeros. sklearn's log loss on
/// labels 0/1 has dloss = σ(p) − y, the derivative of Descent's logistic loss, and its step
/// −η·dloss·class_weight·sample_weight is Descent's SGD step on wᵢ·ℓᵢ with B = 1.
struct SampleWeightSklearnTests {
    typealias R = SampleWeightSklearnReference

    func fit<T: BLASScalar>(_: T.Type, x rows: [[Double]], y values: [Double], weights: [Double], loss: Loss,
                            schedule: any LearningRateSchedule, epochs: Int) throws -> [T] {
        let x = Matrix<T>(rows: rows.count, cols: rows[0].count) { i, j in T(rows[i][j]) }
        let y = Matrix<T>(rows: values.count, cols: 1) { i, _ in T(values[i]) }
        let data = try Dataset(x: x, y: y).weighted(SampleWeights(weights.map { T($0) }))
        let model = LinearModel<T>(inputs: x.cols, outputs: 1, intercept: true)
        let objective = try SupervisedObjective(dataset: data, model: model, loss: loss, maximumBatchSize: 1, threads: 1)
        let optimizer = try SGD<T>(parameterCount: model.parameterCount, groups: model.parameterGroups,
                                   learningRate: 1)
        let configuration = TrainingConfiguration(epochs: epochs, batchSize: .size(1), shuffle: .none, schedule: schedule)
        let trainer = try Trainer(objective: objective, optimizer: optimizer, configuration: configuration,
                                  initialParameters: [T](repeating: 0, count: model.parameterCount))
        let result = try trainer.run()
        #expect(result.stopReason == .completed)
        return result.parameters
    }

    func expectClose<T: BLASScalar>(_ found: [T], coef: [Double], intercept: Double, tolerance: Double, _ what: String) {
        let expected = coef + [intercept]
        #expect(found.count == expected.count)
        let scale = expected.map(abs).max()!
        for (i, (f, e)) in zip(found, expected).enumerated() {
            #expect(abs(Double(f) - e) <= tolerance * scale, "\(what) parameter \(i): \(f) vs sklearn \(e)")
        }
    }

    func regression<T: BLASScalar>(_: T.Type, tolerance: Double) throws {
        let schedule = try InverseScalingSchedule(baseLearningRate: R.regressionEta0, power: R.regressionPower)
        let theta = try fit(T.self, x: R.regressionX, y: R.regressionY, weights: R.regressionWeights, loss: .squaredError,
                            schedule: schedule, epochs: R.regressionEpochs)
        expectClose(theta, coef: R.regressionCoef, intercept: R.regressionIntercept, tolerance: tolerance, "SGDRegressor")
    }

    /// Class weights as `ClassWeights` computes them on the labels, times the sample weights.
    func classification<T: BLASScalar>(_: T.Type, classWeights: ClassWeights, sampleWeights: [Double]?,
                                       schedule: any LearningRateSchedule, epochs: Int) throws -> [T] {
        let y = Matrix<Double>(rows: R.classificationY.count, cols: 1) { i, _ in R.classificationY[i] }
        let classes = try ClassWeights.classes(of: y, loss: .binaryLogistic)
        let perClass = try classWeights.weights(classes: classes, classCount: 2)
        let multipliers: [Double] = ClassWeights.multipliers(classes: classes, classWeights: perClass)
        let weights = zip(multipliers, sampleWeights ?? multipliers.map { _ in 1 }).map { $0 * $1 }
        return try fit(T.self, x: R.classificationX, y: R.classificationY, weights: weights, loss: .binaryLogistic,
                       schedule: schedule, epochs: epochs)
    }

    func balanced<T: BLASScalar>(_: T.Type, tolerance: Double) throws {
        let theta: [T] = try classification(T.self, classWeights: .balanced, sampleWeights: nil,
                                            schedule: TrainingConfiguration.constant(R.balancedEta0), epochs: R.balancedEpochs)
        expectClose(theta, coef: R.balancedCoef, intercept: R.balancedIntercept, tolerance: tolerance, "balanced")
    }

    func given<T: BLASScalar>(_: T.Type, tolerance: Double) throws {
        let schedule = try InverseScalingSchedule(baseLearningRate: R.givenEta0, power: R.givenPower)
        let theta: [T] = try classification(T.self, classWeights: .given(R.givenClassWeights), sampleWeights: R.classificationWeights,
                                            schedule: schedule, epochs: R.givenEpochs)
        expectClose(theta, coef: R.givenCoef, intercept: R.givenIntercept, tolerance: tolerance, "class_weight dict")
    }

    @Test func balancedClassWeightsAreComputeClassWeights() throws {
        let y = Matrix<Double>(rows: R.classificationY.count, cols: 1) { i, _ in R.classificationY[i] }
        let found = try ClassWeights.balanced.weights(classes: ClassWeights.classes(of: y, loss: .binaryLogistic), classCount: 2)
        for (f, e) in zip(found, R.balancedClassWeights) { #expect(abs(f - e) <= 1e-15 * e, "\(found) vs \(R.balancedClassWeights)") }
    }

    @Test func doubleMatchesSGDRegressorWithSampleWeights() throws { try regression(Double.self, tolerance: 1e-10) }
    @Test func floatMatchesSGDRegressorWithSampleWeights() throws { try regression(Float.self, tolerance: 1e-4) }
    @Test func doubleMatchesSGDClassifierBalanced() throws { try balanced(Double.self, tolerance: 1e-10) }
    @Test func floatMatchesSGDClassifierBalanced() throws { try balanced(Float.self, tolerance: 1e-4) }
    @Test func doubleMatchesSGDClassifierClassWeightDict() throws { try given(Double.self, tolerance: 1e-10) }
    @Test func floatMatchesSGDClassifierClassWeightDict() throws { try given(Float.self, tolerance: 1e-4) }
}
