// What the fuzz targets share: the input as bytes, text or a file, and the one rule they all follow:
// a thrown error is an accepted answer to a bad input, anything else (a trap, a precondition, an
// AddressSanitizer report, a broken invariant checked with `expect`) is a finding.
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The bytes libFuzzer hands to `LLVMFuzzerTestOneInput`.
public struct FuzzInput {
    public let bytes: UnsafeBufferPointer<UInt8>

    public init(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        bytes = UnsafeBufferPointer(start: size > 0 ? data : nil, count: size)
    }

    public var data: Data { bytes.isEmpty ? Data() : Data(buffer: bytes) }

    /// The bytes as text (invalid UTF-8 repaired, as `String(decoding:)` does for a file's contents).
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Runs `body`; a thrown error is an accepted outcome. Returns 0 for libFuzzer.
@inline(never)
public func accept(_ body: () throws -> Void) -> CInt {
    do { try body() } catch {}
    return 0
}

/// A broken invariant (a documented property of a successful result): a finding, like a crash.
public func expect(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                   file: StaticString = #file, line: UInt = #line) {
    guard !condition() else { return }
    fputs("fuzz invariant broken: \(message())\n", stderr)
    fflush(stderr)
    abort()
}

/// A folder for this process's input files: /dev/shm when it is there (no disk traffic), else the
/// temporary folder. Removed at exit.
public let scratchDirectory: String = {
    let base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NSTemporaryDirectory()
    let dir = (base as NSString).appendingPathComponent("descent-fuzz-\(getpid())")
    mkdir(dir, 0o700)
    atexit { removeScratch() }
    return dir
}()

private func removeScratch() {
    try? FileManager.default.removeItem(atPath: scratchDirectory)
}

/// Writes `bytes` to `name` in the scratch folder (replacing its contents) and returns the path.
/// The readers under test take paths (they open, stat and read or map the file themselves).
@discardableResult
public func writeScratchFile(_ name: String, _ bytes: UnsafeBufferPointer<UInt8>) -> String {
    let path = (scratchDirectory as NSString).appendingPathComponent(name)
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    precondition(fd >= 0, "fuzz harness: cannot write \(path): \(String(cString: strerror(errno)))")
    defer { close(fd) }
    var done = 0
    while done < bytes.count {
        let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
        if n < 0 && errno == EINTR { continue }
        precondition(n > 0, "fuzz harness: short write to \(path)")
        done += n
    }
    return path
}

public func writeScratchFile(_ name: String, _ data: Data) -> String {
    data.withUnsafeBytes { writeScratchFile(name, $0.bindMemory(to: UInt8.self)) }
}

public func writeScratchFile(_ name: String, _ text: String) -> String {
    writeScratchFile(name, Data(text.utf8))
}
