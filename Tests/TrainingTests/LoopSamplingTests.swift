import Testing
import Descent
import _TestSupport

/// Which samples each update sees, read back from a recording objective.
struct LoopSamplingTests {
    func run<T: BLASScalar>(_: T.Type, shuffle: ShuffleMode, batch: Int, dropLast: Bool = false, seed: UInt64,
                            epochs: Int = 3) throws -> (seen: [[Int]], result: TrainingResult<T>) {
        let problem = try LoopProblem<T>(rows: 20, features: 2, noise: 0.1, seed: 21)
        let config = try TrainingConfiguration(epochs: epochs, batchSize: .size(batch), shuffle: shuffle,
                                           dropLast: dropLast, seed: seed, learningRate: 0.1)
        let trainer = try Trainer(objective: problem.objective(recording: true),
                                  optimizer: PlainGradientStep<T>(parameterCount: 3),
                                  configuration: config, initialParameters: [0, 0, 0])
        let result = try trainer.run()
        return (trainer.objective.seenBatches, result)
    }

    func seeds<T: BLASScalar>(_: T.Type) throws {
        let a = try run(T.self, shuffle: .reshuffle, batch: 6, seed: 1)
        let b = try run(T.self, shuffle: .reshuffle, batch: 6, seed: 1)
        let c = try run(T.self, shuffle: .reshuffle, batch: 6, seed: 2)
        #expect(a.seen == b.seen)
        #expect(a.result.parameters == b.result.parameters)   // same seed: the very same run
        #expect(a.seen != c.seen)
        // Every epoch is a permutation of all samples: 4 batches (6, 6, 6, 2) covering 0..<20 once.
        for e in 0..<3 {
            let epoch = a.seen[(4 * e)..<(4 * e + 4)]
            #expect(epoch.map(\.count) == [6, 6, 6, 2])
            #expect(epoch.flatMap { $0 }.sorted() == Array(0..<20))
        }
        // Reshuffling: the epochs' orders differ.
        #expect(a.seen[0..<4].flatMap { $0 } != a.seen[4..<8].flatMap { $0 })
    }

    @Test func sameSeedSameRunOtherSeedOtherOrderDouble() throws { try seeds(Double.self) }
    @Test func sameSeedSameRunOtherSeedOtherOrderFloat() throws { try seeds(Float.self) }

    @Test func shuffleNoneUsesFileOrder() throws {
        let r = try run(Double.self, shuffle: .none, batch: 8, seed: 9)
        let epoch = [Array(0..<8), Array(8..<16), Array(16..<20)]
        #expect(r.seen == epoch + epoch + epoch)
    }

    @Test func shuffleOnceKeepsOnePermutation() throws {
        let r = try run(Double.self, shuffle: .once, batch: 8, seed: 9)
        let first = Array(r.seen[0..<3])
        #expect(first.flatMap { $0 }.sorted() == Array(0..<20))
        #expect(first.flatMap { $0 } != Array(0..<20))
        #expect(Array(r.seen[3..<6]) == first && Array(r.seen[6..<9]) == first)
    }

    func dropLast<T: BLASScalar>(_: T.Type) throws {
        let r = try run(T.self, shuffle: .reshuffle, batch: 8, dropLast: true, seed: 5)
        #expect(r.seen.count == 6)                       // 2 full batches per epoch, the 4 left over skipped
        #expect(r.seen.allSatisfy { $0.count == 8 })
        for e in 0..<3 { #expect(Set(r.seen[2 * e] + r.seen[2 * e + 1]).count == 16) }
        #expect(r.result.steps == 6)
        #expect(r.result.history.allSatisfy { $0.samples == 16 })
        let kept = try run(T.self, shuffle: .none, batch: 8, dropLast: false, seed: 5)
        #expect(kept.seen.count == 9 && kept.result.history.allSatisfy { $0.samples == 20 })
    }

    @Test func dropLastDouble() throws { try dropLast(Double.self) }
    @Test func dropLastFloat() throws { try dropLast(Float.self) }

    @Test func fullBatchIsOneRowRangePerEpoch() throws {
        for mode in ShuffleMode.allCases {
            let r = try run(Double.self, shuffle: mode, batch: 1000, seed: 1)
            #expect(r.seen == [Array(0..<20), Array(0..<20), Array(0..<20)], "\(mode)")
        }
    }
}
