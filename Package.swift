// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Descent",
    // ContinuousClock and the Clock API need macOS 13; Linux is implied.
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Descent", targets: ["Descent"]),
        .executable(name: "descent", targets: ["DescentCLI"]),
    ],
    traits: [
        .trait(name: "MPI", description: "Data-parallel training over MPI (needs libopenmpi-dev and openmpi-bin, or MPICH)"),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        // `make docs`: the DocC catalog Sources/Descent/Descent.docc (a command plugin; nothing links it).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // MARK: System libraries (Modules/)
        .systemLibrary(
            name: "CBLAS", path: "Modules/CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CLAPACKE", path: "Modules/CLAPACKE", pkgConfig: "lapacke",
            providers: [.apt(["liblapacke-dev"])]),
        // zlib's inflate and crc32, for the deflated members of .npz archives (NPZSparseReader).
        .systemLibrary(
            name: "CZlib", path: "Modules/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        // Only looked at with the MPI trait; `mpi-c` follows the system's MPI choice (Open MPI on Debian).
        .systemLibrary(
            name: "CMPI", path: "Modules/CMPI", pkgConfig: "mpi-c",
            providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),

        // Row kernels of the fused training step, built for several instruction sets (C, see kernels.c).
        .target(name: "CKernels"),

        // MARK: Layers: BLAS -> Matrix -> objectives -> optimizers/schedules -> training
        // Collective operations between training processes (no dependencies; MPI is one implementation).
        .target(name: "Collective"),
        .target(
            name: "LinearAlgebra",
            dependencies: ["Collective", "CBLAS", "CLAPACKE", "CKernels", .product(name: "RealModule", package: "swift-numerics"),
                           .product(name: "Atomics", package: "swift-atomics")]),
        // Hyper-parameter requirements and their messages, shared by optimizers and schedules (no dependencies).
        .target(name: "Validation"),
        .target(name: "Optimizers", dependencies: ["LinearAlgebra", "Validation"], plugins: ["OptimizerRegistryPlugin"]),
        .target(name: "Schedules", dependencies: ["Validation"]),
        .target(name: "Training", dependencies: ["Collective", "LinearAlgebra", "CKernels", "Optimizers", "Schedules"]),
        .target(name: "DataFiles", dependencies: ["LinearAlgebra", "CZlib"]),
        // MPICommunicator; every file is inside `#if MPI`, so without the trait this target is empty.
        .target(name: "DescentMPI",
                dependencies: ["Collective", .target(name: "CMPI", condition: .when(traits: ["MPI"]))]),
        .target(name: "Descent", dependencies: ["Collective", "LinearAlgebra", "Validation", "Optimizers", "Schedules", "Training", "DataFiles",
                                                .target(name: "DescentMPI", condition: .when(traits: ["MPI"]))]),

        // MARK: Build tools
        // Writes OptimizerRegistry's list from the OptimizerSpec conformers of Optimizers before it compiles.
        .plugin(name: "OptimizerRegistryPlugin", capability: .buildTool(), dependencies: ["OptimizerRegistryScanner"]),
        .executableTarget(name: "OptimizerRegistryScanner", path: "Plugins/OptimizerRegistryScanner"),

        // MARK: Command line
        .executableTarget(
            name: "DescentCLI",
            dependencies: ["Descent", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // The distributed checks, run under `mpirun -np 2` by .ci/run (prints "N passed, M failed").
        .executableTarget(name: "DistributedChecks", dependencies: ["Descent", "_TestSupport"]),

        // MARK: Tests
        .target(name: "_TestSupport", dependencies: ["Descent"], path: "Sources/_TestSupport"),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["Descent", "_TestSupport", "_AllocationCounter"]),
        // Counts the heap allocations of a thread (for the no-allocation-in-step checks).
        .target(name: "_AllocationCounter", path: "Tests/_AllocationCounter"),
        .testTarget(name: "OptimizerTests", dependencies: ["Descent", "_TestSupport", "_AllocationCounter"]),
        .testTarget(name: "ScheduleTests", dependencies: ["Descent", "_TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Descent", "_TestSupport", "_AllocationCounter"]),
        .testTarget(name: "DataFilesTests", dependencies: ["Descent", "_TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "CLITests", dependencies: ["Descent", "_TestSupport"]),
    ]
)
