import Foundation
import Testing
import Descent
import _TestSupport

/// Data-parallel training without MPI: the processes are threads of a `LocalGroup` (the MPI build
/// runs the same scenarios across real processes in `DistributedChecks`). Truth: the
/// single-process trainer on the same data, and for sums, closed forms.
@Suite struct DataParallelTests {
    static func problem<T: BLASScalar>(_ n: Int, _ d: Int, seed: UInt64, as _: T.Type) throws -> Dataset<T> {
        try Integration.linear(samples: n, features: d, noise: 0.1, seed: seed, as: T.self)
    }

    static func rows<T: BLASScalar>(_ m: Matrix<T>, _ r: Range<Int>) -> Matrix<T> {
        var out = Matrix<T>(rows: r.count, cols: m.cols)
        m.gatherRows(Array(r), into: &out)
        return out
    }

    static func train<T: BLASScalar>(_ data: Dataset<T>, _ c: TrainingConfiguration, momentum: Double = 0.9,
                                     dataParallel: DataParallel?) throws -> TrainingResult<T> {
        let o = try SupervisedObjective(x: data.x, y: data.y, model: LinearModel<T>(inputs: data.featureCount, outputs: 1),
                                        loss: .squaredError, maximumBatchSize: c.batchSize.resolved(sampleCount: data.sampleCount), threads: 1)
        let sgd = try SGD<T>(parameterCount: o.parameterCount, momentum: momentum)
        return try Trainer(objective: o, optimizer: sgd, configuration: c,
                           initialParameters: [T](repeating: 0, count: o.parameterCount), dataParallel: dataParallel).run()
    }

    static func relative<T: BLASScalar>(_ a: [T], _ b: [T]) -> Double {
        zip(a, b).map { abs(Double($0) - Double($1)) }.max()! / b.map { abs(Double($0)) }.max()!
    }

