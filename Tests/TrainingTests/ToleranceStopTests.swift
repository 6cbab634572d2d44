import Testing
import Descent
import _TestSupport

/// scikit-learn's `tol` stop (`ToleranceStop`) against `SGDRegressor` runs
/// (`ToleranceStopSklearnReference`, made by `scripts/reference/sgd_tol_sklearn.py`): per-sample SGD
/// in file order at sklearn's constant rate, squared error, no penalty. Descent must stop after the
/// same epoch (sklearn's `n_iter_`), keep the last weights (sklearn's `coef_`, `intercept_`), and
/// report the same per-epoch mean training loss (sklearn's verbose "Avg. loss", printed to 6 decimals).
/// Plus the rule's own bookkeeping on hand-made sums, where it differs from `EarlyStopping`.
struct ToleranceStopTests {
    typealias Ref = ToleranceStopSklearnReference

    func run<T: BLASScalar>(_ c: Ref.Case, as _: T.Type) throws -> TrainingResult<T> {
        let data = try Dataset(x: Matrix(rows: Ref.rows, cols: Ref.features, elements: Ref.x.map { T($0) }),
                               y: Matrix(rows: Ref.rows, cols: 1, elements: Ref.y.map { T($0) }))
        let objective = try Integration.linearObjective(data)
        let sgd = try SGD<T>(parameterCount: objective.parameterCount)
        var configuration = try TrainingConfiguration(epochs: c.maxIter, batchSize: .size(1), shuffle: .none,
                                                      learningRate: c.learningRate)
        configuration.toleranceStop = try ToleranceStop(tolerance: c.tol, iterationsWithoutChange: c.nIterNoChange)
        let trainer = try Trainer(objective: objective, optimizer: sgd, configuration: configuration,
                                  initialParameters: [T](repeating: 0, count: objective.parameterCount))
        return try trainer.run()
    }

    /// The epoch of the lowest training loss (sklearn's best sum), as the stop reason names it.
    func bestEpoch<T>(_ r: TrainingResult<T>) -> Int? {
        r.history.indices.min { r.history[$0].trainingLoss < r.history[$1].trainingLoss }
    }

    @Test(arguments: Ref.cases.map(\.name))
    func stopsWhereSklearnStopsDouble(_ name: String) throws {
        let c = Ref.cases.first { $0.name == name }!
        let result = try run(c, as: Double.self)
        #expect(result.history.count == c.nIter, "\(name): \(result.history.count) epochs, sklearn ran \(c.nIter)")
        #expect(result.stopReason == .earlyStopped(epoch: c.nIter - 1, bestEpoch: result.stopReason == .completed ? nil : bestEpoch(result)))
        #expect(maxScaledDifference(result.parameters, c.coef + [c.intercept]) <= 1e-10,
                "\(name): \(result.parameters) vs sklearn \(c.coef + [c.intercept])")
        for (e, (mine, theirs)) in zip(result.history.map(\.trainingLoss), c.averageLosses).enumerated() {
            #expect(abs(mine - theirs) <= 5.1e-7, "\(name), epoch \(e + 1): \(mine) vs sklearn \(theirs)")
        }
    }

    @Test(arguments: Ref.cases.map(\.name))
    func stopsWhereSklearnStopsFloat(_ name: String) throws {
        let c = Ref.cases.first { $0.name == name }!
        let result = try run(c, as: Float.self)
        #expect(result.history.count == c.nIter)
        #expect(maxScaledDifference(result.parameters.map { Double($0) }, c.coef + [c.intercept]) <= 1e-4)
    }

    /// Sums 10, 9.5, 9.6, 9.45 over 10 samples with tol 0.1 (a mean decrease below 0.1 is no change):
    /// epoch 2 lowers the best but counts as no improvement; epoch 3 is worse; epoch 4 is a new best
    /// but within tol of 9.5, so the count reaches 3 and it stops, keeping the last weights. Keras's
    /// rule (min delta 0.1 on the mean) would not have moved its best after epoch 1 either way.
    @Test func bookkeepingFollowsSklearn() throws {
        let rule = try ToleranceStop(tolerance: 0.1, iterationsWithoutChange: 3)
        var t = ToleranceStop.Tracker()
        #expect(!rule.update(&t, lossSum: 100, samples: 10, epoch: 0))
        #expect(t.noImprovementCount == 0 && t.best == 100)
        #expect(!rule.update(&t, lossSum: 99.5, samples: 10, epoch: 1))
        #expect(t.noImprovementCount == 1 && t.best == 99.5 && t.bestEpoch == 1)
        #expect(!rule.update(&t, lossSum: 99.6, samples: 10, epoch: 2))
        #expect(t.noImprovementCount == 2 && t.best == 99.5)
        #expect(rule.update(&t, lossSum: 99.45, samples: 10, epoch: 3))
        #expect(t.noImprovementCount == 3 && t.best == 99.45 && t.bestEpoch == 3)
        // An improvement by more than tol·n resets the count.
        var u = ToleranceStop.Tracker()
        _ = rule.update(&u, lossSum: 100, samples: 10, epoch: 0)
        _ = rule.update(&u, lossSum: 99.9, samples: 10, epoch: 1)
        #expect(!rule.update(&u, lossSum: 90, samples: 10, epoch: 2))
        #expect(u.noImprovementCount == 0)
    }

    @Test func rejectsBadSettings() {
        #expect(throws: TrainingError.self) { try ToleranceStop(tolerance: .nan) }
        #expect(throws: TrainingError.self) { try ToleranceStop(iterationsWithoutChange: 0) }
    }
}
