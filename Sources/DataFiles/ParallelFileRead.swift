#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Reads a file's byte range into memory in chunks on two threads, handing the chunks to the
/// caller in order.
///
/// Reading a large file from the page cache into fresh memory is kernel work (faulting the pages
/// in, zeroing them, copying), a gigabyte taking 0.3–1 s on one core, several times a plain
/// page-cache read. Both threads claim the next unread chunk: a helper thread all the time, the
/// calling thread whenever the next chunk in order is not ready yet, so the two share the kernel
/// work and the caller's own pass over each chunk (`next()` → visit) runs between its reads, on
/// chunks just read (still in cache). The caller sees every chunk exactly once, in order; a helper
/// that gets no CPU only means the caller reads more.
final class ParallelFileRead: @unchecked Sendable {
    private let fd: Int32
    private let path: String
    private let destination: UnsafeMutableRawPointer
    private let fileOffset: Int
    private let total: Int
    let chunkBytes: Int
    let chunkCount: Int

    // Guarded by `mutex`.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var front = 0                // chunks from `front` on are unclaimed
    private let state: UnsafeMutablePointer<UInt8>   // 0 pending, 1 read, 2 failed
    private var failure: DataError?
    private var stopping = false
    private var helperRunning = true
    private var nextToVisit = 0

    /// `total` bytes from `fileOffset` of `fd` to `destination`, in chunks of `chunkBytes`
    /// (the last one shorter). Starts the helper thread.
    init(fd: Int32, path: String, fileOffset: Int, total: Int, into destination: UnsafeMutableRawPointer, chunkBytes: Int) {
        precondition(chunkBytes > 0 && total > 0, "parallel read of \(total) bytes in chunks of \(chunkBytes)")
        self.fd = fd; self.path = path; self.fileOffset = fileOffset; self.total = total
        self.destination = destination; self.chunkBytes = chunkBytes
        chunkCount = (total + chunkBytes - 1) / chunkBytes
        state = .allocate(capacity: chunkCount)
        state.initialize(repeating: 0, count: chunkCount)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(changed, nil)
        // A plain detached pthread (the helper signals its end through `helperRunning`); if
        // none can be had, the caller reads every chunk itself.
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let started = pthread_create(&thread, &attributes, { context in
            let reader = Unmanaged<ParallelFileRead>.fromOpaque(context!).takeRetainedValue()
            reader.helper()
            return nil
        }, context)
        pthread_attr_destroy(&attributes)
        if started != 0 {
            Unmanaged<ParallelFileRead>.fromOpaque(context).release()
            helperRunning = false
        }
    }

    deinit {
        pthread_cond_destroy(changed); pthread_mutex_destroy(mutex)
        changed.deallocate(); mutex.deallocate(); state.deallocate()
    }

    /// The byte range of chunk `k` within the range read.
    func range(of k: Int) -> Range<Int> { (k * chunkBytes)..<min(total, (k + 1) * chunkBytes) }

    /// Waits until the next chunk in order is in memory (reading unclaimed chunks meanwhile) and
    /// returns its index; nil after the last. Throws the first read error.
    func next() throws -> Int? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        let k = nextToVisit
        guard k < chunkCount else { return nil }
        while state[k] == 0 && failure == nil {
            if front < chunkCount {
                let j = front
                front += 1
                pthread_mutex_unlock(mutex)
                let error = read(j)
                pthread_mutex_lock(mutex)
                finished(j, error)
            } else {
                pthread_cond_wait(changed, mutex)
            }
        }
        if let failure { throw failure }
        nextToVisit += 1
        return k
    }

    /// Stops the helper and waits for it (call once, before the destination memory goes away).
    func finish() {
        pthread_mutex_lock(mutex)
        stopping = true
        while helperRunning { pthread_cond_wait(changed, mutex) }
        pthread_mutex_unlock(mutex)
    }

    private func helper() {
        pthread_mutex_lock(mutex)
        while front < chunkCount && failure == nil && !stopping {
            let k = front
            front += 1
            pthread_mutex_unlock(mutex)
            let error = read(k)
            pthread_mutex_lock(mutex)
            finished(k, error)
        }
        helperRunning = false
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
    }

    /// With the mutex held.
    private func finished(_ k: Int, _ error: DataError?) {
        state[k] = error == nil ? 1 : 2
        if let error, failure == nil { failure = error }
        pthread_cond_broadcast(changed)
    }

    /// Reads chunk `k` (no lock held).
    private func read(_ k: Int) -> DataError? {
        let r = range(of: k)
        var done = 0
        while done < r.count {
            let n = pread(fd, destination + r.lowerBound + done, r.count - done, off_t(fileOffset + r.lowerBound + done))
            if n < 0 {
                if errno == EINTR { continue }
                return DataError(.io, file: path, "read failed: \(errnoDescription())")
            }
            if n == 0 { return DataError(.truncated, file: path, "expected \(total) data bytes, the read stopped early") }
            done += n
        }
        return nil
    }
}
