/// microsoftml's (`rx_neural_network` `sgd_optimizer`) learning-rate reduction trio, as a pure
/// fold over the per-epoch loss history.
///
/// Parameters (microsoftml defaults): r = `l_rate_red_ratio` = 1 (no reduction), N =
/// `l_rate_red_freq` = 100, ρ = `l_rate_red_error_ratio` = 0. After each completed epoch
/// e = 1, 2, … (epoch loss L_e = `metrics[e−1]`):
///
///     periodic = (e mod N == 0)
///     error    = e ≥ 2 and (ρ == 0 ? L_e > L_{e−1}                    // the loss rose
///                                  : L_{e−1} − L_e < ρ·|L_{e−1}|)      // fell by less than ρ
///     if periodic || error { η ← r·η }
///
///     η(t) = η₀ · r^(number of epochs e ≤ t at which periodic || error)
///
/// **Combination (our choice; the docs do not say):** the triggers are OR-ed and an epoch
/// reduces at most once even when both fire. The periodic trigger needs no metric; the error
/// trigger only looks at epochs whose loss is in `metrics` (so t = completed epochs and
/// `metrics.count` = t in a normal loop). microsoftml's docs:
/// https://learn.microsoft.com/en-us/sql/machine-learning/r-reference/microsoftml/maoptimizer
/// Text form: `mml:ratio=0.9,freq=100,error=0`.
public struct MicrosoftMLReductionSchedule: LearningRateSchedule, Equatable, CustomStringConvertible {
    /// η₀, the base learning rate.
    public let baseLearningRate: Double
    /// r, the factor of each reduction (1: none).
    public let ratio: Double
    /// N, the epochs between periodic reductions.
    public let frequency: Int
    /// ρ: an epoch whose loss fell by less than ρ·|the previous loss| reduces the rate; with ρ = 0, an epoch
    /// whose loss rose does.
    public let errorRatio: Double

    /// Always `.epoch`: one step and one metric per epoch.
    public var unit: ScheduleUnit { .epoch }
    public var usesMetrics: Bool { true }

    /// microsoftml's reduction with these settings; throws a `ScheduleError` naming the field when a value is
    /// out of its range.
    public init(baseLearningRate: Double, ratio: Double = 1, frequency: Int = 100, errorRatio: Double = 0) throws {
        try Check.nonNegative(baseLearningRate, "lr")
        try Check.within(ratio, "ratio", lower: 0, lowerOpen: true, upper: 1, upperOpen: false)
        try Check.positive(frequency, "freq")
        try Check.within(errorRatio, "error", lower: 0, lowerOpen: false, upper: 1, upperOpen: true)
        self.baseLearningRate = baseLearningRate
        self.ratio = ratio
        self.frequency = frequency
        self.errorRatio = errorRatio
    }

    /// Whether the error trigger fires for a loss `current` following `previous`.
    func errorTrigger(previous: Double, current: Double) -> Bool {
        errorRatio == 0 ? current > previous : previous - current < errorRatio * abs(previous)
    }

    /// How many reductions happened in the first `epochs` completed epochs.
    public func reductions(afterEpochs epochs: Int, metrics: [Double]) -> Int {
        var count = 0
        if epochs < 1 { return 0 }
        for e in 1...epochs {
            let periodic = e % frequency == 0
            let error = e >= 2 && e <= metrics.count && errorTrigger(previous: metrics[e - 2], current: metrics[e - 1])
            if periodic || error { count += 1 }
        }
        return count
    }

    public func learningRate(at step: Int, metrics: [Double]) throws -> Double {
        try Check.step(step)
        var lr = baseLearningRate
        for _ in 0..<reductions(afterEpochs: step, metrics: metrics) { lr *= ratio }
        return lr
    }

    public var description: String {
        "mml:ratio=\(formatNumber(ratio)),freq=\(frequency),error=\(formatNumber(errorRatio))"
    }
}
