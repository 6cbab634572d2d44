import Testing
import Descent

/// The benchmark library: what runs, what is compared with what (figures only checked positive and
/// finite: nothing about speed can be asserted).
@Suite struct BenchmarkTests {
    @Test func quickReportCoversEveryConfiguration() throws {
        let settings = BenchmarkSettings(threads: 2, quick: true)
        var limitsSeen: MachineLimits?
        var streamed: [ThroughputResult] = []
        let report = try BenchmarkReport.measure(settings, onLimits: { limitsSeen = $0 }, onResult: { streamed.append($0) })
        #expect(limitsSeen == report.limits)
        #expect(streamed == report.results)
        #expect(report.limitSettings == settings.limits)
        #expect(report.limits.shuffledRowRead.map(\.rowBytes) == [64, 128, 256, 512])
        #expect(report.limits.gemm.map(\.scalar) == [.float, .double])
        let t = settings.throughput
        #expect(report.results.count == 2 * (1 + t.batchSizes.count * 2 + 2 + 2))
        for r in report.results {
            #expect(r.samplesPerSecond > 0 && r.samplesPerSecond.isFinite)
            #expect(r.epochSeconds.count == t.epochs && r.finalLoss.isFinite)
            let limit = try #require(r.limit)
            #expect(limit.threads == r.threads)
            let measured = r.path == .multiOutput ? try #require(r.gflopsPerSecond) : r.gigabytesPerSecond
            #expect(abs(try #require(r.percentOfLimit) - 100 * measured / limit.value) < 1e-9)
            switch r.path {
            case .perSample:
                #expect(r.threads == 1 && r.batchSize == 1 && r.features == t.perSampleFeatures)
                #expect(limit.name == "shuffled rows \(ByteCountText.format(t.perSampleFeatures * r.scalar.byteCount))")
            case .miniBatch:
                #expect(limit.name == "shuffled rows \(ByteCountText.format(t.features * r.scalar.byteCount))")
            case .fullBatch:
                #expect(r.batchSize == t.rows && limit.name == "streaming read")
            case .multiOutput:
                #expect(r.outputs == t.multiOutputs && limit.name == r.scalar.gemmName)
            }
        }
    }

    @Test func pathsAndPrecisionsCanBeChosen() throws {
        var settings = BenchmarkSettings(threads: 1, scalars: [.double], quick: true)
        settings.throughput.paths = [.fullBatch]
        #expect(settings.limits.rowBytes.isEmpty && settings.limits.gemmScalars.isEmpty)
        let report = try BenchmarkReport.measure(settings)
        #expect(report.results.map(\.path) == [.fullBatch])
        #expect(report.results.map(\.scalar) == [.double])
    }

    @Test func settingsOutOfRangeAreRefused() {
        var settings = BenchmarkSettings(threads: 1, quick: true)
        settings.throughput.batchSizes = [0]
        #expect(throws: BenchmarkError.self) { try BenchmarkReport.measure(settings) }
        settings = BenchmarkSettings(threads: 1, quick: true)
        settings.arrayBytes = 100
        #expect(throws: BenchmarkError.self) { try MachineLimits.measure(settings.limits) }
    }

    @Test func byteCounts() {
        #expect(ByteCountText.format(400) == "400 B")
        #expect(ByteCountText.format(1024) == "1 KiB")
        #expect(ByteCountText.format(1536) == "1.5 KiB")
        #expect(ByteCountText.format(1 << 30) == "1 GiB")
    }
}
