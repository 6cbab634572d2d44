// The data-parallel checks, run under `mpirun -np 2` by .ci/run (and by hand with any -np): each
// check compares a distributed result with an independent truth computed in the same process (the
// single-process trainer on the same data, LAPACK's least-squares answer, sums in closed form) and
// checks that every process holds the same bits. Prints one line per check on process 0 and ends
// with "N passed, M failed" (exit status 1 when any failed).
import Descent
import Foundation
import _TestSupport

// Helpers for scripts/distributed-cli-checks.sh (no MPI, no Python needed):
//   DistributedChecks --write-npy DIR     x.npy, y.npy (a small regression), bad-x.npy (NaN in its second half)
//   DistributedChecks --same-model A B    exit 0 when two model files hold the same parameters, bit for bit
let arguments = CommandLine.arguments
if arguments.count == 3 && arguments[1] == "--write-npy" {
    let dir = URL(fileURLWithPath: arguments[2])
    var g = SeededGenerator(seed: 99)
    let n = 2000, d = 6
    let x = Matrix<Double>(rows: n, cols: d) { _, _ in 2 * g.nextUnit() - 1 }
    let y = Matrix<Double>(rows: n, cols: 1) { i, _ in (0..<d).reduce(0.5) { $0 + x[i, $1] * Double($1 + 1) } + 0.05 * g.nextGaussian() }
    var bad = x
    bad[n - 10, 2] = .nan
    try NPYFile.write(x, to: dir.appendingPathComponent("x.npy"))
    try NPYFile.write(y, to: dir.appendingPathComponent("y.npy"))
    try NPYFile.write(bad, to: dir.appendingPathComponent("bad-x.npy"))
    exit(0)
}
if arguments.count == 4 && arguments[1] == "--same-model" {
    let a = try ModelDocument.load(from: URL(fileURLWithPath: arguments[2]))
    let b = try ModelDocument.load(from: URL(fileURLWithPath: arguments[3]))
    let same = a.layers == b.layers
    print(same ? "same parameters" : "different parameters")
    exit(same ? 0 : 1)
}

#if MPI
let world = try MPICommunicator.world()
#else
let world = SingleProcess()
#endif
let rank = world.rank, size = world.size

// DistributedChecks --allreduce-latency P REPS: the median time of one training step's collectives
// (an allreduce of P floats, then of one double), barrier before each; for Benchmarks/run-distributed.sh.
if arguments.count == 4 && arguments[1] == "--allreduce-latency", let p = Int(arguments[2]), let reps = Int(arguments[3]) {
    var g = [Float](repeating: 1, count: p)
    var times: [Double] = []
    let clock = ContinuousClock()
    for _ in 0..<(reps + reps / 10) {
        try world.barrier()
        let t0 = clock.now
        try world.allreduceSum(&g)
        _ = try world.allreduceSum(1.0)
        let d = t0.duration(to: clock.now)
        times.append(Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
    }
    let kept = Array(times.dropFirst(reps / 10)).sorted()
    if rank == 0 { print("allreduce \(p) floats + 1 double: median \(kept[kept.count / 2] * 1e6) us") }
    exit(0)
}
nonisolated(unsafe) var passed = 0, failed = 0

func check(_ name: String, _ ok: Bool, _ detail: @autoclosure () -> String = "") {
    // Every process must agree: a check fails if it failed anywhere.
    let failedAnywhere = (try? world.any(!ok)) ?? true
    if failedAnywhere { failed += 1 } else { passed += 1 }
    if rank == 0 { print("\(failedAnywhere ? "FAIL" : "ok  ")  \(name)\(failedAnywhere || !detail().isEmpty ? "  " + detail() : "")") }
}

/// Bit pattern digest of a vector (FNV-1a over its bytes).
func digest<T>(_ v: [T]) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    v.withUnsafeBytes { for b in $0 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 } }
    return h
}

func relativeDifference<T: BLASScalar>(_ a: [T], _ b: [T]) -> Double {
    var num = 0.0, den = 0.0
    for i in a.indices { num = max(num, abs(Double(a[i]) - Double(b[i]))); den = max(den, abs(Double(b[i]))) }
    return num / max(den, 1e-300)
}

