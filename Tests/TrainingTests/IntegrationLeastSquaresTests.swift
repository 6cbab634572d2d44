import Testing
import Descent
import _TestSupport

/// Acceptance 1: linear least squares through the whole stack (LinearModel with intercept, squared
/// error, SupervisedObjective, SGD, Trainer) converges to LAPACK's least-squares fit
/// (`LeastSquares.solve`, SVD-based `gelsd`), by full-batch GD, by reshuffled mini-batch SGD with
/// momentum and a decaying schedule, and (close) by per-sample SGD.
///
/// Data: 400 samples, 4 features uniform in [−0.7, 1.3), noise σ = 0.1, intercept 2. The loss Hessian
/// (1/n)·[X 1]ᵀ[X 1] has eigenvalues ≈ 0.195 … 1.50 (numpy on the same distribution), so GD with rate 1
/// contracts the error by ≈ 0.805 per update.
struct IntegrationLeastSquaresTests {
    static let samples = 400, features = 4

    func data<T: BLASScalar>(_: T.Type) throws -> Dataset<T> {
        try Integration.linear(samples: Self.samples, features: Self.features, noise: 0.1, seed: 101)
    }

    /// Runs `configuration` with SGD (given momentum) from zero; returns the result and, per update, the
    /// scaled distance to the fit (recorded by the step hook, after the update).
    func train<T: BLASScalar>(_ data: Dataset<T>, momentum: Double, configuration: TrainingConfiguration,
                              truth: [T]) throws -> (TrainingResult<T>, [Double]) {
        let objective = try Integration.linearObjective(data)
        let sgd = try SGD<T>(parameterCount: objective.parameterCount, momentum: momentum)
        let trainer = try Trainer(objective: objective, optimizer: sgd, configuration: configuration,
                                  initialParameters: [T](repeating: 0, count: objective.parameterCount))
        var distances: [Double] = []
        distances.reserveCapacity(configuration.epochs * trainer.batchesPerEpoch)
        trainer.onStep = { [unowned trainer] _ in
            distances.append(Integration.distance(trainer.currentParameters, truth))
            return .continue
        }
        return (try trainer.run(), distances)
    }

    /// The first update (1-based) after which the distance stays ≤ `tol`, or nil.
    func updatesToReach(_ tol: Double, _ distances: [Double]) -> Int? {
        guard let last = distances.lastIndex(where: { $0 > tol }) else { return 0 }
        return last + 1 < distances.count ? last + 2 : nil
    }

    func check<T: BLASScalar>(_ result: TrainingResult<T>, truth: [T], tol: Double, label: String) {
        let model = LinearModel<T>(inputs: Self.features, outputs: 1)
        let w = model.weights(in: result.parameters).elements.map { Double($0) }
        let wTrue = model.weights(in: truth).elements.map { Double($0) }
        let b = Double(model.bias(in: result.parameters)[0]), bTrue = Double(model.bias(in: truth)[0])
        #expect(result.stopReason == .completed, "\(label): \(result.stopReason)")
        #expect(maxScaledDifference(w, wTrue) <= tol, "\(label): weights \(w) vs \(wTrue)")
        #expect(isClose(b, bTrue, tol: tol), "\(label): bias \(b) vs \(bTrue)")
    }

    // MARK: Full-batch GD

    /// Full-batch GD, constant rate 1, 200 epochs (= 200 updates). Measured: the scaled distance to the
    /// fit is ≤ 1e-10 from update 92 on (Double) and ≤ 1e-5 from update 46 on (Float, whose floor is
    /// ≈ 1e-6); the tolerances below (1e-10 / 1e-5) are checked at the end and the updates needed must
    /// stay below 150 / 100.
    func fullBatch<T: BLASScalar>(_: T.Type) throws {
        let data = try data(T.self)
        let truth = try Integration.leastSquaresParameters(data)
        let tol = Integration.tolerance(T.self, float: 1e-5, double: 1e-10)
        let (result, distances) = try train(data, momentum: 0,
                                            configuration: TrainingConfiguration(epochs: 200, batchSize: .full, learningRate: 1),
                                            truth: truth)
        #expect(result.steps == 200)
        check(result, truth: truth, tol: tol, label: "full-batch GD")
        let needed = updatesToReach(tol, distances)
        print("[integration] full-batch GD \(T.self): \(needed.map(String.init) ?? "never") updates to \(tol), final \(distances.last!)")
        #expect(needed != nil && Double(needed!) < Integration.tolerance(T.self, float: 100, double: 150))
    }

