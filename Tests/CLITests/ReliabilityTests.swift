#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import Descent

/// Hostile inputs and destinations, through the built executable: what is not a regular file is
/// refused (and left as it was), sizes from the user are checked before allocating, nothing blocks
/// on a FIFO, and a run that ends on non-finite weights exits 3. Device nodes are private ones made
/// with `mknod` in the test's own folder (never the system's `/dev/null` or `/dev/stdout`).
@Suite struct ReliabilityTests {
    static let isRoot = getuid() == 0

    /// glibc's `makedev` (a macro Swift does not import) for small major and minor numbers.
    static func device(_ major: UInt64, _ minor: UInt64) -> dev_t { dev_t((major << 8) | minor) }

    /// A directory with a small CSV problem `d.csv` (2 features).
    func problem() throws -> TempDirectory {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 80, weights: [1, -2], bias: 0.5, noise: 0.1, seed: 5)
        try dir.write("d.csv", Problems.csv(x, y))
        return dir
    }

    static let train = ["train", "--data", "d.csv", "--epochs", "2", "--batch-size", "16", "--quiet"]

    /// Runs with a deadline; a process still running then is killed and reported as timed out.
    func run(_ args: [String], in dir: TempDirectory, timeout: Double = 20) throws -> (CLI.Result, timedOut: Bool) {
        let (p, out, err) = try CLI.start(args, in: dir.url)
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        let timedOut = p.isRunning
        if timedOut { kill(p.processIdentifier, SIGKILL) }
        return (try CLI.finish(p, out, err), timedOut)
    }

    /// One `error:` line containing `expected`, exit status `status`, no signal.
    func expectError(_ r: CLI.Result, _ expected: String, status: Int32 = 1, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!r.signaled && r.status == status, "status \(r.status), signaled \(r.signaled): \(r.stderr)", sourceLocation: sourceLocation)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && r.stderr.hasPrefix("error: "), "not one error line: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(expected), "expected “\(expected)” in: \(r.stderr)", sourceLocation: sourceLocation)
    }

    func fileType(_ path: String) -> mode_t {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : 0
    }

    // MARK: Destinations

    /// A private character device with /dev/null's numbers (1, 3), given as every kind of output:
    /// refused before training, and still the same device afterwards.
    @Test(.enabled(if: isRoot, "mknod needs root")) func deviceNodeIsNeverReplaced() throws {
        let dir = try problem()
        let node = dir.path("null.csv")   // a name --metrics accepts too
        #expect(mknod(node, S_IFCHR | 0o666, Self.device(1, 3)) == 0, "mknod: \(String(cString: strerror(errno)))")
        var before = stat()
        #expect(lstat(node, &before) == 0)
        try dir.write("m.json", "{}")
        for (option, extra) in [("--output", [String]()), ("--metrics", []), ("--plot", []), ("--checkpoint", [])] {
            let (r, _) = try run(Self.train + [option, "null.csv"] + extra, in: dir)
            expectError(r, "\(option) null.csv: cannot write: it is a character device, not a regular file")
        }
        let (lr, _) = try run(["lr-find", "--data", "d.csv", "--iterations", "20", "--csv", "null.csv"], in: dir)
        expectError(lr, "--csv null.csv: cannot write: it is a character device")
        var after = stat()
        #expect(lstat(node, &after) == 0)
        #expect(after.st_mode & S_IFMT == S_IFCHR && after.st_rdev == before.st_rdev && after.st_ino == before.st_ino,
                "the device node was replaced")
        let left = try dir.files()
        #expect(left.allSatisfy { !$0.contains(".tmp-") }, "temporary files left: \(left)")
    }

    /// A FIFO as the output is refused at once (no blocking open), and stays a FIFO.
    @Test func fifoOutputIsRefused() throws {
        let dir = try problem()
        #expect(mkfifo(dir.path("pipe"), 0o644) == 0)
        let (r, timedOut) = try run(Self.train + ["--output", "pipe"], in: dir)
        #expect(!timedOut)
        expectError(r, "--output pipe: cannot write: it is a FIFO (named pipe), not a regular file")
        #expect(fileType(dir.path("pipe")) == S_IFIFO)
    }

    /// A symlink is followed: the file it points to gets the model, the link stays a link. The
    /// replaced file keeps its mode; a new file gets 0666 minus the umask.
    @Test func symlinkIsFollowedAndModesKept() throws {
        let dir = try problem()
        try dir.write("real.json", "old")
        #expect(chmod(dir.path("real.json"), 0o600) == 0)
        #expect(symlink("real.json", dir.path("link.json")) == 0)
        let (r, _) = try run(Self.train + ["--output", "link.json"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(fileType(dir.path("link.json")) == S_IFLNK)
        #expect(try dir.read("real.json").contains("\"formatVersion\""))
        var info = stat()
        #expect(stat(dir.path("real.json"), &info) == 0 && info.st_mode & 0o777 == 0o600, "mode \(String(info.st_mode & 0o777, radix: 8))")

        // A new file under umask 027 (through a shell, so that this process's umask stays as it is).
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "umask 027 && exec \"$0\" \"$@\"", CLI.executable.path] + Self.train + ["--output", "new.json"]
        shell.currentDirectoryURL = dir.url
        shell.standardInput = FileHandle.nullDevice
        try shell.run()
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0)
        #expect(stat(dir.path("new.json"), &info) == 0 && info.st_mode & 0o777 == 0o640, "mode \(String(info.st_mode & 0o777, radix: 8))")
    }

    @Test func badPathsAreNamed() throws {
        let dir = try problem()
        let (empty, _) = try run(Self.train + ["--output", ""], in: dir)
        expectError(empty, "cannot write: the path is empty")
        let (slash, _) = try run(Self.train + ["--output", "out.json/"], in: dir)
        expectError(slash, "--output out.json/: cannot write: the path ends in \"/\"")
        #expect(!dir.exists("out.json"))
    }

    /// `-` is standard output: the model (or metrics) alone on stdout, the report on stderr.
    @Test func dashIsStandardOutput() throws {
        let dir = try problem()
        let (model, _) = try run(["train", "--data", "d.csv", "--epochs", "2", "--output", "-"], in: dir)
        #expect(model.status == 0, "\(model.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(model.stdout.utf8)) as? [String: Any]
        #expect(object?["formatVersion"] as? Int == 1, "stdout is not the model file: \(model.stdout.prefix(200))")
        #expect(model.stderr.contains("epoch") && model.stderr.contains("model written to standard output"))
        let (metrics, _) = try run(Self.train + ["--metrics", "-"], in: dir)
        #expect(metrics.stdout.hasPrefix("epoch,training_loss,") && metrics.stdout.split(separator: "\n").count == 3, "\(metrics.stdout)")
        let (two, _) = try run(Self.train + ["--metrics", "-", "--output", "-"], in: dir)
        expectError(two, "are both -: only one output can go to standard output")
        let (checkpoint, _) = try run(Self.train + ["--checkpoint", "-"], in: dir)
        expectError(checkpoint, "--checkpoint -: a checkpoint must be a file")
        let (json, _) = try run(Self.train + ["--metrics", "-", "--json"], in: dir)
        expectError(json, "--metrics - and --json both write standard output")
        let (predict, _) = try run(["predict", "--model", "-", "--data", "d.csv"], in: dir)
        #expect(predict.status == 1)   // "-" is an output, not an input
    }

    // MARK: Inputs

    /// Data that is a FIFO (no writer), a FIFO named .npy, or a device is refused at once.
    @Test func inputsThatAreNotFilesAreRefused() throws {
        let dir = try problem()
        #expect(mkfifo(dir.path("in.csv"), 0o644) == 0)
        #expect(mkfifo(dir.path("in.npy"), 0o644) == 0)
        let (csv, t1) = try run(["train", "--data", "in.csv"], in: dir)
        #expect(!t1)
        expectError(csv, "in.csv: cannot read: it is a FIFO (named pipe), not a regular file")
        let (npy, t2) = try run(["train", "--data", "in.npy"], in: dir)
        #expect(!t2)
        expectError(npy, "in.npy: cannot read: it is a FIFO (named pipe), not a regular file")
        let (model, t3) = try run(["predict", "--model", "in.csv", "--data", "d.csv"], in: dir)
        #expect(!t3)
        expectError(model, "in.csv: cannot read: it is a FIFO")
        if Self.isRoot {
            // A private /dev/zero (1, 5) behind a symlink: refused, not read until memory runs out.
            #expect(mknod(dir.path("zero"), S_IFCHR | 0o666, Self.device(1, 5)) == 0)
            #expect(symlink("zero", dir.path("zero.csv")) == 0)
            let (zero, t4) = try run(["train", "--data", "zero.csv"], in: dir)
            #expect(!t4)
            expectError(zero, "zero.csv: cannot read: it is a character device, not a regular file")
        }
    }

    /// A cell with no end (a file that is not CSV) is an error with line and column, not memory.
    @Test func unboundedCellIsAnError() throws {
        let dir = try problem()
        try dir.write("long.csv", "a,b\n1," + String(repeating: "7", count: (1 << 20) + 10) + "\n")
        let (r, _) = try run(["train", "--data", "long.csv"], in: dir)
        expectError(r, "long.csv:2:2: a cell longer than 1048576 bytes")
        var binary = Data("1,2\n".utf8)
        binary.append(Data(count: 3 << 20))
        try binary.write(to: URL(fileURLWithPath: dir.path("zeros.csv")))
        let (z, _) = try run(["train", "--data", "zeros.csv"], in: dir)
        expectError(z, "zeros.csv:2:1: a cell longer than 1048576 bytes")
    }

    // MARK: Sizes from the user

    @Test func hugeModelsAreRefusedBeforeAllocating() throws {
        let dir = try problem()
        let (a, _) = try run(["train", "--data", "d.csv", "--model", "mlp", "--hidden", "1000000000"], in: dir)
        expectError(a, "the model mlp 2→1000000000→1 (ReLU) has 4000000001 parameters; at most")
        let (b, _) = try run(["train", "--data", "d.csv", "--model", "mlp", "--hidden", "100000,100000"], in: dir)
        expectError(b, "has 10000500001 parameters")   // 2·10⁵ + 10⁵ + 10¹⁰ + 10⁵ + 10⁵ + 1
        let (c, _) = try run(["train", "--data", "d.csv", "--model", "mlp", "--hidden", "4611686018427387904,4611686018427387904"], in: dir)
        expectError(c, "more parameters than an Int can count")
        let (d, _) = try run(["train", "--data", "d.csv", "--model", "mlp", "--hidden", "3000000", "--batch-size", "full", "--threads", "2"], in: dir)
        expectError(d, "batches of 80 rows of the model mlp 2→3000000→1 (ReLU) on 2 threads need")
    }

    /// Huge counts are not reserved up front: the run starts (and is stopped by the deadline)
    /// rather than aborting on a failed allocation.
    @Test func hugeCountsDoNotAbort() throws {
        let dir = try problem()
        for args in [Self.train.dropLast(0) + ["--epochs", "1000000000"],
                     ["lr-find", "--data", "d.csv", "--iterations", "1000000000000", "--divergence", "1e300"]] {
            let (r, timedOut) = try run(Array(args), in: dir, timeout: 1.5)
            #expect(timedOut || r.status == 0, "\(args): status \(r.status), signaled \(r.signaled): \(r.stderr)")
            #expect(!r.stderr.contains("Fatal error"), "\(r.stderr)")
        }
    }

    // MARK: Exit status

    /// float64 weights that stay finite but whose loss overflows (lr 1e308 on inputs ~1e-3): the
    /// run is a divergence (exit 3) and writes no model, as in float32.
    @Test func nonFiniteFinalLossIsADivergence() throws {
        let dir = try TempDirectory()
        var g = SeededGenerator(seed: 3)
        var csv = "a,y\n"
        for _ in 0..<100 { csv += "\(Double.random(in: 0..<1e-3, using: &g)),\(Double.random(in: 0..<1e-3, using: &g))\n" }
        try dir.write("s.csv", csv)
        for dtype in ["double", "float"] {
            let (r, _) = try run(["train", "--data", "s.csv", "--batch-size", "full", "--lr", "1e308", "--epochs", "1", "--dtype", dtype,
                                  "--output", "m.json", "--quiet"], in: dir)
            expectError(r, "training diverged", status: 3)
            #expect(!dir.exists("m.json"), "\(dtype): a model was written")
        }
    }

    // MARK: Temporary files

    /// A temporary file that a killed write left beside the destination (older than the process)
    /// is removed by the next write to that destination.
    @Test func staleTemporariesAreRemoved() throws {
        let dir = try problem()
        try dir.write(".m.json.tmp-AbC123", "partial")
        try dir.write(".other.json.tmp-AbC123", "not ours")
        var times = [timespec(tv_sec: 1_600_000_000, tv_nsec: 0), timespec(tv_sec: 1_600_000_000, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, dir.path(".m.json.tmp-AbC123"), &times, 0) == 0)
        let (r, _) = try run(Self.train + ["--output", "m.json"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!dir.exists(".m.json.tmp-AbC123") && dir.exists(".other.json.tmp-AbC123") && dir.exists("m.json"))
    }

    // MARK: Option nits

    @Test func optionNits() throws {
        let dir = try problem()
        let cases: [([String], String)] = [
            (["--model", "mlp", "--hidden", "3,,4"], "--hidden: expected positive integers separated by commas, got \"3,,4\""),
            (["--early-stopping", "2", "--min-delta", "nan"], "--min-delta must be a finite number ≥ 0, got nan"),
            (["--delimiter", "\""], "--delimiter: the quote character \" cannot be the delimiter"),
            (["--delimiter", "\n"], "--delimiter: a line break cannot be the delimiter"),
            (["--target", "-1"], "--target -1: a column index counts from 0"),
        ]
        for (extra, expected) in cases {
            let (r, _) = try run(Self.train + extra, in: dir)
            expectError(r, expected)
        }
        // A header name that starts with "-" is a name, not a flag.
        try dir.write("m.csv", "a,-y\n1,2\n2,4\n3,6\n4,8\n")
        let (named, _) = try run(["train", "--data", "m.csv", "--target", "-y", "--epochs", "1", "--quiet"], in: dir)
        #expect(named.status == 0, "\(named.stderr)")
    }
}