/// y = X·w* + b* + 0.1·N(0,1), X uniform in [−0.7, 1.3): the same rows on every process.
func problem<T: BLASScalar>(_ n: Int, _ d: Int, seed: UInt64, as _: T.Type) -> (Matrix<T>, Matrix<T>) {
    var g = SeededGenerator(seed: seed)
    var xd = [T](repeating: 0, count: n * d), yd = [T](repeating: 0, count: n)
    for i in 0..<n {
        var v = 0.5
        for c in 0..<d {
            let x = 0.3 + 2 * g.nextUnit() - 1
            xd[i * d + c] = T(x)
            v += x * (c % 2 == 0 ? 1 : -1) * (1 + Double(c) / 4)
        }
        yd[i] = T(v + 0.1 * g.nextGaussian())
    }
    return (Matrix(rows: n, cols: d, elements: xd), Matrix(rows: n, cols: 1, elements: yd))
}

func objective<T: BLASScalar>(_ x: Matrix<T>, _ y: Matrix<T>, batch: Int) throws -> SupervisedObjective<T> {
    try SupervisedObjective(x: x, y: y, model: LinearModel<T>(inputs: x.cols, outputs: 1), loss: .squaredError,
                            maximumBatchSize: batch, threads: 1)
}

func rows<T: BLASScalar>(_ m: Matrix<T>, _ r: Range<Int>) -> Matrix<T> {
    var out = Matrix<T>(rows: r.count, cols: m.cols)
    m.gatherRows(Array(r), into: &out)
    return out
}

/// Trains and returns the result; `dataParallel` nil is the single-process reference.
func train<T: BLASScalar>(_ x: Matrix<T>, _ y: Matrix<T>, configuration: TrainingConfiguration, momentum: Double,
                          dataParallel: DataParallel?) throws -> TrainingResult<T> {
    let b = configuration.batchSize.resolved(sampleCount: x.rows)
    let o = try objective(x, y, batch: b)
    let sgd = try SGD<T>(parameterCount: o.parameterCount, momentum: momentum)
    let t = try Trainer(objective: o, optimizer: sgd, configuration: configuration,
                        initialParameters: [T](repeating: 0, count: o.parameterCount), dataParallel: dataParallel)
    return try t.run()
}

// MARK: Collectives

do {
    var f = (0..<10).map { Float(rank * 100 + $0) }
    try world.allreduceSum(&f)
    let expectF = (0..<10).map { i in Float((0..<size).reduce(0) { $0 + $1 * 100 + i }) }
    var d = (0..<7).map { Double(rank) + Double($0) * 0.25 }
    try world.allreduceSum(&d)
    let expectD = (0..<7).map { i in (0..<size).reduce(0.0) { $0 + Double($1) + Double(i) * 0.25 } }
    check("allreduce sum, Float and Double", f == expectF && d == expectD)

    #if MPI
    // Chunking (MPI counts are Int32): 1000 elements in chunks of 7.
    world.chunkLimit = 7
    var c = (0..<1000).map { Double($0 * (rank + 1)) }
    try world.allreduceSum(&c)
    var bytes = [Double](repeating: rank == 0 ? 3.5 : -1, count: 100)
    try world.broadcast(&bytes)
    world.chunkLimit = Int(Int32.max)
    let triangle = Double(size * (size + 1) / 2)
    check("allreduce and broadcast in chunks", c == (0..<1000).map { Double($0) * triangle } && bytes.allSatisfy { $0 == 3.5 })
    #endif
    try world.barrier()
    check("allAgree", try world.allAgree(42) && (size == 1 || !(try world.allAgree(UInt64(rank)))))
} catch { check("collectives", false, "\(error)") }

// MARK: Exact sharding against one process

