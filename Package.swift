// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Descent",
    products: [
        .library(name: "Descent", targets: ["Descent"]),
        .executable(name: "descent", targets: ["DescentCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
    ],
    targets: [
        // MARK: System libraries (Modules/)
        .systemLibrary(
            name: "CBLAS", path: "Modules/CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CLAPACKE", path: "Modules/CLAPACKE", pkgConfig: "lapacke",
            providers: [.apt(["liblapacke-dev"])]),

        // Row kernels of the fused training step, built for several instruction sets (C, see kernels.c).
        .target(name: "CKernels"),

        // MARK: Layers: BLAS -> Matrix -> objectives -> optimizers/schedules -> training
        .target(
            name: "LinearAlgebra",
            dependencies: ["CBLAS", "CLAPACKE", "CKernels", .product(name: "RealModule", package: "swift-numerics"),
                           .product(name: "Atomics", package: "swift-atomics")]),
        .target(name: "Optimizers", dependencies: ["LinearAlgebra"]),
        .target(name: "Schedules"),
        .target(name: "Training", dependencies: ["LinearAlgebra", "Optimizers", "Schedules"]),
        .target(name: "DataFiles", dependencies: ["LinearAlgebra"]),
        .target(name: "Descent", dependencies: ["LinearAlgebra", "Optimizers", "Schedules", "Training", "DataFiles"]),

        // MARK: Command line
        .executableTarget(
            name: "DescentCLI",
            dependencies: ["Descent", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // MARK: Tests
        .target(name: "_TestSupport", dependencies: ["Descent"], path: "Sources/_TestSupport"),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["Descent", "_TestSupport"]),
        .testTarget(name: "OptimizerTests", dependencies: ["Descent", "_TestSupport"]),
        .testTarget(name: "ScheduleTests", dependencies: ["Descent", "_TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Descent", "_TestSupport"]),
        .testTarget(name: "DataFilesTests", dependencies: ["Descent", "_TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "CLITests", dependencies: ["Descent", "_TestSupport"]),
    ]
)
