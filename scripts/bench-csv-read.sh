#!/usr/bin/env bash
# Measures CSVReader throughput (MB/s) and .npy read speed in release mode.
# Usage: scripts/bench-csv-read.sh [rows]   (default 1,000,000 rows × 11 columns ≈ 213 MB of CSV)
# Builds a throw-away package in a temporary directory that depends on this repository by path.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/Sources/csvbench"
cat > "$work/Package.swift" <<SWIFT
// swift-tools-version:6.0
import PackageDescription
let package = Package(
    name: "csvbench",
    dependencies: [.package(path: "$repo")],
    targets: [.executableTarget(name: "csvbench", dependencies: [.product(name: "Descent", package: "$(basename "$repo")")])]
)
SWIFT
cat > "$work/Sources/csvbench/main.swift" <<'SWIFT'
import Foundation
import Descent

let rows = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 1_000_000
let dir = URL(fileURLWithPath: CommandLine.arguments[2])
let url = dir.appendingPathComponent("bench.csv")
var g = SeededGenerator(seed: 1)
var text = (0..<10).map { "x\($0)" }.joined(separator: ",") + ",y\n"
for _ in 0..<rows {
    for j in 0..<11 { text += String(format: "%.17g", (2 * g.nextUnit() - 1) * 100); text += j == 10 ? "\n" : "," }
}
try Data(text.utf8).write(to: url)
let megabytes = Double(text.utf8.count) / 1e6
for trial in 0..<3 {
    let t0 = Date()
    let table = try CSVReader.read(url, as: Double.self)
    let dt = Date().timeIntervalSince(t0)
    print(String(format: "csv trial %d: %.1f MB in %.3f s = %.1f MB/s (%d×%d features)", trial, megabytes, dt, megabytes / dt,
                 table.features.rows, table.features.cols))
}
let m = try CSVReader.read(url, as: Double.self).features
let npy = dir.appendingPathComponent("bench.npy")
try NPYFile.write(m, to: npy)
let t0 = Date()
let back = try NPYFile.read(npy, as: Double.self)
let dt = Date().timeIntervalSince(t0)
print(String(format: "npy read: %.1f MB in %.3f s = %.0f MB/s (identical: %@)", Double(m.count * 8) / 1e6, dt,
             Double(m.count * 8) / 1e6 / dt, back == m ? "yes" : "no"))
SWIFT
(cd "$work" && swift build -c release >/dev/null && ./.build/release/csvbench "${1:-1000000}" "$work")
