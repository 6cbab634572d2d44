import Atomics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed set of persistent threads that run the parts of one job at a time: `run(parts:_:)`
/// calls `body(0)` on the calling thread and `body(1)…body(parts − 1)` on whichever threads claim
/// them first, and returns when every part is done.
///
/// Built for the training step, where a part is a few microseconds of work: the threads are made
/// once, in `init`; between jobs a worker spins on an atomic job counter for `spinIterations`
/// loads (so the next step's hand-off costs a cache-line transfer, not a wake-up), then for
/// `yieldIterations` more rounds yields the processor between loads (so that a machine with more
/// runnable threads than cores keeps making progress), and then sleeps on a semaphore until the
/// next job. The caller waits for the parts the same way, spinning then yielding.
/// `run(parts:job:)` allocates nothing; `run(parts:_:)` with a closure allocates one small context
/// a call (`withoutActuallyEscaping` boxes the closure to check that it did not escape), so a
/// training step passes a `WorkerPoolJob` object made once (kept by its caller, or by the pool:
/// `reusableJob`).
///
/// Parts 1… are claimed one at a time from an atomic ticket by the woken workers and, once its
/// own part is done, by the caller: a worker that the system has not scheduled (a busy machine)
/// therefore never holds a job up, the caller just does that part itself. Part p computes the same
/// thing whichever thread runs it, so a job whose parts write to disjoint memory and are combined
/// by the caller in part order gives the same result on every run.
///
/// One job at a time: `run` must not be called from two threads at once, nor from inside a part.
public final class WorkerPool: @unchecked Sendable {
    /// The processors available to this process (at least 1): the default size of the pools that
    /// training objectives make.
    public static var defaultThreadCount: Int {
        Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// Threads including the caller's: parts per job at most.
    public let threadCount: Int
    /// Loads an idle worker (or the waiting caller) spins for before it starts yielding.
    public let spinIterations: Int
    /// Yields of an idle worker before it sleeps.
    public let yieldIterations: Int

    /// The job counter and the current job's part count in one word, `(job << 16) | parts`, so
    /// that a worker that sees a job also sees how many parts it has (a worker that wakes late
    /// must not read the part count of a later job).
    private let generation = ManagedAtomic<Int>(0)
    private static let partBits = 16
    private static let partMask = (1 << partBits) - 1
    /// `(job << 16) | next`: the next unclaimed part of the current job (see `claim`).
    private let ticket = ManagedAtomic<Int>(0)
    private let finished = ManagedAtomic<Int>(0)
    private let stopping = ManagedAtomic<Bool>(false)
    private var workers: [Worker] = []
    /// The current job's body (written before `generation` moves on, read by the job's workers
    /// after they see it).
    private var job: ((Int) -> Void)?
    /// Or the current job as an object (`run(parts:job:)`).
    private var jobObject: (any WorkerPoolJob)?
    /// The job objects of `reusableJob`, one per type.
    private var reusable: [(ObjectIdentifier, AnyObject)] = []

    final class Worker {
        let index: Int
        let sleeping = ManagedAtomic<Bool>(false)
        let wake = ThreadSemaphore()
        var thread: pthread_t? = nil
        unowned(unsafe) let pool: WorkerPool   // the pool joins its workers before it goes
        init(index: Int, pool: WorkerPool) { self.index = index; self.pool = pool }
    }

    /// A pool of `threads` threads in all (the caller plus `threads − 1` workers). Throws when the
    /// system refuses to create a thread.
    public init(threads: Int, spinIterations: Int = 20_000, yieldIterations: Int = 200) throws {
        precondition(threads >= 1 && threads < 1 << Self.partBits, "a worker pool needs 1…\((1 << Self.partBits) - 1) threads, got \(threads)")
        precondition(spinIterations >= 0 && yieldIterations >= 0, "spin and yield counts must be ≥ 0")
        threadCount = threads
        self.spinIterations = spinIterations
        self.yieldIterations = yieldIterations
        for i in 1..<threads {
            let w = Worker(index: i, pool: self)
            workers.append(w)
            let context = Unmanaged.passRetained(w).toOpaque()
            var tid = pthread_t()
            let rc = pthread_create(&tid, nil, { raw in
                #if canImport(Darwin)
                let w = Unmanaged<WorkerPool.Worker>.fromOpaque(raw).takeRetainedValue()
                #else
                let w = Unmanaged<WorkerPool.Worker>.fromOpaque(raw!).takeRetainedValue()
                #endif
                w.pool.workerLoop(w)
                return nil
            }, context)
            guard rc == 0 else {
                Unmanaged<Worker>.fromOpaque(context).release()
                workers.removeLast()
                shutDown()
                throw WorkerPoolError("cannot start worker thread \(i) of \(threads - 1): error \(rc)")
            }
            w.thread = tid
        }
    }

    deinit { shutDown() }

    private func shutDown() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        generation.wrappingIncrement(by: 1 << Self.partBits, ordering: .sequentiallyConsistent)
        for w in workers where w.sleeping.exchange(false, ordering: .sequentiallyConsistent) { w.wake.signal() }
        for w in workers { if let t = w.thread { pthread_join(t, nil) } }
        workers.removeAll()
    }

    /// Runs `body(p)` for p in 0..<parts, part 0 on the calling thread, and returns when all are done.
    public func run(parts: Int, _ body: (Int) -> Void) {
        precondition(parts >= 1 && parts <= threadCount, "run: \(parts) parts on a pool of \(threadCount) threads")
        if parts == 1 { body(0); return }
        withoutActuallyEscaping(body) { escapable in
            job = escapable
            dispatch(parts: parts, escapable)
            job = nil
        }
    }