    @Test(arguments: [1, 2, 3])
    func exactEqualsOneProcess(processes: Int) throws {
        let data = try Self.problem(900, 5, seed: 3, as: Double.self)
        let c = try TrainingConfiguration(epochs: 3, batchSize: .size(40), shuffle: .reshuffle, seed: 7, learningRate: 0.03)
        let single = try Self.train(data, c, dataParallel: nil)
        let results = LocalGroup(size: processes).run { comm in
            try Self.train(data, c, dataParallel: DataParallel(communicator: comm)).parameters
        }.map { try! $0.get() }
        #expect(Self.relative(results[0], single.parameters) <= 1e-12)
        for r in results { #expect(r == results[0]) }
    }

    @Test func exactFloatWithinRounding() throws {
        let data = try Self.problem(800, 4, seed: 5, as: Float.self)
        let c = try TrainingConfiguration(epochs: 2, batchSize: .size(32), seed: 1, learningRate: 0.03)
        let single = try Self.train(data, c, dataParallel: nil)
        let results = LocalGroup(size: 2).run { comm in
            try Self.train(data, c, dataParallel: DataParallel(communicator: comm)).parameters
        }.map { try! $0.get() }
        #expect(Self.relative(results[0], single.parameters) <= 1e-5)
        #expect(results[0] == results[1])
    }

    /// A group of one (`SingleProcess`) runs the data-parallel path and must compute exactly what the
    /// plain trainer does, in every mode (local SGD with one process averages one copy).
    @Test(arguments: [(DataParallel.Sharding.exact, DataParallel.Synchronization.everyStep),
                      (.sharded, .everyStep), (.exact, .averageEvery(4)), (.sharded, .averageEvery(1))])
    func singleProcessIsBitIdentical(sharding: DataParallel.Sharding, sync: DataParallel.Synchronization) throws {
        let data = try Self.problem(500, 4, seed: 9, as: Double.self)
        let c = try TrainingConfiguration(epochs: 3, batchSize: .size(20), seed: 2, learningRate: 0.05)
        let plain = try Self.train(data, c, dataParallel: nil)
        let one = try Self.train(data, c, dataParallel: DataParallel(communicator: SingleProcess(), sharding: sharding, synchronization: sync))
        #expect(one.parameters == plain.parameters)
    }

    @Test func shardedFullBatchEqualsGD() throws {
        let data = try Self.problem(600, 4, seed: 4, as: Double.self)
        let c = try TrainingConfiguration(epochs: 25, batchSize: .full, learningRate: 0.1)
        let single = try Self.train(data, c, momentum: 0.5, dataParallel: nil)
        let results = LocalGroup(size: 3).run { comm in
            let r = (comm.rank * 200)..<((comm.rank + 1) * 200)
            let own = try Dataset(x: Self.rows(data.x, r), y: Self.rows(data.y, r))
            return try Self.train(own, c, momentum: 0.5, dataParallel: DataParallel(communicator: comm, sharding: .sharded)).parameters
        }.map { try! $0.get() }
        #expect(Self.relative(results[0], single.parameters) <= 1e-12)
        #expect(results[1] == results[0] && results[2] == results[0])
    }

    @Test func shardedRulesThrowOnEveryProcess() throws {
        let data = try Self.problem(100, 3, seed: 1, as: Double.self)
        let c = try TrainingConfiguration(epochs: 1, batchSize: .size(33), learningRate: 0.1)
        for outcome in LocalGroup(size: 2).run({ comm in
            try Self.train(data, c, dataParallel: DataParallel(communicator: comm, sharding: .sharded))
        }) {
            #expect(throws: TrainingError.self) { try outcome.get() }
            if case .failure(let e) = outcome { #expect("\(e)".contains("not a multiple of 2")) }
        }
        let uneven = LocalGroup(size: 2).run { comm in
            let own = try Dataset(x: Self.rows(data.x, 0..<(comm.rank == 0 ? 50 : 49)), y: Self.rows(data.y, 0..<(comm.rank == 0 ? 50 : 49)))
            return try Self.train(own, TrainingConfiguration(epochs: 1, batchSize: .size(10), learningRate: 0.1),
                                  dataParallel: DataParallel(communicator: comm, sharding: .sharded))
        }
        for outcome in uneven {
            #expect(throws: TrainingError.self) { try outcome.get() }
        }
    }

    @Test func localSGDNeedsAveragableState() throws {
        let data = try Self.problem(100, 3, seed: 1, as: Double.self)
        let o = try SupervisedObjective(x: data.x, y: data.y, model: LinearModel<Double>(inputs: 3, outputs: 1),
                                        loss: .squaredError, maximumBatchSize: 10)
        let c = try TrainingConfiguration(epochs: 1, batchSize: .size(10), learningRate: 1)
        let dp = DataParallel(communicator: SingleProcess(), synchronization: .averageEvery(2))
        #expect(throws: TrainingError.self) {
            _ = try Trainer(objective: o, optimizer: try DoG<Double>(parameterCount: 4), configuration: c,
                            initialParameters: [Double](repeating: 0, count: 4), dataParallel: dp)
        }
        // Iterate averaging is an optimizer wrapper, whose state (the average) cannot be averaged either.
        #expect(throws: TrainingError.self) {
            _ = try Trainer(objective: o, optimizer: try PolynomialAveraging(SGD<Double>(parameterCount: 4), gamma: 0), configuration: c,
                            initialParameters: [Double](repeating: 0, count: 4), dataParallel: dp)
        }
    }

    @Test func initialParametersComeFromProcessZero() throws {
        let data = try Self.problem(64, 2, seed: 1, as: Double.self)
        let c = try TrainingConfiguration(epochs: 0, batchSize: .size(8), learningRate: 0.1)
        let results = LocalGroup(size: 2).run { comm in
            let o = try SupervisedObjective(x: data.x, y: data.y, model: LinearModel<Double>(inputs: 2, outputs: 1),
                                            loss: .squaredError, maximumBatchSize: 8, threads: 1)
            let start = [Double](repeating: Double(comm.rank + 1), count: 3)
            let t = try Trainer(objective: o, optimizer: try SGD<Double>(parameterCount: 3, learningRate: 0.1), configuration: c,
                                initialParameters: start, dataParallel: DataParallel(communicator: comm))
            return t.currentParameters
        }.map { try! $0.get() }
        #expect(results == [[1, 1, 1], [1, 1, 1]])
    }

    @Test func synchronizationText() throws {
        #expect(try DataParallel.Synchronization(parsing: "every-step") == .everyStep)
        #expect(try DataParallel.Synchronization(parsing: "average-every=16") == .averageEvery(16))
        for bad in ["average-every=0", "average-every=x", "sometimes", "average-every="] {
            #expect(throws: TrainingError.self) { try DataParallel.Synchronization(parsing: bad) }
        }
        #expect(DataParallel.Synchronization.averageEvery(3).description == "average-every=3")
    }

