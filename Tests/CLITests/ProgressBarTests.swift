#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import Descent
@testable import Training   // TrainingProgress's memberwise initialiser

/// The training progress bar: its line (`ProgressLine.render`, a pure function of the progress, the
/// width and the timings) never takes more than width − 1 columns and shows what there is room for;
/// and the real `descent train`, run in a detached tmux session 40, 80 and 200 columns wide, leaves
/// nothing but the report and (on the last line) the bar on the screen: no line wrapped, no fragment.
struct ProgressBarTests {
    static let progress = TrainingProgress(epoch: 2, batch: 119, batchesPerEpoch: 313, step: 746, learningRate: 0.00975683,
                                           batchLoss: 0.0051, runningLoss: 0.00533004)

    static func render(_ p: TrainingProgress = progress, epochs: Int = 10, columns: Int, elapsed: Double = 12.4,
                       eta: Double? = 100.2, rate: Double? = 5210) -> String {
        ProgressLine.render(p, totalEpochs: epochs, columns: columns, elapsed: elapsed, eta: eta, samplesPerSecond: rate)
    }

    @Test func renderedLineFitsAndShowsWhatHasRoom() {
        for w in [20, 40, 80, 200] {
            let line = Self.render(columns: w)
            #expect(ProgressLine.displayWidth(line) <= w - 1, "\(w) columns: \(ProgressLine.displayWidth(line)) used: \(line)")
            #expect(!line.contains("\n") && !line.contains("\r") && !line.contains("\u{1B}"))
            #expect(line.hasPrefix("epoch  3/10"), "\(w) columns: \(line)")
        }
        // 200 columns: every field and the bar.
        let wide = Self.render(columns: 200)
        for field in ["epoch  3/10", "█", "·", "120/313", "00:12<01:40", "5.21k samples/s", "loss 0.00533", "lr 0.00976"] {
            #expect(wide.contains(field), "no \(field) in \(wide)")
        }
        // 80 columns: still every field, and a bar of at least 6 cells.
        let standard = Self.render(columns: 80)
        for field in ["120/313", "00:12<01:40", "samples/s", "loss 0.00533", "lr 0.00976"] { #expect(standard.contains(field), "no \(field) in \(standard)") }
        #expect(standard.filter { "█▏▎▍▌▋▊▉·".contains($0) }.count >= 6, "\(standard)")
        // 40 columns: no bar; the most useful fields that fit: ETA (with the elapsed time) and loss.
        let narrow = Self.render(columns: 40)
        #expect(narrow == "epoch  3/10 00:12<01:40 loss 0.00533", "\(narrow)")
        // 30 columns: the ETA; the loss does not fit, the batch still does.
        #expect(Self.render(columns: 30) == "epoch  3/10 120/313 ETA 01:40", "\(Self.render(columns: 30))")
        #expect(Self.render(columns: 22) == "epoch  3/10 ETA 01:40", "\(Self.render(columns: 22))")
        #expect(Self.render(columns: 12) == "epoch  3/10" && Self.render(columns: 8) == "3/10")
        // 20 columns: the epoch.
        #expect(Self.render(columns: 20).contains("3/10"))
    }

    @Test func renderedLineNeverExceedsTheWidth() {
        // Extreme values at every width from 0 to 250: long counters, long times, odd numbers, no rate.
        let odd = [TrainingProgress(epoch: 99_999, batch: 123_455, batchesPerEpoch: 123_456, step: Int(1e9), learningRate: -1.5e-300,
                                    batchLoss: .nan, runningLoss: -.infinity),
                   TrainingProgress(epoch: 0, batch: 0, batchesPerEpoch: 1, step: 1, learningRate: .nan, batchLoss: 0, runningLoss: 1e300),
                   Self.progress]
        for p in odd {
            for w in 0...250 {
                for (eta, rate) in [(Double?.none, Double?.none), (3.7e6, 1.234e15), (.infinity, -.nan)] {
                    let line = Self.render(p, epochs: p.epoch + 1, columns: w, elapsed: 3.6e6, eta: eta, rate: rate)
                    #expect(ProgressLine.displayWidth(line) <= max(0, w - 1), "\(w) columns: \(line)")
                }
            }
        }
    }

    @Test func barAndFieldFormats() {
        #expect(ProgressLine.bar(0, cells: 8) == "········" && ProgressLine.bar(1, cells: 8) == "████████")
        #expect(ProgressLine.bar(0.5, cells: 8) == "████····" && ProgressLine.bar(0.55, cells: 8) == "████▍···")
        #expect(ProgressLine.clock(65) == "01:05" && ProgressLine.clock(3723) == "1:02:03" && ProgressLine.clock(.nan) == "?")
        #expect(ProgressLine.si(523) == "523" && ProgressLine.si(5210) == "5.21k" && ProgressLine.si(1.25e7) == "12.5M")
        #expect(ProgressLine.significant(0.00533004, 4) == "0.00533" && ProgressLine.significant(0.0053316, 4) == "0.005332")
        #expect(ProgressLine.significant(1.35325e-5, 4) == "1.353e-05" && ProgressLine.significant(9.9996, 4) == "10")
        #expect(ProgressLine.significant(2e6, 3) == "2e+06" && ProgressLine.significant(0.001, 3) == "0.001")
        // Display columns, not bytes or characters.
        #expect(ProgressLine.displayWidth("█·▏") == 3 && ProgressLine.displayWidth("e\u{301}") == 1 && ProgressLine.displayWidth("日本") == 4)
        #expect(ProgressLine.truncate("日本語", columns: 5) == "日本")
    }

    // MARK: - The real program in tmux

    static let tmux: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs tmux on its own server socket, with the (empty) configuration file `config`, and returns
    /// its stdout. Spawned directly (posix_spawn, waitpid) with stdin from `config`, stdout and stderr
    /// to a file and every other descriptor closed: the server the first command starts outlives it
    /// and keeps what it inherited, so through Foundation's `Process` (or a pipe) the call would
    /// not return until the server exits, and another test's pipe could be held open by it.
    @discardableResult
    static func tmux(_ socket: String, config: String, _ args: [String]) throws -> String {
        let tmux = try #require(tmux)
        let out = URL(fileURLWithPath: config).deletingLastPathComponent().appendingPathComponent(".tmux-out-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, config, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [] {
            if let fd = Int32(name), fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
        }
        var argv: [UnsafeMutablePointer<CChar>?] = ([tmux, "-L", socket, "-f", config] + args).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        // No blocked signals and default handlers (the test's thread blocks some; the panes inherit
        // the mask, and kill-server's SIGHUP must reach them).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        for signal in [SIGHUP, SIGINT, SIGTERM, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid = pid_t()
        let rc = posix_spawn(&pid, tmux, &actions, &attributes, &argv, environ)
        try #require(rc == 0, "posix_spawn \(tmux): error \(rc)")
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
    }

    /// Whether a captured line is the progress bar (or what is left of one).
    static func isBar(_ line: String) -> Bool {
        line.range(of: #"^(epoch +)?\d+/\d+( |$)"#, options: .regularExpression) != nil
    }

    /// Whether a captured (joined) line is a row of the epoch table: the epoch, then numbers.
    static func isTableRow(_ line: String) -> Bool {
        line.range(of: #"^ *\d+( +([-+0-9.eE]+|inf|-inf|nan|–|-))+$"#, options: .regularExpression) != nil
    }

    /// The problems in one joined capture of a pane `width` wide: from the table's header to the
    /// summary every line must be a table row, or the bar on the last line at most width − 1 wide;
    /// after that, no bar at all. (The lines before the table, which the report prints before
    /// training starts and the terminal may wrap, are not the bar's business.)
    static func problems(in capture: String, width: Int) -> (problems: [String], sawBar: Bool) {
        let lines = capture.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
            .map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }.filter { !$0.isEmpty }
        var problems: [String] = [], sawBar = false
        guard let header = lines.firstIndex(where: { $0.hasPrefix("epoch    train loss") }) else { return ([], false) }
        var inTable = true
        for (k, line) in lines.enumerated().dropFirst(header + 1) {
            if inTable && (line.hasPrefix("completed") || line.hasPrefix("stopped early")) { inTable = false }
            if isBar(line) {
                if ProgressLine.displayWidth(line) > width - 1 { problems.append("the bar takes \(ProgressLine.displayWidth(line)) columns: \(line)") }
                if !inTable || k != lines.count - 1 { problems.append("a bar (or a fragment of one) is left on a line that is not the last: \(line)") }
                else { sawBar = true }
            } else if inTable && !isTableRow(line) {
                problems.append("a line in the table that is neither a row nor the bar (a wrapped fragment?): \(line)")
            }
        }
        return (problems, sawBar)
    }

    @Test func fragmentDetectorFindsWrappedBars() {
        // What a terminal 40 wide shows after a bar wider than 40 wrapped and `\r ESC[2K` cleared only its
        // second row: the first row stays above the next table row.
        let wrapped = "epoch    train loss\n    1   0.5   0.001\nepoch 1/4 ██████████████████████████ 100\n    2   0.4   0.001\n"
        #expect(!Self.problems(in: wrapped, width: 40).problems.isEmpty)
        let joined = "epoch    train loss\n    1   0.5   0.001\nepoch 1/4 ██████████████████████████ 100/200 00:01<00:03    2   0.4\n"
        #expect(!Self.problems(in: joined, width: 40).problems.isEmpty)
        let good = "data: x\nepoch    train loss\n    1   0.5   0.001\nepoch 2/4 1234/5000 00:01<00:03 loss 0.4\n"
        let g = Self.problems(in: good, width: 41)
        #expect(g.problems.isEmpty && g.sawBar, "\(g.problems)")
        #expect(!Self.problems(in: good, width: 40).problems.isEmpty)   // the bar is 40 wide: one too many for 40
    }

    @Test(.enabled(if: tmux != nil, "tmux is not installed"), .timeLimit(.minutes(6)))
    func barInTmuxNeverWraps() throws {
        let dir = try TempDirectory()
        let socket = "descent-bar-\(UUID().uuidString.prefix(8))"
        try dir.write("tmux.conf", "")
        let config = dir.path("tmux.conf")
        // The sessions wait (at most two minutes) for `stop` once descent is done, so the panes stay readable.
        let stop = dir.path("stop")
        defer {
            withExtendedLifetime(dir) {
                _ = FileManager.default.createFile(atPath: stop, contents: nil)
                _ = try? Self.tmux(socket, config: config, ["kill-server"])
            }
        }
        // An MLP on the built-in problem in small batches: about a second an epoch in a debug build, so
        // the bar is on screen most of the time; a pause after each epoch shows the table too.
        // SkylakeX kernels only where the CPU has AVX-512 (Debian 12's OpenBLAS misdetects some such CPUs;
        // on a CPU without it those kernels stop the process with an illegal instruction).
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let kernel = cpu.split(whereSeparator: \.isWhitespace).contains("avx512f") ? ["OPENBLAS_CORETYPE=SkylakeX"] : []
        let command = (["env"] + kernel + [CLI.executable.path, "train", "--model", "mlp", "--hidden", "32",
                       "--batch-size", "4", "--lr", "0.001", "--epochs", "3", "--threads", "1", "--epoch-delay", "0.3"])
            .map { "'\($0)'" }.joined(separator: " ")
        let widths = [40, 80, 200]
        for w in widths {
            try Self.tmux(socket, config: config, ["new-session", "-d", "-s", "w\(w)", "-x", "\(w)", "-y", "12", "-c", dir.url.path,
                                   "\(command); echo \"EXIT $?\"; i=0; while [ ! -e '\(stop)' ] && [ $i -lt 600 ]; do sleep 0.2; i=$((i+1)); done"])
        }
        var sawBar = Set<Int>(), finished = Set<Int>()
        var problems: [String] = []
        let deadline = Date().addingTimeInterval(240)
        while finished.count < widths.count && Date() < deadline {
            for w in widths where !finished.contains(w) {
                // Joined (-J): a line the terminal wrapped comes back whole, so a wrapped bar would be
                // longer than the width; unjoined, no screen line can be.
                let joined = try Self.tmux(socket, config: config, ["capture-pane", "-p", "-J", "-S", "-", "-t", "w\(w)"])
                let screen = try Self.tmux(socket, config: config, ["capture-pane", "-p", "-S", "-", "-t", "w\(w)"])
                for line in screen.split(separator: "\n") where ProgressLine.displayWidth(String(line)) > w {
                    problems.append("\(w) columns: a screen line is \(ProgressLine.displayWidth(String(line))) wide: \(line)")
                }
                let (found, bar) = Self.problems(in: joined, width: w)
                problems += found.map { "\(w) columns: \($0)" }
                if bar { sawBar.insert(w) }
                let lines = joined.split(separator: "\n").map { String($0).trimmingCharacters(in: .whitespaces) }
                if lines.contains(where: { $0.hasPrefix("EXIT ") }) {
                    finished.insert(w)
                    #expect(lines.contains("EXIT 0"), "\(w) columns: descent failed:\n\(joined)")
                    #expect(lines.contains { $0.hasPrefix("completed") }, "\(w) columns: no summary:\n\(joined)")
                }
                if problems.count > 20 { break }
            }
            if problems.count > 20 { break }
            Thread.sleep(forTimeInterval: 0.04)
        }
        #expect(problems.isEmpty, "\(problems.prefix(20).joined(separator: "\n"))")
        #expect(finished.count == widths.count, "not every run finished in time: \(finished.sorted())")
        #expect(sawBar == Set(widths), "the bar was seen only at \(sawBar.sorted()) columns")
    }
}
