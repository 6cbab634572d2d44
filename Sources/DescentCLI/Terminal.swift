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

    static func out(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
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
enum OutputPath {
    /// Throws naming the option and the path when it cannot be created or replaced
    /// (`AtomicFile.checkWritable`, which every output goes through).
    static func checkWritable(_ path: String, option: String) throws {
        do { try AtomicFile.checkWritable(URL(fileURLWithPath: path)) } catch let e as DataError {
            throw CLIError("\(option) \(path): \(e.message)")
        }
    }

    /// Removes `.<name>.tmp-XXXXXX` files that `AtomicFile` leaves beside `path` only when the
    /// process is killed mid-write (SIGKILL cannot be cleaned up after), e.g. a checkpoint being rewritten.
    static func removeStaleTemporaries(of path: String) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        let prefix = "." + url.lastPathComponent + ".tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasPrefix(prefix) && name.count == prefix.count + 6 {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }

    static func checkAll(_ paths: [(String?, String)]) throws {
        for case let (path?, option) in paths { try checkWritable(path, option: option) }
    }
}
