import Descent

/// What one training run produced, measured at the point the method says to evaluate (the
/// averaged iterate for DoG/L-DoG + averaging, Schedule-Free's x, else the last iterate).
struct RunOutcome {
    /// Mean ½·(ŷ − y)² over the whole training part at the final point.
    var trainingLoss: Double
    var validationRMSE: Double
    var validationR2: Double
    /// Validation RMSE after the first quarter of the epochs (how fast the method gets going).
    var earlyValidationRMSE: Double
    /// The loop's divergence guard fired (a non-finite loss, gradient or iterate), or the run ended
    /// with a training loss above the one it started from.
    var diverged: Bool
    var seconds: Double
}

/// Trains `problem.model` with `optimizer` for `problem.epochs` epochs: mini-batches of
/// `batchSize` with a fresh permutation every epoch (the sampler seeded by `seed`), the
/// initialisation drawn from `seed`, a constant learning rate (a multiplier of 1 for the
/// learning-rate-free methods) unless a `schedule` is given.
func train<Scalar, Opt: Optimizer>(_ problem: Problem<Scalar>, optimizer: Opt, learningRate: Double,
                                   schedule: (any LearningRateSchedule)? = nil,
                                   seed: UInt64, batchSize: Int) throws -> RunOutcome where Opt.Scalar == Scalar {
    let objective = try SupervisedObjective(dataset: problem.training, model: problem.model, loss: .squaredError,
                                            maximumBatchSize: 1024)
    let start = problem.model.initialParameters(seed: seed)
    let startLoss = objective.evaluate(parameters: start).loss
    let configuration = TrainingConfiguration(epochs: problem.epochs, batchSize: .size(batchSize), shuffle: .reshuffle,
                                              seed: seed, schedule: try schedule ?? TrainingConfiguration.constant(learningRate))
    let trainer = try Trainer(objective: objective, optimizer: optimizer, configuration: configuration,
                              validation: objective.evaluator(x: problem.validation.x, y: problem.validation.y),
                              initialParameters: start)
    let clock = ContinuousClock()
    let begin = clock.now
    let result = try trainer.run()
    let elapsed = begin.duration(to: clock.now)
    let final = objective.evaluate(parameters: result.parameters)
    let validation = objective.evaluate(parameters: result.parameters, on: problem.validation)
    var diverged = !final.loss.isFinite || final.loss > startLoss
    if case .diverged = result.stopReason { diverged = true }
    // The loop's validation loss is the mean ½r², so RMSE = √(2·loss) for one output.
    let quarter = max(problem.epochs / 4, 1) - 1
    let early = quarter < result.history.count ? (2 * (result.history[quarter].validationLoss ?? .nan)).squareRoot() : .nan
    return RunOutcome(trainingLoss: final.loss, validationRMSE: validation.rmse ?? .nan, validationR2: validation.r2 ?? .nan,
                      earlyValidationRMSE: diverged && !early.isFinite ? .infinity : early,
                      diverged: diverged,
                      seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
}