func exactAgainstOneProcess<T: BLASScalar>(_: T.Type, tolerance: Double) throws {
    let (x, y) = problem(4096, 16, seed: 7, as: T.self)
    let c = try TrainingConfiguration(epochs: 3, batchSize: .size(64), shuffle: .reshuffle, seed: 11, learningRate: 0.02)
    let single = try train(x, y, configuration: c, momentum: 0.9, dataParallel: nil)
    let dp = DataParallel(communicator: world, sharding: .exact)
    let parallel = try train(x, y, configuration: c, momentum: 0.9, dataParallel: dp)
    let diff = relativeDifference(parallel.parameters, single.parameters)
    check("exact, \(T.self): \(size) processes vs 1, global batch 64, 3 epochs", diff <= tolerance,
          "max relative difference \(diff) (limit \(tolerance))")
    check("exact, \(T.self): every process holds the same bits", try world.allAgree(digest(parallel.parameters)))
    let lossDiff = abs(parallel.history.last!.trainingLoss - single.history.last!.trainingLoss) / single.history.last!.trainingLoss
    check("exact, \(T.self): epoch losses match one process", lossDiff <= tolerance, "relative \(lossDiff)")
}

// MARK: Sharded

func shardedFullBatch<T: BLASScalar>(_: T.Type, tolerance: Double) throws {
    let n = 1000 * size
    let (x, y) = problem(n, 8, seed: 3, as: T.self)
    let c = try TrainingConfiguration(epochs: 40, batchSize: .full, seed: 5, learningRate: 0.1)
    let single = try train(x, y, configuration: c, momentum: 0.5, dataParallel: nil)
    let m = n / size
    let own = (rows(x, (rank * m)..<((rank + 1) * m)), rows(y, (rank * m)..<((rank + 1) * m)))
    let dp = DataParallel(communicator: world, sharding: .sharded)
    let parallel = try train(own.0, own.1, configuration: c, momentum: 0.5, dataParallel: dp)
    let diff = relativeDifference(parallel.parameters, single.parameters)
    check("sharded, \(T.self): full-batch GD on \(size) shards vs 1 process", diff <= tolerance, "max relative difference \(diff)")
    check("sharded, \(T.self): every process holds the same bits", try world.allAgree(digest(parallel.parameters)))
}

// MARK: Local SGD against LAPACK

func localSGD() throws {
    let n = 2048 * size
    let (x, y) = problem(n, 8, seed: 21, as: Double.self)
    let exact = try LeastSquares.solve(x, y)
    let m = n / size
    let own = (rows(x, (rank * m)..<((rank + 1) * m)), rows(y, (rank * m)..<((rank + 1) * m)))
    let epochs = 60
    let schedule = try parseSchedule("cosine:T=\(epochs),unit=epoch", baseLearningRate: 0.05)
    let c = TrainingConfiguration(epochs: epochs, batchSize: .size(32 * size), seed: 9, schedule: schedule)
    let dp = DataParallel(communicator: world, sharding: .sharded, synchronization: .averageEvery(8))
    let r = try train(own.0, own.1, configuration: c, momentum: 0.9, dataParallel: dp)
    let truth = (0..<8).map { exact.weights[$0, 0] } + exact.bias
    let diff = relativeDifference(r.parameters, truth)
    check("local SGD (average every 8), sharded: converges to LAPACK's least squares", diff <= 2e-3, "max relative difference \(diff)")
    check("local SGD: every process holds the same bits", try world.allAgree(digest(r.parameters)))
}

// MARK: Resume

