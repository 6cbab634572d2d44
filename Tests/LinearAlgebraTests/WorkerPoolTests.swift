import Testing
import Descent

/// `WorkerPool` runs every part exactly once per job, whichever thread claims it, and keeps working
/// after its workers have gone to sleep.
struct WorkerPoolTests {
    final class Slots: @unchecked Sendable {
        let values: UnsafeMutableBufferPointer<Int>
        init(_ n: Int) { values = .allocate(capacity: n); values.initialize(repeating: 0) }
        deinit { values.deallocate() }
    }

    @Test func everyPartRunsOncePerJob() throws {
        let pool = try WorkerPool(threads: 3)
        let slots = Slots(3 * 16)
        for job in 1...600 {
            let parts = 1 + job % 3
            pool.run(parts: parts) { p in slots.values[p * 16] += p + 1 }
        }
        // Part p ran in every job with more than p parts.
        let counts = (0..<3).map { p in (1...600).filter { 1 + $0 % 3 > p }.count }
        for p in 0..<3 { #expect(slots.values[p * 16] == counts[p] * (p + 1), "part \(p)") }
    }

    @Test func wakesSleepingWorkers() throws {
        let pool = try WorkerPool(threads: 2, spinIterations: 10, yieldIterations: 0)   // workers sleep almost at once
        let slots = Slots(32)
        for _ in 0..<200 {
            pool.run(parts: 2) { p in slots.values[p * 16] += 1 }
            for _ in 0..<2000 { _ = slots.values[31] }   // give the worker time to fall asleep
        }
        #expect(slots.values[0] == 200 && slots.values[16] == 200)
    }

    @Test func singleThreadPoolRunsOnTheCaller() throws {
        let pool = try WorkerPool(threads: 1)
        var ran = 0
        pool.run(parts: 1) { _ in ran += 1 }
        #expect(ran == 1)
        #expect(WorkerPool.defaultThreadCount >= 1)
    }
}
