// swift-tools-version:6.0
// Throughput benchmarks, a package of their own so that users of the Descent library never
// resolve or build them. Run from this folder: `swift run -c release products` (or `make bench`).
import Foundation
import PackageDescription

// A path dependency's identity is its folder name, which depends on where the repository was cloned.
let descentIdentity = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().lastPathComponent.lowercased()

let package = Package(
    name: "DescentBenchmarks",
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "BenchmarkSupport"),
        .executableTarget(
            name: "products",
            dependencies: ["BenchmarkSupport", .product(name: "Descent", package: descentIdentity)]),
        // CSV and .npy reading speed against NumPy on the same files.
        .executableTarget(
            name: "data-read",
            dependencies: ["BenchmarkSupport", .product(name: "Descent", package: descentIdentity)]),
        // The learning-rate-free comparison behind docs/lr-free-experiment.md (`make experiment`).
        .executableTarget(
            name: "lr-free-experiment",
            dependencies: [.product(name: "Descent", package: descentIdentity)]),
        // One epoch of mini-batch SGD through the training loop, against NumPy/PyTorch/scikit-learn
        // (peers/, run-throughput.sh, docs/throughput.md).
        .executableTarget(
            name: "sgd-epoch",
            dependencies: [.product(name: "Descent", package: descentIdentity)]),
        // Sparse data: reading svmlight and one per-sample SGD epoch, against scikit-learn on CSR
        // (peers/sparse_peers.py, run-sparse.sh).
        .executableTarget(
            name: "sparse-sgd",
            dependencies: [.product(name: "Descent", package: descentIdentity)]),
    ]
)