    @Test func sharesCoverEveryRow() {
        for n in [0, 1, 7, 64, 1001] {
            for size in 1...5 {
                let parts = (0..<size).map { DataParallel.share(of: n, rank: $0, size: size) }
                #expect(parts.first!.lowerBound == 0 && parts.last!.upperBound == n)
                for k in 1..<size { #expect(parts[k].lowerBound == parts[k - 1].upperBound) }
                #expect(parts.map(\.count).max()! - parts.map(\.count).min()! <= 1)
            }
        }
    }

    @Test func collectivesOverThreads() throws {
        let results = LocalGroup(size: 3).run { comm in
            var v = [Double(comm.rank), 1, 0.5]
            try comm.allreduceSum(&v)
            let gathered = try comm.allGather([Double(comm.rank) * 10])
            return (v, gathered.map { $0[0] }, try comm.allAgree(7), try comm.allAgree(UInt64(comm.rank)), try comm.any(comm.rank == 2))
        }.map { try! $0.get() }
        for r in results {
            #expect(r.0 == [3, 3, 1.5] && r.1 == [0, 10, 20] && r.2 && !r.3 && r.4)
        }
    }

    @Test func combinedMomentsAndEvaluation() throws {
        let data = try Self.problem(301, 4, seed: 6, as: Double.self)
        var whole = ColumnMoments(columnCount: 4)
        data.x.withView { whole.add($0) }
        let o = try SupervisedObjective(x: data.x, y: data.y, model: LinearModel<Double>(inputs: 4, outputs: 1),
                                        loss: .squaredError, maximumBatchSize: 32, threads: 1)
        let p = [0.5, -1, 2, 0.25, 1.5]
        let truth = o.evaluate(parameters: p)
        let results = LocalGroup(size: 3).run { comm in
            let r = DataParallel.share(of: 301, rank: comm.rank, size: 3)
            var mine = ColumnMoments(columnCount: 4)
            data.x.rows(r).withView { mine.add($0) }
            let local = try SupervisedObjective(x: data.x, y: data.y, model: LinearModel<Double>(inputs: 4, outputs: 1),
                                                loss: .squaredError, maximumBatchSize: 32, threads: 1)
            let e = try p.withUnsafeBufferPointer { try local.evaluate(parameters: $0, x: data.x.rows(r), y: data.y.rows(r), over: comm) }
            return (try mine.combined(over: comm), e)
        }.map { try! $0.get() }
        for (m, e) in results {
            #expect(m.count == 301)
            for j in 0..<4 {
                #expect(abs(m.means[j] - whole.means[j]) <= 1e-14)
                #expect(abs(m.variances[j] - whole.variances[j]) <= 1e-13 * whole.variances[j])
            }
            #expect(e.sampleCount == 301 && abs(e.loss - truth.loss) <= 1e-13 * truth.loss)
            #expect(abs(e.r2! - truth.r2!) <= 1e-13 && abs(e.rmse! - truth.rmse!) <= 1e-13 * truth.rmse!)
            #expect(e == results[0].1)
        }
    }
}

/// `TrainingSetup` in data-parallel runs: the processes compare what they read.
@Suite struct DataParallelSetupTests {
    static func csv(_ seed: UInt64) throws -> URL {
        var g = SeededGenerator(seed: seed)
        var text = "a,b,y\n"
        for _ in 0..<40 { text += "\(g.nextUnit()),\(g.nextUnit()),\(g.nextUnit())\n" }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("descent-setup-\(seed)-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// Exact sharding needs the same data on every process: different files stop both, same files pass.
    @Test func exactShardingChecksThatTheDataAgree() throws {
        let a = try Self.csv(1), b = try Self.csv(2)
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        let different = LocalGroup(size: 2).run { comm in
            try TrainingSetup<Double>(data: DataSpec(path: (comm.rank == 0 ? a : b).path), model: ModelSpec(),
                                      preparation: PreparationSpec(), dataParallel: DataParallel(communicator: comm)).dataDigest
        }
        for outcome in different {
            #expect(throws: TrainingDataError.self) { try outcome.get() }
        }
        let same = LocalGroup(size: 2).run { comm in
            try TrainingSetup<Double>(data: DataSpec(path: a.path), model: ModelSpec(),
                                      preparation: PreparationSpec(), dataParallel: DataParallel(communicator: comm)).dataDigest
        }.map { try! $0.get() }
        #expect(same[0] == same[1])
    }
}
