import Testing
import Descent
import _TestSupport

/// The range test against torch-lr-finder 0.2.2 itself (golden numbers from
/// scripts/reference/lr_finder_torch.py in LRFinderTorchGolden.swift): full-batch least squares,
/// SGD with momentum 0.9 (PyTorch's convention = `TestMomentumSGD`), exp and linear spacing,
/// torch-lr-finder's undebiased smoothing (weight 0.05) and 5× divergence stop. Its recorded rates,
/// smoothed losses and stopping row must match ours.
struct LRFinderTorchGoldenTests {
    func matchesTorchLRFinder<T: BLASScalar>(_: T.Type) throws {
        let tol = T.self == Float.self ? 2e-4 : 1e-10
        for c in LRFinderTorchGolden.cases {
            let sweep = try LRSweep(start: c.start, end: c.end, iterations: c.iterations, spacing: c.exponential ? .exponential : .linear)
            let test = try LRRangeTest(sweep: sweep, smoothing: .undebiasedEMA(weight: c.smoothWeight), divergenceThreshold: c.divergeThreshold)
            var objective = TestLeastSquares<T>(a: LRFinderTorchGolden.a, b: LRFinderTorchGolden.b)
            var optimizer = TestMomentumSGD<T>(parameterCount: 3, momentum: c.momentum)
            var sampler = BatchSampler(sampleCount: 8, batchSize: 8, mode: .none, seed: 1)
            var w = LRFinderTorchGolden.w0.map { T($0) }
            let r = try test.run(objective: &objective, optimizer: &optimizer, parameters: &w, sampler: &sampler)

            #expect(r.learningRates.count == c.lrs.count, "\(c.name): \(r.learningRates.count) rows, torch-lr-finder \(c.lrs.count)")
            #expect(r.smoothedLosses.count == c.smoothedLosses.count,
                    "\(c.name): \(r.smoothedLosses.count) smoothed losses, torch-lr-finder \(c.smoothedLosses.count)")
            #expect((r.stop == .completed) == (c.lrs.count == c.iterations), "\(c.name): \(r.stop)")
            for (k, (ours, theirs)) in zip(r.learningRates, c.lrs).enumerated() {
                #expect(isRelativelyClose(ours, theirs, 1e-13), "\(c.name) row \(k): lr \(ours) vs \(theirs)")
            }
            for (k, (ours, theirs)) in zip(r.smoothedLosses, c.smoothedLosses).enumerated() {
                #expect(isRelativelyClose(ours, theirs, tol), "\(c.name) row \(k): smoothed loss \(ours) vs \(theirs)")
            }
        }
    }

    @Test func matchesTorchLRFinderFloat() throws { try matchesTorchLRFinder(Float.self) }
    @Test func matchesTorchLRFinderDouble() throws { try matchesTorchLRFinder(Double.self) }
}
