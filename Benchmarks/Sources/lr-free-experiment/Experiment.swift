import Descent

/// The protocol shared by both problems.
enum Experiment {
    /// The seeds of the runs: each sets the initialisation (MLP) and the mini-batch order.
    static let seeds: [UInt64] = [1, 2, 3, 4, 5]
    static let batchSize = 32
    /// SGD's (and Schedule-Free's) learning-rate grid: 10⁻⁴ … 10¹ in half-decades (Schedule-Free's good rates sit about 10× above SGD's).
    static let learningRateGrid: [Double] = (0...10).map { k in Problems.pow10(-4 + Double(k) / 2) }
}

/// All runs on one problem and the rows made from them.
struct ProblemResults<Scalar: BLASScalar> {
    let problem: Problem<Scalar>
    /// SGD + momentum and Schedule-Free at every grid rate.
    var sgdGrid: [Row] = []
    var cosineGrid: [Row] = []
    var scheduleFreeGrid: [Row] = []
    /// The rows of the main table, in order.
    var rows: [Row] = []
    var tunedRate = 0.0
    var seconds = 0.0

    init(problem: Problem<Scalar>) { self.problem = problem }

    var totalSteps: Int {
        let perEpoch = (problem.training.sampleCount + Experiment.batchSize - 1) / Experiment.batchSize
        return perEpoch * problem.epochs
    }

    func runs(_ method: Method, learningRate: Double = 1) throws -> [RunOutcome] {
        try Experiment.seeds.map { seed in
            try method.run(problem, seed: seed, learningRate: learningRate, batchSize: Experiment.batchSize, totalSteps: totalSteps)
        }
    }

    /// The grid row with the lowest median validation RMSE (a diverged run scores +∞).
    static func best(_ grid: [Row]) -> Int {
        grid.indices.min { grid[$0].medianScore < grid[$1].medianScore }!
    }

    /// For every seed, its own best grid rate's run (an oracle: per-seed tuning on the validation set).
    static func perSeedBest(_ grid: [Row]) -> (runs: [RunOutcome], rates: [String]) {
        var runs: [RunOutcome] = [], rates: [String] = []
        for s in Experiment.seeds.indices {
            let i = grid.indices.min { grid[$0].validationScores[s] < grid[$1].validationScores[s] }!
            runs.append(grid[i].runs[s]); rates.append(grid[i].setting)
        }
        return (runs, rates)
    }

    mutating func runAll(log: (String) -> Void) throws {
        let clock = ContinuousClock()
        let begin = clock.now
        for lr in Experiment.learningRateGrid {
            sgdGrid.append(Row(method: Method.sgdMomentum.label, setting: fmtRate(lr), runs: try runs(.sgdMomentum, learningRate: lr)))
            cosineGrid.append(Row(method: Method.sgdMomentumCosine.label, setting: fmtRate(lr),
                                  runs: try runs(.sgdMomentumCosine, learningRate: lr)))
            scheduleFreeGrid.append(Row(method: Method.scheduleFree.label, setting: fmtRate(lr),
                                        runs: try runs(.scheduleFree, learningRate: lr)))
            log("  \(problem.key): lr \(fmtRate(lr)) done")
        }
        let b = Self.best(sgdGrid)
        tunedRate = Experiment.learningRateGrid[b]
        rows.append(Row(method: "SGD + momentum 0.9, lr tuned on the grid", setting: "lr \(sgdGrid[b].setting)", runs: sgdGrid[b].runs))
        let oracle = Self.perSeedBest(sgdGrid)
        rows.append(Row(method: "SGD + momentum 0.9, best lr per seed (oracle)",
                        setting: "lr " + Array(Set(oracle.rates)).sorted().joined(separator: ", "), runs: oracle.runs))
        let c = Self.best(cosineGrid)
        rows.append(Row(method: "SGD + momentum 0.9 + cosine decay to 0, lr tuned on the grid", setting: "lr \(cosineGrid[c].setting)",
                        runs: cosineGrid[c].runs))
        for m in [Method.lfm, .dogAveraged, .ldogAveraged, .dadapt, .dadaptMomentum] {
            rows.append(Row(method: m.label, setting: "lr ×1", runs: try runs(m)))
            log("  \(problem.key): \(m.label) done")
        }
        let sfRate = 10 * tunedRate
        rows.append(Row(method: "Schedule-Free SGD (β 0.9, x), lr = 10 × SGD's tuned lr", setting: "lr \(fmtRate(sfRate))",
                        runs: try runs(.scheduleFree, learningRate: sfRate)))
        let sb = Self.best(scheduleFreeGrid)
        rows.append(Row(method: "Schedule-Free SGD (β 0.9, x), lr tuned on the grid", setting: "lr \(scheduleFreeGrid[sb].setting)",
                        runs: scheduleFreeGrid[sb].runs))
        rows.append(Row(method: Method.adaDelta.label, setting: "lr ×1", runs: try runs(.adaDelta)))
        let d = begin.duration(to: clock.now)
        seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
