import Testing
import Descent

/// `BatchSampler.batchesPerEpoch(sampleCount:batchSize:dropLast:)` (what the command line uses to
/// size schedules before a sampler exists) agrees with the batches a sampler really yields.
struct BatchCountTests {
    @Test func staticCountMatchesTheSampler() {
        for n in [0, 1, 7, 32, 33, 100] {
            for b in [1, 3, 32, 500] {
                for dropLast in [false, true] {
                    let sampler = BatchSampler(sampleCount: n, batchSize: b, mode: .none, dropLast: dropLast, seed: 1)
                    let count = BatchSampler.batchesPerEpoch(sampleCount: n, batchSize: b, dropLast: dropLast)
                    #expect(count == sampler.batchesPerEpoch, "n \(n) b \(b) dropLast \(dropLast)")
                    // Hand count: the batches tile the samples, each full but perhaps the last.
                    let sizes = (0..<count).map { sampler.positions($0).count }
                    let batch = min(b, max(n, 1))
                    #expect(sizes.allSatisfy { $0 >= 1 && $0 <= batch })
                    #expect(sizes.reduce(0, +) == (dropLast ? n - n % batch : n))
                }
            }
        }
    }
}