func resume(_ sharding: DataParallel.Sharding, _ sync: DataParallel.Synchronization) throws {
    let n = 600 * size
    let (x, y) = problem(n, 6, seed: 17, as: Double.self)
    let m = n / size
    let data = sharding == .exact ? (x, y) : (rows(x, (rank * m)..<((rank + 1) * m)), rows(y, (rank * m)..<((rank + 1) * m)))
    let c = try TrainingConfiguration(epochs: 4, batchSize: .size(20 * size), shuffle: .reshuffle, seed: 4, learningRate: 0.05)
    let dp = DataParallel(communicator: world, sharding: sharding, synchronization: sync)
    let straight = try train(data.0, data.1, configuration: c, momentum: 0.9, dataParallel: dp)
    // Two epochs, a snapshot (what rank 0 would write), then a fresh trainer on every process from it.
    let o = try objective(data.0, data.1, batch: 20 * size)
    let sgd = try SGD<Double>(parameterCount: o.parameterCount, learningRate: 0.05, momentum: 0.9)
    let first = try Trainer(objective: o, optimizer: sgd, configuration: c, initialParameters: [Double](repeating: 0, count: 7), dataParallel: dp)
    var saved: TrainerState<Double>? = nil
    first.afterEpoch = { record, t in
        if record.epoch == 1 { saved = t.state; return .stop }
        return .continue
    }
    _ = try first.run()
    // Only process 0's state travels (as the checkpoint file does).
    var bytes = [UInt8](try JSONEncoder().encode(saved!))
    var count = [Double(bytes.count)]
    try world.broadcast(&count)
    bytes = rank == 0 ? bytes : [UInt8](repeating: 0, count: Int(count[0]))
    try bytes.withUnsafeMutableBytes { try world.broadcast($0, root: 0) }
    let state = try JSONDecoder().decode(TrainerState<Double>.self, from: Data(bytes))
    let again = try Trainer(objective: o, optimizer: try SGD<Double>(parameterCount: o.parameterCount, learningRate: 0.05, momentum: 0.9),
                            configuration: c, resumingFrom: state, dataParallel: dp)
    let resumed = try again.run()
    check("resume (\(sharding.rawValue), \(sync)): bit-identical to the uninterrupted run",
          digest(resumed.parameters) == digest(straight.parameters) && state.dataParallel?.processes == size)
}

// MARK: Divergence on one process (local SGD)

/// An objective whose loss turns NaN at its `failAt`-th call on process 1 only.
struct FailingObjective<T: BLASScalar>: Objective {
    var base: SupervisedObjective<T>
    var calls = 0
    let failAt: Int
    var parameterCount: Int { base.parameterCount }
    var sampleCount: Int { base.sampleCount }
    var maximumBatchSize: Int { base.maximumBatchSize }
    mutating func lossAndGradient(parameters: UnsafeBufferPointer<T>, gradient: UnsafeMutableBufferPointer<T>, batch: Batch) throws -> Double {
        calls += 1
        let l = base.lossAndGradient(parameters: parameters, gradient: gradient, batch: batch)
        return calls == failAt && rank == 1 ? .nan : l
    }
}

func divergenceOnOneProcess() throws {
    let (x, y) = problem(400, 4, seed: 2, as: Double.self)
    let o = FailingObjective(base: try objective(x, y, batch: 40), failAt: 13)
    let c = try TrainingConfiguration(epochs: 3, batchSize: .size(40), seed: 1, learningRate: 0.05)
    let dp = DataParallel(communicator: world, sharding: .exact, synchronization: .averageEvery(5))
    let t = try Trainer(objective: o, optimizer: try SGD<Double>(parameterCount: 5, learningRate: 0.05),
                        configuration: c, initialParameters: [Double](repeating: 0, count: 5), dataParallel: dp)
    let r = try t.run()
    var stopped = false
    if case .diverged = r.stopReason { stopped = true }
    let same = try world.allAgree(digest(r.parameters))
    check("local SGD: a divergence on one process stops every process at the same point",
          size == 1 || (stopped && same), "\(r.stopReason)")
}

// MARK: Combined evaluation, moments and the range test

