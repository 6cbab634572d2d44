import Foundation
import Testing
import Descent

/// `descent bench`: a benchmark can only be checked for its structure and for figures that are
/// positive and finite (no timing assertions).
@Suite struct BenchCommandTests {
    func positive(_ value: Any?, _ what: String) {
        let v = value as? Double
        #expect(v.map { $0.isFinite && $0 > 0 } == true, "\(what): \(String(describing: value))")
    }

    @Test func quickJSONHasEveryPathAndLimit() throws {
        let dir = try TempDirectory()
        let json = try CLI.json(["bench", "--quick", "--json", "--threads", "2"], in: dir.url)
        let environment = try #require(json["environment"] as? [String: Any])
        let core = environment["blasCore"] as? String, kernels = environment["rowKernels"] as? String
        let warning = environment["blasWarning"] as? String
        #expect(core == BLASRuntime.coreName)
        #expect(kernels == RowKernels.instructionSet)
        #expect(warning == BLASRuntime.kernelWarning)
        positive(json["seconds"], "seconds")

        let limits = try #require(json["limits"] as? [String: Any])
        let streaming = try #require(limits["streamingRead"] as? [String: Any])
        let rows = try #require(limits["shuffledRowRead"] as? [[String: Any]])
        let gemm = try #require(limits["gemm"] as? [[String: Any]])
        // Rows as wide as the per-sample (16 features) and main (64 features) problems, in float and double.
        let widths = rows.compactMap { $0["rowBytes"] as? Int }, gemmScalars = gemm.compactMap { $0["scalar"] as? String }
        #expect(widths == [64, 128, 256, 512])
        #expect(gemmScalars == ["float", "double"])
        for limit in [streaming] + rows + gemm {
            let measurements = try #require(limit["measurements"] as? [[String: Any]])
            let threads = measurements.compactMap { $0["threads"] as? Int }
            #expect(threads == [1, 2])
            for m in measurements { positive(m["value"], "limit \(limit)"); positive(m["seconds"], "limit \(limit)") }
        }

        let results = try #require(json["results"] as? [[String: Any]])
        // Per scalar: per sample (1 thread), 2 batch sizes × 2 threads, full batch × 2, multi-output × 2.
        let expectedCount = 2 * (1 + 4 + 2 + 2)
        #expect(results.count == expectedCount)
        var seen = Set<String>()
        for r in results {
            let path = try #require(r["path"] as? String), scalar = try #require(r["scalar"] as? String)
            seen.insert("\(path) \(scalar)")
            for key in ["medianEpochSeconds", "samplesPerSecond", "gigabytesPerSecond", "percentOfLimit"] {
                positive(r[key], "\(path) \(scalar) \(key)")
            }
            let loss = r["finalLoss"] as? Double, epochs = r["epochSeconds"] as? [Double]
            #expect(loss?.isFinite == true)
            #expect(epochs?.count == 1)
            let limit = try #require(r["limit"] as? [String: Any], "\(path) has no limit")
            positive(limit["value"], "\(path) limit")
            let limitThreads = limit["threads"] as? Int, threads = r["threads"] as? Int
            #expect(limitThreads == threads)
            if path == "multi-output" {
                positive(r["gflopsPerSecond"], "multi-output GFLOP/s")
                let unit = limit["unit"] as? String
                #expect(unit == "GFLOP/s")
            } else {
                let unit = limit["unit"] as? String
                #expect(r["gflopsPerSecond"] == nil)
                #expect(unit == "GB/s")
            }
        }
        let paths = ["per-sample", "mini-batch", "full-batch", "multi-output"]
        let expected = Set(paths.map { "\($0) float" } + paths.map { "\($0) double" })
        #expect(seen == expected)
    }

    @Test func quickTextPrintsBothTables() throws {
        let dir = try TempDirectory()
        let r = try CLI.run(["bench", "--quick", "--threads", "1", "--dtype", "float", "--paths", "mini-batch,full-batch"], in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("OpenBLAS core \(BLASRuntime.coreName), row kernels \(RowKernels.instructionSet)"))
        #expect(r.stdout.contains("machine limits") && r.stdout.contains("streaming read") && r.stdout.contains("shuffled rows 256 B"))
        #expect(!r.stdout.contains("sgemm"), "no multi-output path, no gemm limit")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("mini-batch") }.count == 2)
        #expect(lines.filter { $0.hasPrefix("full-batch") }.count == 1)
        #expect(!r.stdout.contains("per-sample") && !r.stdout.contains("double"))
    }

    @Test func badOptionsAreOneErrorLine() throws {
        let dir = try TempDirectory()
        for args in [["--paths", "sideways"], ["--batch-sizes", "32,x"], ["--threads", "0"], ["--size", "0"]] {
            let r = try CLI.run(["bench"] + args, in: dir.url)
            #expect(r.status == 1, "\(args): \(r.status)")
            #expect(r.stdout.isEmpty)
            #expect(r.stderr.split(separator: "\n").filter { $0.hasPrefix("error: ") }.count == 1, "\(args): \(r.stderr)")
        }
    }

    @Test func helpHasExamples() throws {
        let dir = try TempDirectory()
        let r = try CLI.run(["bench", "--help"], in: dir.url)
        #expect(r.status == 0)
        #expect(r.stdout.contains("Examples:") && r.stdout.contains("descent bench --quick --json"))
    }
}
