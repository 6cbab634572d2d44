#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes a file so that readers see either the old contents or the complete new ones, never a part.
///
/// Steps: check the destination's directory exists and is writable (so an unwritable path fails
/// before anything is created), create a temporary file beside the destination
/// (`.<name>.tmp-XXXXXX`), write, `fsync`, `rename` over the destination, then `fsync` the directory.
/// On any failure the temporary file is removed and the destination is left as it was.
public enum AtomicFile {
    /// Sequential writer handed to `write(to:_:)`'s body.
    public struct Writer: ~Copyable {
        fileprivate let fd: Int32
        fileprivate let path: String

        /// Writes every byte of `bytes`, retrying short writes.
        public func write(_ bytes: UnsafeRawBufferPointer) throws {
            var done = 0
            while done < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw DataError(.unwritable, file: path, "write failed: \(errnoDescription())")
                }
                done += n
            }
        }

        public func write(_ data: Data) throws { try data.withUnsafeBytes { try write($0) } }
        public func write(_ text: String) throws { try write(Data(text.utf8)) }
    }

    /// Atomically replaces `url` with `data`.
    public static func write(_ data: Data, to url: URL) throws {
        try write(to: url) { try $0.write(data) }
    }

    /// Atomically replaces `url` with what `body` writes; if `body` throws, nothing changes on disk
    /// and the error is rethrown.
    public static func write(to url: URL, _ body: (borrowing Writer) throws -> Void) throws {
        let path = url.path
        let directory = url.deletingLastPathComponent().path
        try checkWritable(url)

        var template = Array((directory + "/." + url.lastPathComponent + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw DataError(.unwritable, file: path, "cannot create a temporary file in \(directory): \(errnoDescription())")
        }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var closed = false
        do {
            _ = fchmod(fd, 0o644)
            try body(Writer(fd: fd, path: path))
            guard fsync(fd) == 0 else { throw DataError(.unwritable, file: path, "fsync failed: \(errnoDescription())") }
            closed = true
            guard close(fd) == 0 else { throw DataError(.unwritable, file: path, "close failed: \(errnoDescription())") }
            guard rename(temporary, path) == 0 else {
                throw DataError(.unwritable, file: path, "cannot rename the temporary file into place: \(errnoDescription())")
            }
        } catch {
            if !closed { close(fd) }
            unlink(temporary)
            throw error
        }
        let dirfd = open(directory, O_RDONLY)
        if dirfd >= 0 { _ = fsync(dirfd); close(dirfd) }
    }

    /// Throws `.unwritable` naming the reason when `url` cannot be (re)placed by `write`: its
    /// directory is missing, not a directory or not writable, or the path is a directory or a
    /// read-only file. Call it before long work whose result goes to `url`.
    public static func checkWritable(_ url: URL) throws {
        let path = url.path
        let directory = url.deletingLastPathComponent().path
        var info = stat()
        guard stat(directory, &info) == 0 else {
            throw DataError(.unwritable, file: path, "cannot write: directory \(directory) does not exist")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw DataError(.unwritable, file: path, "cannot write: \(directory) is not a directory")
        }
        guard access(directory, W_OK) == 0 else {
            throw DataError(.unwritable, file: path, "cannot write: directory \(directory) is not writable")
        }
        if stat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) != S_IFDIR else { throw DataError(.unwritable, file: path, "cannot write: it is a directory") }
            guard access(path, W_OK) == 0 else { throw DataError(.unwritable, file: path, "cannot write: the file is read-only") }
        }
    }
}