func combined() throws {
    let (x, y) = problem(999, 5, seed: 8, as: Double.self)
    let o = try objective(x, y, batch: 64)
    let p = (0..<6).map { Double($0) * 0.1 - 0.2 }
    let whole = o.evaluate(parameters: p)
    let r = DataParallel.share(of: 999, rank: rank, size: size)
    let part = try p.withUnsafeBufferPointer { try o.evaluate(parameters: $0, x: x.rows(r), y: y.rows(r), over: world) }
    check("combined evaluation equals the whole-set evaluation",
          abs(part.loss - whole.loss) <= 1e-12 * whole.loss && abs(part.r2! - whole.r2!) <= 1e-12 && abs(part.rmse! - whole.rmse!) <= 1e-12 * whole.rmse!
            && part.sampleCount == 999)
    var all = ColumnMoments(columnCount: 5), mine = ColumnMoments(columnCount: 5)
    x.withView { all.add($0) }
    x.rows(r).withView { mine.add($0) }
    let c = try mine.combined(over: world)
    check("combined column moments equal the whole set's",
          c.count == 999 && zip(c.means, all.means).allSatisfy { abs($0 - $1) <= 1e-13 } && zip(c.variances, all.variances).allSatisfy { abs($0 - $1) <= 1e-12 * $1 })

    let test = try LRRangeTest(sweep: try LRSweep(start: 1e-4, end: 1, iterations: 60))
    var sampler = BatchSampler(sampleCount: 999, batchSize: 32, mode: .reshuffle, seed: 3)
    var sgd = try SGD<Double>(parameterCount: 6, learningRate: 1)
    var params = [Double](repeating: 0, count: 6)
    var single = o
    let reference = try test.run(objective: &single, optimizer: &sgd, parameters: &params, sampler: &sampler)
    var dpo = DataParallelObjective(o, dataParallel: DataParallel(communicator: world))
    let distributed = try test.run(objective: &dpo, optimizer: &sgd, parameters: &params, sampler: &sampler)
    let worst = zip(reference.rawLosses, distributed.rawLosses).map { abs($0 - $1) / abs($0) }.max() ?? 0
    check("LR range test over DataParallelObjective matches one process", distributed.rawLosses.count == reference.rawLosses.count && worst <= 1e-10,
          "worst relative difference \(worst)")
    check("LR range test: every process records the same losses", try world.allAgree(digest(distributed.rawLosses)))
}

// MARK: Every optimizer, a plateau schedule, early stopping and a combined validation set

func everyOptimizer() throws {
    let (x, y) = problem(2048, 8, seed: 31, as: Double.self)
    let (vx, vy) = problem(512, 8, seed: 32, as: Double.self)
    func run<Opt: Optimizer>(_ optimizer: Opt, rate: Double, dataParallel: DataParallel?) throws -> TrainingResult<Double> where Opt.Scalar == Double {
        let o = try objective(x, y, batch: 64)
        let r = DataParallel.share(of: vx.rows, rank: dataParallel?.rank ?? 0, size: dataParallel?.size ?? 1)
        let validation: ValidationEvaluator<Double> = { p in
            let e = try dataParallel.map { try o.evaluate(parameters: p, x: vx.rows(r), y: vy.rows(r), over: $0.communicator) }
                ?? o.evaluate(parameters: p, x: vx, y: vy)
            return e
        }
        let c = TrainingConfiguration(epochs: 4, batchSize: .size(64), seed: 2,
                                      schedule: try parseSchedule("plateau:patience=0,factor=0.5", baseLearningRate: rate),
                                      earlyStopping: EarlyStopping(patience: 2))
        let t = try Trainer(objective: o, optimizer: optimizer, configuration: c, validation: validation,
                            initialParameters: [Double](repeating: 0, count: 9), dataParallel: dataParallel)
        return try t.run()
    }
    // Every optimizer of the registry, with its defaults (and SGD's momentum, to exercise its buffer).
    for spec in OptimizerRegistry.all {
        var settings = try OptimizerSettings(spec.name)
        if spec.field(named: "momentum") != nil, settings.number("momentum") == 0 { try settings.set("momentum", .number(0.9)) }
        let rate = spec.defaultLearningRate
        let single = try run(try settings.make(Double.self, groups: ParameterGroup.all(9), learningRate: rate), rate: rate, dataParallel: nil)
        let parallel = try run(try settings.make(Double.self, groups: ParameterGroup.all(9), learningRate: rate), rate: rate,
                               dataParallel: DataParallel(communicator: world))
        let diff = relativeDifference(parallel.parameters, single.parameters)
        let same = try world.allAgree(digest(parallel.parameters))
        check("exact, \(settings) with a plateau schedule, early stopping and a combined validation set: \(size) processes vs 1",
              diff <= 1e-10 && same && parallel.history.count == single.history.count, "max relative difference \(diff)")
    }
}

