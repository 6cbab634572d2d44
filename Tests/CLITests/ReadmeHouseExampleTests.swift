import Foundation
import Testing

/// The README's house-price walk-through, run as written: every `$ ` command of the code block that
/// starts with the `awk` command, in order, in one folder, with `descent` the built executable. Each
/// command's output (stdout and stderr, as a terminal shows them) must be the lines the README shows under it. A shown line "  …" stands
/// for any number of lines; the `seconds` column of the epoch table is not compared (it is a
/// timing), and numbers agree to 1e-9 relative (the last digits of a printed double depend on the
/// BLAS kernel OpenBLAS picks for the CPU).
@Suite struct ReadmeHouseExampleTests {
    struct Step { var command: String; var output: [String] }

    /// The `$ ` commands of the README code block that starts with the `awk` command writing `dataFile`.
    static func steps(generating dataFile: String = "houses.csv") throws -> [Step] {
        let readme = try String(contentsOf: CLI.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex { $0.hasPrefix("$ awk ") && $0.hasSuffix("> \(dataFile)") })
        let end = try #require(lines[start...].firstIndex { $0.hasPrefix("```") })
        var steps: [Step] = []
        var i = start
        while i < end {
            guard lines[i].hasPrefix("$ ") else { i += 1; continue }
            var command = String(lines[i].dropFirst(2))
            while command.hasSuffix("\\") { i += 1; command = String(command.dropLast()) + " " + lines[i].trimmingCharacters(in: .whitespaces) }
            i += 1
            var output: [String] = []
            while i < end && !lines[i].hasPrefix("$ ") { output.append(lines[i]); i += 1 }
            while output.last == "" { output.removeLast() }
            steps.append(Step(command: command, output: output))
        }
        return steps
    }

    /// Tokens equal, or numbers within 1e-9 relative.
    static func same(_ a: String, _ b: String, dropLastToken: Bool) -> Bool {
        var x = a.split(separator: " ", omittingEmptySubsequences: true), y = b.split(separator: " ", omittingEmptySubsequences: true)
        if dropLastToken { x = x.dropLast(); y = y.dropLast() }
        guard x.count == y.count else { return false }
        return zip(x, y).allSatisfy { p, q in
            if p == q { return true }
            let strip = CharacterSet(charactersIn: "(),")
            guard let u = Double(p.trimmingCharacters(in: strip)), let v = Double(q.trimmingCharacters(in: strip)) else { return false }
            return Swift.abs(u - v) <= 1e-9 * Swift.max(Swift.abs(u), Swift.abs(v))
        }
    }

    /// Matches the shown lines against the printed ones.
    static func matches(shown: [String], printed: [String]) -> String? {
        var j = 0, inTable = false
        var k = 0
        while k < shown.count {
            let s = shown[k]
            if s.trimmingCharacters(in: .whitespaces) == "…" {
                guard k + 1 < shown.count else { return nil }
                let next = shown[k + 1]
                while j < printed.count && !same(next, printed[j], dropLastToken: inTable) { j += 1 }
                k += 1
                continue
            }
            guard j < printed.count else { return "missing line “\(s)”" }
            if s.hasPrefix("epoch ") { inTable = true }
            let isRow = inTable && s.trimmingCharacters(in: .whitespaces).first?.isNumber == true
            if !inTable || !(isRow || s.hasPrefix("epoch ")) { inTable = false }
            guard same(s, printed[j], dropLastToken: isRow) else { return "shown “\(s)”, printed “\(printed[j])”" }
            j += 1; k += 1
        }
        return j == printed.count ? nil : "printed more: “\(printed[j])”"
    }

    @Test func walkThroughPrintsWhatTheReadmeShows() throws {
        let steps = try Self.steps()
        #expect(steps.count >= 7, "\(steps.map(\.command))")
        try Self.run(steps)
    }

    /// Runs `steps` in order in one new folder, with `descent` on the PATH, and records an issue for
    /// each command that fails or prints other lines than the README shows.
    static func run(_ steps: [Step]) throws {
        let dir = try TempDirectory()
        let bin = CLI.executable.deletingLastPathComponent().path
        for step in steps {
            let shell = Process()
            shell.executableURL = URL(fileURLWithPath: "/bin/sh")
            shell.arguments = ["-c", step.command]
            shell.currentDirectoryURL = dir.url
            var environment = ProcessInfo.processInfo.environment
            environment["PATH"] = bin + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
            shell.environment = environment
            let out = Pipe()
            shell.standardOutput = out
            shell.standardError = out   // what the terminal shows: both streams, in order
            shell.standardInput = FileHandle.nullDevice
            try shell.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            shell.waitUntilExit()
            #expect(shell.terminationStatus == 0, "\(step.command) exited \(shell.terminationStatus)")
            var printed = String(decoding: data, as: UTF8.self).components(separatedBy: "\n")
            while printed.last == "" { printed.removeLast() }
            if let problem = Self.matches(shown: step.output, printed: printed) {
                Issue.record("\(step.command): \(problem)\nprinted:\n\(printed.joined(separator: "\n"))")
            }
        }
    }
}
