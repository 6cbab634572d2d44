import Foundation
import Testing
import Descent
import _TestSupport

/// Library conveniences: a batch iterates as its sample indices, array entry points of an
/// objective, the run's update count for schedules, and the trainer's own range test.
struct ConvenienceTests {
    static func linear(_ data: Dataset<Double>, batch: Int = 64) throws -> SupervisedObjective<Double> {
        try SupervisedObjective(x: data.x, y: data.y, model: LinearModel<Double>(inputs: data.featureCount, outputs: 1),
                                loss: .squaredError, maximumBatchSize: batch, threads: 1)
    }

    @Test func batchIteratesItsIndices() {
        #expect(Array(Batch.rows(3..<7)) == [3, 4, 5, 6])
        let shuffled = [9, 2, 5]
        shuffled.withUnsafeBufferPointer { #expect(Array(Batch.indices($0)) == [9, 2, 5]) }
        #expect(Array(Batch.rows(0..<0)).isEmpty)
    }

    @Test func arrayEntryPointsMatchThePointerOnes() throws {
        var objective = try Self.linear(Integration.linear(samples: 50, features: 3, noise: 0.1, seed: 4, as: Double.self))
        let p = [0.5, -0.25, 1, 0.1]
        var g1 = [Double](repeating: 0, count: 4)
        let l1 = try objective.lossAndGradient(parameters: p, gradient: &g1, batch: .rows(10..<30))
        var g2 = [Double](repeating: 0, count: 4)
        let l2 = try p.withUnsafeBufferPointer { pp in
            try g2.withUnsafeMutableBufferPointer { try objective.lossAndGradient(parameters: pp, gradient: $0, batch: .rows(10..<30)) }
        }
        #expect(l1 == l2 && g1 == g2)
        let (whole, g) = try objective.lossAndGradient(parameters: p)
        #expect(abs(whole - objective.evaluate(parameters: p).loss) <= 1e-12 * whole)
        #expect(g.count == 4)
    }

    @Test func totalUpdatesForSchedules() throws {
        let c = try TrainingConfiguration(epochs: 3, batchSize: .size(32), learningRate: 0.1)
        #expect(c.updatesPerEpoch(sampleCount: 100) == 4 && c.totalUpdates(sampleCount: 100) == 12)
        var d = c; d.dropLast = true
        #expect(d.totalUpdates(sampleCount: 100) == 9)
        var f = c; f.batchSize = .full
        #expect(f.totalUpdates(sampleCount: 100) == 3)
    }

    /// `trainer.rangeTest` is `LRRangeTest.run` on the trainer's pieces and changes nothing.
    @Test func trainerRangeTest() throws {
        let data = try Integration.linear(samples: 400, features: 3, noise: 0.1, seed: 8, as: Double.self)
        let c = try TrainingConfiguration(epochs: 2, batchSize: .size(16), seed: 3, learningRate: 0.05)
        let sgd = try SGD<Double>(parameterCount: 4, momentum: 0.9)
        let trainer = try Trainer(objective: Self.linear(data), optimizer: sgd, configuration: c, initialParameters: [0, 0, 0, 0])
        _ = try trainer.run()
        let before = trainer.state
        let test = try LRRangeTest(sweep: LRSweep(start: 1e-4, end: 1, iterations: 40))
        let result = try trainer.rangeTest(test)
        #expect(trainer.state == before)
        var o = try Self.linear(data), opt = sgd
        try opt.restore(before.optimizer)
        var sampler = BatchSampler(sampleCount: 400, batchSize: 16, mode: .reshuffle, seed: 3)
        try sampler.restore(before.sampler)
        var p = before.parameters
        let direct = try test.run(objective: &o, optimizer: &opt, parameters: &p, sampler: &sampler)
        #expect(result.rawLosses == direct.rawLosses && result.learningRates == direct.learningRates)
    }
}
