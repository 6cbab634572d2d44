#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes a file so that readers see either the old contents or the complete new ones, never a part.
///
/// Steps:
/// 1. Resolve the destination. A symbolic link is followed (links to links too) and the file it
///    points to is replaced; the link itself stays.
/// 2. Check the destination (`checkWritable`). Its directory must exist and be writable. An
///    existing destination must be a regular file: a device, FIFO, socket or directory is refused,
///    so a device node such as `/dev/null` is never replaced by a file.
/// 3. Remove stale temporary files of this destination, left by a process killed mid-write:
///    `.<name>.tmp-XXXXXX` files that no writer holds locked and that were last changed before
///    this process started.
/// 4. Create the temporary file `.<name>.tmp-XXXXXX` beside the destination and lock it (`flock`,
///    released when it is closed or its writer dies), write, `fsync`, `rename` over the
///    destination, then `fsync` the directory.
///
/// The new file keeps the mode (and, where permitted, the owner) of the file it replaces; a new
/// file gets 0666 minus the umask, as `open(2)` would give it. On any failure the temporary file
/// is removed and the destination is left as it was.
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

        /// Appends `data` to the temporary file.
        public func write(_ data: Data) throws { try data.withUnsafeBytes { try write($0) } }
        /// Appends `text` as UTF-8 to the temporary file.
        public func write(_ text: String) throws { try write(Data(text.utf8)) }
    }

    /// Atomically replaces `url` with `data`.
    public static func write(_ data: Data, to url: URL) throws {
        try write(to: url) { try $0.write(data) }
    }

    /// Atomically replaces `url` with what `body` writes; if `body` throws, nothing changes on disk
    /// and the error is rethrown. Errors name `url`'s path as given.
    public static func write(to url: URL, _ body: (borrowing Writer) throws -> Void) throws {
        let named = url.path
        let destination = try checkWritable(url)
        let target = URL(fileURLWithPath: destination.path)
        let directory = target.deletingLastPathComponent().path
        removeStaleTemporaries(of: destination.path)

        var template = Array((directory + "/" + temporaryPrefix(of: target.lastPathComponent) + "XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw DataError(.unwritable, file: named, "cannot create a temporary file in \(directory): \(errnoDescription())")
        }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        _ = flock(fd, LOCK_EX)   // marks it as being written (see `removeStaleTemporaries`)
        var closed = false
        do {
            if let existing = destination.existing {
                _ = fchown(fd, existing.st_uid, existing.st_gid)   // only root may; otherwise the writer owns it
                _ = fchmod(fd, existing.st_mode & 0o7777)
            } else {
                _ = fchmod(fd, 0o666 & ~processUmask)
            }
            try body(Writer(fd: fd, path: named))
            guard fsync(fd) == 0 else { throw DataError(.unwritable, file: named, "fsync failed: \(errnoDescription())") }
            closed = true
            guard close(fd) == 0 else { throw DataError(.unwritable, file: named, "close failed: \(errnoDescription())") }
            guard rename(temporary, destination.path) == 0 else {
                throw DataError(.unwritable, file: named, "cannot rename the temporary file into place: \(errnoDescription())")
            }
        } catch {
            if !closed { close(fd) }
            unlink(temporary)
            throw error
        }
        let dirfd = open(directory, O_RDONLY)
        if dirfd >= 0 { _ = fsync(dirfd); close(dirfd) }
    }

    /// Where `write` would write, and what is there now.
    public struct Destination {
        /// The path after following symbolic links.
        public var path: String
        /// The existing regular file's status, nil when there is none yet.
        public var existing: stat?
    }

    /// Throws `.unwritable` naming the reason when `url` cannot be (re)placed by `write`: its
    /// directory is missing, not a directory or not writable; the path names something that is not
    /// a regular file (a directory, device, FIFO or socket); the file is read-only; or symbolic links
    /// loop. Returns the resolved destination. Call it before long work whose result goes to `url`.
    @discardableResult
    public static func checkWritable(_ url: URL) throws -> Destination {
        let named = url.path
        let path = try resolvingLinks(named)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var info = stat()
        guard stat(directory, &info) == 0 else {
            throw DataError(.unwritable, file: named, "cannot write: directory \(directory) does not exist")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw DataError(.unwritable, file: named, "cannot write: \(directory) is not a directory")
        }
        guard access(directory, W_OK) == 0 else {
            throw DataError(.unwritable, file: named, "cannot write: directory \(directory) is not writable")
        }
        guard lstat(path, &info) == 0 else { return Destination(path: path, existing: nil) }
        if let kind = nonRegularKind(info.st_mode) {
            throw DataError(.unwritable, file: named, "cannot write: it is \(kind), not a regular file; give the path of a file")
        }
        guard access(path, W_OK) == 0 else { throw DataError(.unwritable, file: named, "cannot write: the file is read-only") }
        return Destination(path: path, existing: info)
    }

    /// As `checkWritable(_ url:)`, for a path as the user typed it: also refuses an empty path and
    /// one ending in "/" (which names a directory), which `URL` would quietly turn into another path.
    @discardableResult
    public static func checkWritable(path: String) throws -> Destination {
        guard !path.isEmpty else { throw DataError(.unwritable, file: path, "cannot write: the path is empty") }
        guard !path.hasSuffix("/") else {
            throw DataError(.unwritable, file: path, "cannot write: the path ends in \"/\", so it names a directory, not a file")
        }
        return try checkWritable(URL(fileURLWithPath: path))
    }

    /// "a directory", "a character device", … for a file type that is not a regular file.
    public static func nonRegularKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a directory"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFSOCK: "a socket"
        case S_IFLNK: "a symbolic link"
        default: "not a regular file"
        }
    }

    /// `path` with every symbolic link followed (relative targets are relative to the link's
    /// directory). A path that does not exist yet resolves to itself.
    static func resolvingLinks(_ path: String) throws -> String {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, buffer.count - 1)
            guard n >= 0 else { throw DataError(.unwritable, file: path, "cannot read the symbolic link \(current): \(errnoDescription())") }
            let target = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = target.hasPrefix("/") ? target : URL(fileURLWithPath: current).deletingLastPathComponent().appendingPathComponent(target).path
        }
        throw DataError(.unwritable, file: path, "cannot write: too many levels of symbolic links")
    }

    /// `.<name>.tmp-`: the start of the temporary files `write` creates for a file called `name`.
    public static func temporaryPrefix(of name: String) -> String { "." + name + ".tmp-" }

    /// Removes the temporary files of `path` (`.<name>.tmp-` and 6 characters) that no writer holds
    /// locked and that were last changed before this process started: what a process killed
    /// mid-write left. A write in progress in another process holds its lock (and one just created,
    /// not yet locked, is newer than this process), so it stays.
    public static func removeStaleTemporaries(of path: String) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        let prefix = temporaryPrefix(of: url.lastPathComponent)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasPrefix(prefix) && name.count == prefix.count + 6 {
            let file = directory.appendingPathComponent(name).path
            var info = stat()
            guard lstat(file, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG,
                  Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9 < processStart else { continue }
            let fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW)
            guard fd >= 0 else { continue }
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { unlink(file) }   // nobody is writing it
            close(fd)
        }
    }

    /// When this process started (seconds since 1970), to about a clock tick, from /proc: the boot
    /// time as now minus /proc/uptime (the `btime` of /proc/stat is whole seconds, up to 1 s early),
    /// plus the process's start in ticks after boot. Else the first use of this type.
    static let processStart: Double = {
        if let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
           let close = stat.lastIndex(of: ")"),
           let uptimeText = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8),
           let uptime = uptimeText.split(separator: " ").first.flatMap({ Double($0) }) {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let boot = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 - uptime
            // Fields after the command name; starttime is field 22 of the whole line, 20th after ")".
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
            if fields.count > 19, let start = Double(fields[19]), ticks > 0 { return boot + start / ticks }
        }
        return Date().timeIntervalSince1970
    }()

    /// The process's umask, read without changing it (from /proc), else by setting and restoring it.
    static let processUmask: mode_t = {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Umask:") }),
           let value = mode_t(line.dropFirst(6).trimmingCharacters(in: .whitespaces), radix: 8) {
            return value
        }
        let m = umask(0o022)
        umask(m)
        return m
    }()
}