    /// Runs `job.runPart(p)` for p in 0..<parts, part 0 on the calling thread, and returns when all
    /// are done; allocates nothing.
    public func run(parts: Int, job: any WorkerPoolJob) {
        precondition(parts >= 1 && parts <= threadCount, "run: \(parts) parts on a pool of \(threadCount) threads")
        if parts == 1 { job.runPart(0); return }
        jobObject = job
        dispatch(parts: parts) { job.runPart($0) }
        jobObject = nil
    }

    /// The pool's job object of type `J`: made by `make` on the first call for that type, then
    /// kept and returned again. For kernels that have nowhere else to keep a `WorkerPoolJob` made
    /// once (the pooled sparse products): they set its inputs and pass it to `run(parts:job:)`, so
    /// that only the first call allocates. The same rule as `run`: one thread at a time, never from
    /// inside a part; a job object must not be in use by two kernels at once.
    public func reusableJob<J: WorkerPoolJob>(_ make: () -> J) -> J {
        let id = ObjectIdentifier(J.self)
        var i = 0
        while i < reusable.count {   // (a while loop: a `for … where` over the array allocated, unspecialised)
            if reusable[i].0 == id { return unsafeDowncast(reusable[i].1, to: J.self) }
            i += 1
        }
        let job = make()
        reusable.append((id, job))
        return job
    }

    /// Hands out the parts of the job just stored (`job` or `jobObject`), runs part 0 and any
    /// unclaimed part with `local`, and waits for the rest.
    @inline(__always)
    private func dispatch(parts: Int, _ local: (Int) -> Void) {
        finished.store(0, ordering: .relaxed)
        let jobNumber = (generation.load(ordering: .relaxed) >> Self.partBits) + 1
        ticket.store(jobNumber << Self.partBits | 1, ordering: .sequentiallyConsistent)
        generation.store(jobNumber << Self.partBits | parts, ordering: .sequentiallyConsistent)
        for i in 0..<(parts - 1) where workers[i].sleeping.exchange(false, ordering: .sequentiallyConsistent) {
            workers[i].wake.signal()   // (by index: iterating a slice of the array allocated, unspecialised)
        }
        local(0)
        while let p = claim(job: jobNumber, parts: parts) {
            local(p)
            finished.wrappingIncrement(ordering: .releasing)
        }
        var spins = 0
        while finished.load(ordering: .acquiring) < parts - 1 {
            spins += 1
            if spins > spinIterations { sched_yield() }
        }
    }

    /// The next unclaimed part of job `job` (nil when all are taken, or the job is over).
    @inline(__always)
    private func claim(job: Int, parts: Int) -> Int? {
        var t = ticket.load(ordering: .acquiring)
        while t >> Self.partBits == job && t & Self.partMask < parts {
            let (exchanged, original) = ticket.weakCompareExchange(expected: t, desired: t + 1,
                                                                   ordering: .acquiringAndReleasing)
            if exchanged { return t & Self.partMask }
            t = original
        }
        return nil
    }

    private func workerLoop(_ w: Worker) {
        var seen = 0
        while true {
            var spins = 0
            var current = generation.load(ordering: .acquiring)
            while current == seen {
                spins += 1
                if spins < spinIterations + yieldIterations {
                    if spins > spinIterations { sched_yield() }
                    current = generation.load(ordering: .acquiring)
                    continue
                }
                // Sleep until the next job (see `run`: it clears `sleeping` and signals once).
                w.sleeping.store(true, ordering: .sequentiallyConsistent)
                current = generation.load(ordering: .sequentiallyConsistent)
                if current != seen {
                    if !w.sleeping.exchange(false, ordering: .sequentiallyConsistent) { w.wake.wait() }
                } else {
                    w.wake.wait()
                    current = generation.load(ordering: .acquiring)
                }
                spins = 0
            }
            seen = current
            if stopping.load(ordering: .acquiring) { return }
            while let p = claim(job: current >> Self.partBits, parts: current & Self.partMask) {
                runPart(p)
                finished.wrappingIncrement(ordering: .releasing)
            }
        }
    }

    @inline(never)
    private func runPart(_ index: Int) {
        if let jobObject { jobObject.runPart(index) } else { job!(index) }
    }
}

/// A job for `WorkerPool.run(parts:job:)`: part `p` of it is `runPart(p)`, called once per part
/// from whichever thread claims it. A class, so that the pool can hold it without allocating;
/// make it once and set its inputs before each run.
public protocol WorkerPoolJob: AnyObject {
    /// Runs part `part` of the job.
    func runPart(_ part: Int)
}

/// Why a `WorkerPool` could not be made.
public struct WorkerPoolError: Error, CustomStringConvertible {
    public let description: String
    init(_ d: String) { description = d }
}

/// A counting semaphore on a pthread mutex and condition variable (allocated once; `wait` and
/// `signal` allocate nothing).
final class ThreadSemaphore {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var count = 0

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition); pthread_mutex_destroy(mutex)
        condition.deallocate(); mutex.deallocate()
    }

    func wait() {
        pthread_mutex_lock(mutex)
        while count == 0 { pthread_cond_wait(condition, mutex) }
        count -= 1
        pthread_mutex_unlock(mutex)
    }

    func signal() {
        pthread_mutex_lock(mutex)
        count += 1
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }
}
