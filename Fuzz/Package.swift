// swift-tools-version:5.4
// libFuzzer targets for Descent's readers and parsers, a package of their own (like Benchmarks/) so
// that users of the library never resolve or build them. Build and run with `make fuzz` (Fuzz/run.sh);
// docs/fuzzing.md says how it works and what it found.
//
// Each target is an executable whose entry point is `LLVMFuzzerTestOneInput` (no `main`: libFuzzer
// supplies it), so the targets are compiled with `-parse-as-library`. The sanitizers are not set
// here: run.sh passes `-sanitize=fuzzer,address` to every Swift module (this package's and Descent's,
// so that the library's code carries the coverage instrumentation) and the matching clang flags to
// the C targets.
import Foundation
import PackageDescription

// A path dependency's identity is its folder name, which depends on where the repository was cloned.
let descentIdentity = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().lastPathComponent.lowercased()
let descent = Target.Dependency.product(name: "Descent", package: descentIdentity)

let fuzzTargets = ["fuzz-csv", "fuzz-npy", "fuzz-model", "fuzz-checkpoint", "fuzz-checkpoint-sealed",
                   "fuzz-schedule", "fuzz-optimizer", "fuzz-svmlight", "fuzz-npz"]

let package = Package(
    name: "DescentFuzz",
    dependencies: [.package(path: "..")],
    targets: [.target(name: "FuzzSupport", dependencies: [descent])]
        + fuzzTargets.map { name in
            .executableTarget(name: name, dependencies: ["FuzzSupport", descent],
                              swiftSettings: [.unsafeFlags(["-parse-as-library"])],
                              linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address"])])
        }
)
