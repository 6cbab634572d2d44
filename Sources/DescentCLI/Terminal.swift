#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Descent
import Foundation

/// Where output goes: tables and results on stdout, diagnostics, progress and errors on stderr.
enum Terminal {
    /// Whether a file descriptor is a terminal (progress bars only draw on one).
    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Set when an output option is `-`: standard output then carries that file alone, and the
    /// tables and results that would go there go to stderr.
    nonisolated(unsafe) static var reportsOnStandardError = false

    static func out(_ line: String) {
        (reportsOnStandardError ? FileHandle.standardError : FileHandle.standardOutput).write(Data((line + "\n").utf8))
    }

    static func note(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func error(_ message: String) {
        let oneLine = message.replacingOccurrences(of: "\n", with: " ")
        FileHandle.standardError.write(Data("error: \(oneLine)\n".utf8))
    }

    /// Writes `text` to stderr without a newline (progress bar redraws).
    static func raw(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// A user error found by the command line itself (bad option combination, unwritable output…).
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Output files are checked before any work starts, so a long run never ends in an unwritable path.
/// `-` names standard output, for the outputs that are a stream (not a checkpoint).
enum OutputPath {
    static let standardOutput = "-"

    /// Throws naming the option and the path when it cannot be created or replaced
    /// (`AtomicFile.checkWritable`, which every output goes through).
    static func checkWritable(_ path: String, option: String) throws {
        guard path != standardOutput else { return }
        do { try AtomicFile.checkWritable(path: path) } catch let e as DataError {
            throw CLIError("\(option) \(path): \(e.message)")
        }
    }

    /// Checks every given path. At most one may be `-`, never `--checkpoint` (a run resumes from a
    /// file), and not with --json (which is standard output's already); with one, the command's
    /// report moves to stderr.
    static func checkAll(_ paths: [(String?, String)], json: Bool = false) throws {
        let streamed = paths.filter { $0.0 == standardOutput }.map(\.1)
        if let option = streamed.first(where: { $0 == "--checkpoint" || $0 == "--resume" }) {
            throw CLIError("\(option) -: a checkpoint must be a file (a later run resumes from it)")
        }
        if streamed.count > 1 { throw CLIError("\(streamed.joined(separator: " and ")) are \(streamed.count == 2 ? "both" : "all") -: only one output can go to standard output") }
        if let option = streamed.first, json { throw CLIError("\(option) - and --json both write standard output; choose one") }
        for case let (path?, option) in paths { try checkWritable(path, option: option) }
        if !streamed.isEmpty { Terminal.reportsOnStandardError = true }
    }

    /// Writes `data` to `path` atomically, or to standard output for `-`.
    static func write(_ data: Data, to path: String) throws {
        if path == standardOutput { FileHandle.standardOutput.write(data); return }
        try AtomicFile.write(data, to: URL(fileURLWithPath: path))
    }
}
