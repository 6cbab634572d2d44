// CSV and .npy reading speed, against the same files read by NumPy in the same run.
//
//   swift run -c release data-read [rows]     (default 500 000 rows × 11 columns, ≈ 107 MB of CSV)
//
// Writes a CSV of random 17-significant-digit doubles (a header, 10 features, 1 target) and the
// same matrix as .npy to a temporary folder, then times (median of 3) Descent's `CSVReader` and
// `NPYFile.read` and, when python3 with numpy is installed, `numpy.loadtxt` and `numpy.load` on the
// same files. Ratio > 1 means Descent is faster. Also reports raw file-read bandwidth as the limit.
import BenchmarkSupport
import Descent
import Foundation

let rows = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 500_000 : 500_000
let dir = FileManager.default.temporaryDirectory.appendingPathComponent("descent-data-read-\(getpid())")
try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: dir) }
let csv = dir.appendingPathComponent("bench.csv"), npy = dir.appendingPathComponent("bench.npy")

var g = SeededGenerator(seed: 1)
var text = (0..<10).map { "x\($0)" }.joined(separator: ",") + ",y\n"
text.reserveCapacity(rows * 11 * 22)
for _ in 0..<rows {
    for j in 0..<11 {
        text += String(format: "%.17g", (2 * g.nextUnit() - 1) * 100)
        text += j == 10 ? "\n" : ","
    }
}
try Data(text.utf8).write(to: csv)
let csvMB = Double(text.utf8.count) / 1e6
text = ""

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    var out: [Double] = []
    for _ in 0..<3 {
        let d = try clock.measure(body)
        out.append(Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
    }
    return out.sorted()[1]
}

var table: CSVTable<Double>? = nil
let rawRead = seconds { blackHole(try! Data(contentsOf: csv).count) }
let csvTime = try seconds { table = try CSVReader.read(csv, as: Double.self) }
var all = table!.features
// The .npy holds features and target side by side (n × 11).
all = Matrix(rows: all.rows, cols: 11) { i, j in j < 10 ? table!.features[i, j] : table!.targets[i, 0] }
try NPYFile.write(all, to: npy)
let npyMB = Double(all.count * 8) / 1e6
let npyTime = try seconds { blackHole(try NPYFile.read(npy, as: Double.self).count) }

/// Runs numpy on the same file and returns its median seconds, or nil when numpy is unavailable.
func numpySeconds(_ statement: String) -> Double? {
    let script = """
    import sys, time, statistics
    import numpy as np
    ts = []
    for _ in range(3):
        t = time.perf_counter(); a = \(statement); ts.append(time.perf_counter() - t)
    print(statistics.median(ts))
    """
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", script]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    guard (try? p.run()) != nil else { return nil }
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { return nil }
    let s = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return Double(s.trimmingCharacters(in: .whitespacesAndNewlines))
}
let npCSV = numpySeconds("np.loadtxt('\(csv.path)', delimiter=',', skiprows=1)")
let npNPY = numpySeconds("np.load('\(npy.path)')")

func row(_ what: String, _ mb: Double, _ ours: Double, _ peer: Double?) {
    let peerText = peer.map { fmt(mb / $0) } ?? "n/a"
    let ratio = peer.map { fmt($0 / ours) } ?? "n/a"
    print("| \(what) | \(fmt(mb)) | \(fmt(mb / ours)) | \(peerText) | \(ratio) |")
}
print("\(rows) rows × 11 columns; median of 3; raw read of the CSV file: \(fmt(csvMB / rawRead)) MB/s (the limit)\n")
print("| read | MB | Descent MB/s | NumPy MB/s | Descent / NumPy speed |")
print("|---|---|---|---|---|")
row("CSV → Matrix<Double> (NumPy: loadtxt)", csvMB, csvTime, npCSV)
row(".npy f8 → Matrix<Double> (NumPy: load)", npyMB, npyTime, npNPY)
