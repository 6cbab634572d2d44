import Testing
import Descent

/// The benchmark library: what runs, what is compared with what (figures only checked positive and
/// finite: nothing about speed can be asserted). A measurement sets OpenBLAS's thread count, which
/// is unsafe while other tests run BLAS calls, so those tests run in a child process.
@Suite struct BenchmarkTests {
    @Test func quickReportCoversEveryConfiguration() async {
        await #expect(processExitsWith: .success) {
            let settings = BenchmarkSettings(threads: 2, quick: true)
            var limitsSeen: MachineLimits?
            var streamed: [ThroughputResult] = []
            let report = try BenchmarkReport.measure(settings, onLimits: { limitsSeen = $0 }, onResult: { streamed.append($0) })
            precondition(limitsSeen == report.limits && streamed == report.results, "the callbacks saw what the report holds")
            precondition(report.limitSettings == settings.limits)
            precondition(report.limits.shuffledRowRead.map(\.rowBytes) == [64, 128, 256, 512], "\(report.limits.shuffledRowRead)")
            precondition(report.limits.gemm.map(\.scalar) == [.float, .double])
            let t = settings.throughput
            precondition(report.results.count == 2 * (1 + t.batchSizes.count * 2 + 2 + 2), "\(report.results.count) results")
            for r in report.results {
                precondition(r.samplesPerSecond > 0 && r.samplesPerSecond.isFinite, "\(r)")
                precondition(r.epochSeconds.count == t.epochs && r.finalLoss.isFinite, "\(r)")
                guard let limit = r.limit, let percent = r.percentOfLimit else { preconditionFailure("no limit: \(r)") }
                precondition(limit.threads == r.threads, "\(r)")
                let measured = r.path == .multiOutput ? r.gflopsPerSecond! : r.gigabytesPerSecond
                precondition(abs(percent - 100 * measured / limit.value) < 1e-9, "\(r)")
                switch r.path {
                case .perSample:
                    precondition(r.threads == 1 && r.batchSize == 1 && r.features == t.perSampleFeatures, "\(r)")
                    precondition(limit.name == "shuffled rows \(ByteCountText.format(t.perSampleFeatures * r.scalar.byteCount))")
                case .miniBatch:
                    precondition(limit.name == "shuffled rows \(ByteCountText.format(t.features * r.scalar.byteCount))")
                case .fullBatch:
                    precondition(r.batchSize == t.rows && limit.name == "streaming read", "\(r)")
                case .multiOutput:
                    precondition(r.outputs == t.multiOutputs && limit.name == r.scalar.gemmName, "\(r)")
                }
            }
        }
    }

    @Test func pathsAndPrecisionsCanBeChosen() async {
        var settings = BenchmarkSettings(threads: 1, scalars: [.double], quick: true)
        settings.throughput.paths = [.fullBatch]
        #expect(settings.limits.rowBytes.isEmpty && settings.limits.gemmScalars.isEmpty)
        await #expect(processExitsWith: .success) {
            var settings = BenchmarkSettings(threads: 1, scalars: [.double], quick: true)
            settings.throughput.paths = [.fullBatch]
            let report = try BenchmarkReport.measure(settings)
            precondition(report.results.map(\.path) == [.fullBatch] && report.results.map(\.scalar) == [.double], "\(report.results)")
            precondition(report.limits.shuffledRowRead.isEmpty && report.limits.gemm.isEmpty)
        }
    }

    /// Settings are checked before anything is measured (so this runs in the test process).
    @Test func settingsOutOfRangeAreRefused() {
        var settings = BenchmarkSettings(threads: 1, quick: true)
        settings.throughput.batchSizes = [0]
        #expect(throws: BenchmarkError.self) { try BenchmarkReport.measure(settings) }
        settings = BenchmarkSettings(threads: 1, quick: true)
        settings.arrayBytes = 100
        #expect(throws: BenchmarkError.self) { try MachineLimits.measure(settings.limits) }
        settings = BenchmarkSettings(threads: 1, quick: true)
        settings.throughput.momentum = 1
        #expect(throws: BenchmarkError.self) { try ThroughputBenchmark.run(settings.throughput, limits: nil) }
    }

    @Test func byteCounts() {
        #expect(ByteCountText.format(400) == "400 B")
        #expect(ByteCountText.format(1024) == "1 KiB")
        #expect(ByteCountText.format(1536) == "1.5 KiB")
        #expect(ByteCountText.format(1 << 30) == "1 GiB")
    }
}