    @Test func fullBatchGDDouble() throws { try fullBatch(Double.self) }
    @Test func fullBatchGDFloat() throws { try fullBatch(Float.self) }

    // MARK: Mini-batch SGD with momentum, reshuffling and a decaying schedule

    /// Batches of 20 (20 updates per epoch), reshuffled every epoch, momentum 0.9, and the epoch-wise
    /// exponential decay `exp:gamma=0.95` from `parseSchedule` with base rate 0.05 (epoch e uses
    /// 0.05·0.95^e), 200 epochs = 4000 updates. Measured (Double and Float alike): the scaled distance
    /// to the fit stays ≤ 3e-5 from update 2682 on and ends at 1.1e-5; tolerance 3e-5. A faster decay
    /// freezes the iterate earlier and farther (`exp:gamma=0.9`, 120 epochs: 5.7e-5); a constant rate
    /// 0.05 stays at its noise floor, 4.5e-3 (checked: > 10× farther).
    func miniBatch<T: BLASScalar>(_: T.Type) throws {
        let data = try data(T.self)
        let truth = try Integration.leastSquaresParameters(data)
        let schedule = try parseSchedule("exp:gamma=0.95", baseLearningRate: 0.05)
        let config = TrainingConfiguration(epochs: 200, batchSize: .size(20), shuffle: .reshuffle, seed: 5, schedule: schedule)
        let (result, distances) = try train(data, momentum: 0.9, configuration: config, truth: truth)
        #expect(result.steps == 4000)
        let tol = 3e-5
        check(result, truth: truth, tol: tol, label: "mini-batch SGD")
        print("[integration] mini-batch SGD \(T.self): \(updatesToReach(tol, distances).map(String.init) ?? "never") updates to \(tol), final \(distances.last!)")
        // The same run at a constant rate (the schedule's first value) stays at its noise floor, farther away.
        let (constant, _) = try train(data, momentum: 0.9, configuration: TrainingConfiguration(
            epochs: 200, batchSize: .size(20), shuffle: .reshuffle, seed: 5, learningRate: 0.05), truth: truth)
        print("[integration] constant-rate mini-batch SGD \(T.self): final \(Integration.distance(constant.parameters, truth))")
        #expect(Integration.distance(constant.parameters, truth) > 10 * distances.last!)
    }

    @Test func miniBatchSGDDouble() throws { try miniBatch(Double.self) }
    @Test func miniBatchSGDFloat() throws { try miniBatch(Float.self) }

    // MARK: Per-sample SGD

    /// Batch 1 (400 updates per epoch), reshuffled, no momentum, `step:size=5,gamma=0.5` from 0.02 (halved
    /// every 5 epochs), 30 epochs = 12000 updates. Measured: ends 1.6e-4 (scaled) from the fit, Double
    /// and Float alike; tolerance 1e-3 ("close": the last rate, 6e-4, still leaves per-sample noise).
    func perSample<T: BLASScalar>(_: T.Type) throws {
        let data = try data(T.self)
        let truth = try Integration.leastSquaresParameters(data)
        let schedule = try parseSchedule("step:size=5,gamma=0.5", baseLearningRate: 0.02)
        let config = TrainingConfiguration(epochs: 30, batchSize: .size(1), shuffle: .reshuffle, seed: 6, schedule: schedule)
        let (result, distances) = try train(data, momentum: 0, configuration: config, truth: truth)
        #expect(result.steps == 30 * Self.samples)
        let tol = 1e-3
        check(result, truth: truth, tol: tol, label: "per-sample SGD")
        print("[integration] per-sample SGD \(T.self): final \(distances.last!)")
    }

    @Test func perSampleSGDDouble() throws { try perSample(Double.self) }
    @Test func perSampleSGDFloat() throws { try perSample(Float.self) }
}