// MARK: The README's library example (verbatim between the markers)

func readmeExample(world: any Communicator) throws -> [Double] {
    // --- README: "Training on several machines", library ---
    /// ½‖θ − cᵢ‖² for sample i, whose centre is cᵢ = (sin i, cos i): the batch mean's gradient is
    /// θ − (mean of the batch's centres), and the minimiser is the mean of all the centres.
    struct Centres: Objective {
        var parameterCount: Int { 2 }
        var sampleCount: Int { 10_000 }
        var maximumBatchSize: Int { 10_000 }
        mutating func lossAndGradient(parameters θ: UnsafeBufferPointer<Double>,
                                      gradient: UnsafeMutableBufferPointer<Double>, batch: Batch) throws -> Double {
            var loss = 0.0, g = (0.0, 0.0)
            for k in 0..<batch.count {
                let i = switch batch { case .rows(let r): r.lowerBound + k; case .indices(let s): s[k] }
                let d = (θ[0] - sin(Double(i)), θ[1] - cos(Double(i)))
                loss += 0.5 * (d.0 * d.0 + d.1 * d.1); g.0 += d.0; g.1 += d.1
            }
            let n = Double(batch.count)
            gradient[0] = g.0 / n; gradient[1] = g.1 / n
            return loss / n
        }
    }
    // `world` is `try MPICommunicator.world()` in a program built with `--traits MPI` and started by
    // `mpirun -np N`; each process evaluates its share of every global batch of 256.
    let configuration = TrainingConfiguration(epochs: 10, batchSize: .size(256),
                                              schedule: try parseSchedule("cosine:T=400,unit=batch", baseLearningRate: 0.1))
    let trainer = try Trainer(objective: Centres(), optimizer: try SGD<Double>(parameterCount: 2, momentum: 0.9),
                              configuration: configuration, initialParameters: [0, 0],
                              dataParallel: DataParallel(communicator: world))
    let result = try trainer.run()
    if world.rank == 0 { print("minimiser", result.parameters) }   // ≈ the mean of the centres
    // --- end of README example ---
    return result.parameters
}

func readme() throws {
    let distributed = try readmeExample(world: world)
    let single = try readmeExample(world: SingleProcess())
    let mean = (0..<10_000).reduce((0.0, 0.0)) { ($0.0 + sin(Double($1)) / 10_000, $0.1 + cos(Double($1)) / 10_000) }
    check("README example: own Objective, data-parallel, matches one process and the closed form",
          relativeDifference(distributed, single) <= 1e-12 && abs(distributed[0] - mean.0) < 5e-3 && abs(distributed[1] - mean.1) < 5e-3,
          "\(distributed) vs \(single), mean \(mean)")
    check("README example: every process holds the same bits", try world.allAgree(digest(distributed)))
}

for (name, body) in [("exact Float", { try exactAgainstOneProcess(Float.self, tolerance: 1e-5) }),
                     ("exact Double", { try exactAgainstOneProcess(Double.self, tolerance: 1e-12) }),
                     ("sharded Float", { try shardedFullBatch(Float.self, tolerance: 1e-5) }),
                     ("sharded Double", { try shardedFullBatch(Double.self, tolerance: 1e-12) }),
                     ("local SGD", localSGD),
                     ("resume exact", { try resume(.exact, .everyStep) }),
                     ("resume sharded", { try resume(.sharded, .everyStep) }),
                     ("resume local SGD", { try resume(.exact, .averageEvery(3)) }),
                     ("divergence", divergenceOnOneProcess),
                     ("combined", combined), ("README example", readme), ("every optimizer", everyOptimizer)] as [(String, () throws -> Void)] {
    do { try body() } catch { check(name, false, "threw: \(error)") }
}

if rank == 0 { print("\(passed) passed, \(failed) failed") }
exit(failed == 0 ? 0 : 1)
