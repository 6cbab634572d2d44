import Foundation
import Testing
import Descent

/// The documented exit statuses: 0 done, 1 an error, 3 training diverged (whether or not
/// --save-diverged wrote the last finite model), 64 bad usage; and `train --help` documents them.
@Suite struct ExitStatusTests {
    @Test func statusesAreDistinctAndDocumented() throws {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 40, weights: [1, 2], bias: 0, noise: 0.1, seed: 1)
        try dir.write("d.csv", Problems.csv(x, y))

        let ok = try CLI.run(["train", "--data", "d.csv", "--epochs", "1", "--quiet"], in: dir.url)
        #expect(ok.status == 0, "\(ok.stderr)")

        let diverged = try CLI.run(["train", "--data", "d.csv", "--lr", "1e6", "-o", "a.json"], in: dir.url)
        #expect(diverged.status == 3 && !diverged.signaled, "\(diverged.status): \(diverged.stderr)")
        #expect(diverged.stderr.hasPrefix("error: training diverged") && !dir.exists("a.json"))

        let saved = try CLI.run(["train", "--data", "d.csv", "--lr", "1e6", "-o", "b.json", "--save-diverged"], in: dir.url)
        #expect(saved.status == 3, "\(saved.status): \(saved.stderr)")
        #expect(saved.stderr.contains("wrote the last finite model to b.json") && dir.exists("b.json"))

        let bad = try CLI.run(["train", "--data", "missing.csv", "-o", "c.json"], in: dir.url)
        #expect(bad.status == 1, "\(bad.status): \(bad.stderr)")

        let usage = try CLI.run(["train", "--no-such-option"], in: dir.url)
        #expect(usage.status == 64, "\(usage.status): \(usage.stderr)")

        let help = try CLI.run(["train", "--help"], in: dir.url)
        #expect(help.status == 0)
        let text = help.stdout.replacingOccurrences(of: "\n", with: " ")
        #expect(text.contains("Exit status: 0 done"))
        #expect(text.contains("3 training diverged"))
    }

    /// `--threads` is checked by one function for every command that takes it, against the most
    /// threads this OpenBLAS was built for (its configuration's MAX_THREADS), which it would
    /// otherwise apply silently.
    @Test func threadsAreCheckedAlike() throws {
        let dir = try TempDirectory()
        let most = BLASRuntime.maximumThreads
        #expect(BLASRuntime.configuration.contains("MAX_THREADS=\(most)"))
        for command in ["info", "train", "lr-find"] {
            for value in ["0", "\(most + 1)", "1000"] {
                let r = try CLI.run([command, "--threads", value], in: dir.url)
                #expect(r.status == 1 && r.stderr == "error: --threads must be 1…\(most) (this OpenBLAS was built for at most \(most) threads), got \(value)\n",
                        "\(command): \(r.stderr)")
            }
        }
        let ok = try CLI.json(["info", "--threads", "1", "--json"], in: dir.url)
        #expect(ok["blasThreads"] as? Int == 1)
    }
}
