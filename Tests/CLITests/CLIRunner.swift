import Foundation
import Testing
import Descent

/// Runs the built `descent` executable as a subprocess (the tests exercise the program users run,
/// not only the library).
///
/// The executable is looked up next to the test bundle (`swift test` builds every product of the
/// package into the same directory as `DescentPackageTests.xctest`), then in `<package>/.build/debug`.
/// If neither exists, `swift build --product descent` is run once.
enum CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Whether the process ended by a signal rather than exiting.
        var signaled: Bool
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let executable: URL = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let candidates = [beside.appendingPathComponent("descent"),
                          packageRoot.appendingPathComponent(".build/debug/descent")]
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) { return found }
        let build = Process()
        build.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        build.arguments = ["swift", "build", "--product", "descent"]
        build.currentDirectoryURL = packageRoot
        try? build.run()
        build.waitUntilExit()
        return candidates[1]
    }()

    /// Starts `descent args…` in `directory` with stdout and stderr going to files there.
    static func start(_ args: [String], in directory: URL, tag: String = UUID().uuidString) throws -> (Process, URL, URL) {
        let out = directory.appendingPathComponent(".stdout-\(tag)"), err = directory.appendingPathComponent(".stderr-\(tag)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let p = Process()
        p.executableURL = executable
        p.arguments = args
        p.currentDirectoryURL = directory
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return (p, out, err)
    }

    static func finish(_ p: Process, _ out: URL, _ err: URL) throws -> Result {
        p.waitUntilExit()
        let o = try String(contentsOf: out, encoding: .utf8), e = try String(contentsOf: err, encoding: .utf8)
        try? FileManager.default.removeItem(at: out)
        try? FileManager.default.removeItem(at: err)
        return Result(status: p.terminationStatus, stdout: o, stderr: e, signaled: p.terminationReason == .uncaughtSignal)
    }

    @discardableResult
    static func run(_ args: [String], in directory: URL) throws -> Result {
        let (p, out, err) = try start(args, in: directory)
        return try finish(p, out, err)
    }

    /// Runs and parses stdout as a JSON object, requiring success.
    static func json(_ args: [String], in directory: URL) throws -> [String: Any] {
        let r = try run(args, in: directory)
        #expect(r.status == 0, "descent \(args.joined(separator: " ")) failed: \(r.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
        return try #require(object as? [String: Any], "stdout is not a JSON object: \(r.stdout)")
    }
}

/// A fresh temporary directory per test, holding the tiny data files the test writes.
final class TempDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("descent-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }
    func write(_ name: String, _ text: String) throws { try text.write(toFile: path(name), atomically: true, encoding: .utf8) }
    func read(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }
    func bytes(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path(name))) }
    /// Names of the files in the directory (to check nothing partial was left behind).
    func files() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() }
}

/// Small seeded regression problems written as CSV by the tests.
enum Problems {
    /// y = X·w + b + σ·ε with X ~ N(0, 1), n × d, from `SeededGenerator(seed:)`.
    static func linear(n: Int, weights w: [Double], bias: Double, noise: Double, seed: UInt64) -> (x: [[Double]], y: [Double]) {
        var g = SeededGenerator(seed: seed)
        var x: [[Double]] = [], y: [Double] = []
        for _ in 0..<n {
            let row = w.map { _ in g.nextGaussian() }
            x.append(row)
            y.append(zip(row, w).map { $0 * $1 }.reduce(bias, +) + noise * g.nextGaussian())
        }
        return (x, y)
    }

    static func csv(_ x: [[Double]], _ y: [Double], names: [String]? = nil) -> String {
        let d = x.first?.count ?? 0
        var s = (names ?? ((0..<d).map { "f\($0)" } + ["target"])).joined(separator: ",") + "\n"
        for (row, t) in zip(x, y) { s += (row + [t]).map { "\($0)" }.joined(separator: ",") + "\n" }
        return s
    }

    /// The features alone, as CSV without targets.
    static func featuresCSV(_ x: [[Double]]) -> String {
        let d = x.first?.count ?? 0
        var s = (0..<d).map { "f\($0)" }.joined(separator: ",") + "\n"
        for row in x { s += row.map { "\($0)" }.joined(separator: ",") + "\n" }
        return s
    }
}
