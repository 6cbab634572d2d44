#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Opening the files Descent reads (data, models, checkpoints). Only regular files are read:
/// a FIFO, socket, device or directory is refused with one error naming the file and what it is.
/// The file is opened non-blocking first, so a FIFO with no writer cannot hang the open, and made
/// blocking again once it is known to be a regular file.
public enum InputFile {
    /// A read-only descriptor of the regular file at `path`; the caller closes it.
    public static func open(_ path: String) throws -> Int32 {
        let fd = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw DataError(.io, file: path, "cannot open for reading: \(errnoDescription())") }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let message = errnoDescription()
            close(fd)
            throw DataError(.io, file: path, "cannot read: \(message)")
        }
        if let kind = AtomicFile.nonRegularKind(info.st_mode) {
            close(fd)
            throw DataError(.io, file: path, "cannot read: it is \(kind), not a regular file; give the path of a file")
        }
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        return fd
    }

    /// The whole regular file at `path`, up to `limit` bytes (a longer file is refused).
    public static func read(_ path: String, limit: Int = 1 << 31) throws -> Data {
        let fd = try open(path)
        defer { close(fd) }
        var info = stat()
        _ = fstat(fd, &info)
        guard Int(info.st_size) <= limit else {
            throw DataError(.io, file: path, "cannot read: the file has \(info.st_size) bytes, more than the \(limit) this reader accepts")
        }
        var data = Data(count: Int(info.st_size))
        var done = 0
        try data.withUnsafeMutableBytes { (buffer: UnsafeMutableRawBufferPointer) in
            while done < buffer.count {
                let n = Glibc.read(fd, buffer.baseAddress! + done, buffer.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw DataError(.io, file: path, "read failed: \(errnoDescription())")
                }
                if n == 0 { break }   // the file shrank while being read
                done += n
            }
        }
        return data.prefix(done)
    }
}
