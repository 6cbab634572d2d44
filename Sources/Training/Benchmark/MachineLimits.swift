import LinearAlgebra

/// What the machine can do at best, at 1…N threads, for the three kinds of work a training epoch
/// is bound by:
///
/// - **streaming read**: a large array (`Settings.arrayBytes`, 1 GiB by default, huge-page backed)
///   summed once, each thread a contiguous slice (the full-batch epoch reads X like this);
/// - **shuffled-row read**: rows of the training data's width, visited in a seeded random order and
///   read in place (each consumed by a dot product with a fixed vector, the rows a few positions
///   ahead prefetched), each thread a contiguous slice of the order: a mini-batch epoch's access
///   pattern without its arithmetic;
/// - **gemm**: an n×n OpenBLAS `gemm` at 1…N OpenBLAS threads (what a many-output model's batch is).
///
/// Every figure is the best of `Settings.repetitions` runs. The loops are `LimitKernels`.
public struct MachineLimits: Codable, Equatable, Sendable {
    /// The streaming read of the whole array.
    public var streamingRead: BandwidthLimit
    /// One entry per row width in `Settings.rowBytes`.
    public var shuffledRowRead: [BandwidthLimit]
    /// One entry per precision in `Settings.gemmScalars`.
    public var gemm: [GemmLimit]

    /// Limits with these measurements.
    public init(streamingRead: BandwidthLimit, shuffledRowRead: [BandwidthLimit], gemm: [GemmLimit]) {
        self.streamingRead = streamingRead; self.shuffledRowRead = shuffledRowRead; self.gemm = gemm
    }

    /// The shuffled-row limit for rows of `rowBytes` at `threads` threads, if measured.
    public func shuffledRows(rowBytes: Int, threads: Int) -> LimitReference? {
        shuffledRowRead.first { $0.rowBytes == rowBytes }?.reference(threads: threads)
    }

    /// The streaming read limit at `threads` threads, if measured.
    public func streaming(threads: Int) -> LimitReference? { streamingRead.reference(threads: threads) }

    /// The gemm limit in `scalar` precision at `threads` threads, if measured.
    public func gemm(_ scalar: BenchmarkScalar, threads: Int) -> LimitReference? {
        gemm.first { $0.scalar == scalar }?.reference(threads: threads)
    }
}

extension MachineLimits {
    /// What `measure` measures, and how long.
    public struct Settings: Codable, Equatable, Sendable {
        /// Thread counts, e.g. [1, 2].
        public var threads: [Int]
        /// The array both bandwidths read (rounded down to whole 16 KiB blocks).
        public var arrayBytes: Int
        /// Row widths for the shuffled-row read (multiples of 4 bytes).
        public var rowBytes: [Int]
        /// Bytes of rows one shuffled-row repetition reads (each repetition a new slice of the order;
        /// at most a quarter of the array).
        public var bytesPerRowRepetition: Int
        /// Rows prefetched ahead in the shuffled-row read (the fused training kernel's distance by default).
        public var prefetchDistance: Int
        /// The precisions of the gemm limit.
        public var gemmScalars: [BenchmarkScalar]
        /// n of the n×n gemm; nil: the largest multiple of 256 in 1024…2048 whose product takes about
        /// `autoGemmSeconds` at one thread (from a 512³ probe), so that slow kernels keep the run short.
        public var gemmSize: Int?
        /// Timed repetitions per figure (the best is reported).
        public var repetitions: Int
        /// The seed of the shuffled order.
        public var seed: UInt64

        /// Settings with these values (defaults: a 1 GiB array, 256 MiB of rows per repetition, both
        /// precisions, 3 repetitions).
        public init(threads: [Int], arrayBytes: Int = 1 << 30, rowBytes: [Int], bytesPerRowRepetition: Int = 256 << 20,
                    prefetchDistance: Int? = nil, gemmScalars: [BenchmarkScalar] = BenchmarkScalar.allCases,
                    gemmSize: Int? = nil, repetitions: Int = 3, seed: UInt64 = 1) {
            self.threads = threads; self.arrayBytes = arrayBytes; self.rowBytes = rowBytes
            self.bytesPerRowRepetition = bytesPerRowRepetition
            self.prefetchDistance = prefetchDistance ?? FusedLinearGradient.prefetchDistance
            self.gemmScalars = gemmScalars; self.gemmSize = gemmSize; self.repetitions = repetitions; self.seed = seed
        }

        /// Throws `BenchmarkError` naming the first setting out of range.
        public func validate() throws {
            guard !threads.isEmpty, threads.allSatisfy({ $0 >= 1 && $0 < 1 << 15 }) else {
                throw BenchmarkError("thread counts must be 1 or more, got \(threads)")
            }
            guard repetitions >= 1 else { throw BenchmarkError("repetitions must be at least 1, got \(repetitions)") }
            guard prefetchDistance >= 0 else { throw BenchmarkError("prefetch distance must be at least 0, got \(prefetchDistance)") }
            let elements = arrayBytes / MemoryLayout<Float>.stride / LimitKernels.blockLength * LimitKernels.blockLength
            guard elements > 0 else {
                throw BenchmarkError("the limit array must hold at least \(ByteCountText.format(LimitKernels.blockLength * 4)), got \(arrayBytes) bytes")
            }
            for r in rowBytes {
                guard r >= 4, r % 4 == 0 else { throw BenchmarkError("row widths must be positive multiples of 4 bytes, got \(r)") }
                guard elements / (r / 4) >= 2 else {
                    throw BenchmarkError("the limit array (\(ByteCountText.format(elements * 4))) must hold at least two rows of \(ByteCountText.format(r))")
                }
            }
            guard bytesPerRowRepetition >= 1 else { throw BenchmarkError("bytes per row repetition must be at least 1") }
            if let n = gemmSize {
                guard n >= 1 else { throw BenchmarkError("gemm size must be at least 1, got \(n)") }
                // Three n×n matrices of doubles, within the quarter of memory a model may use.
                let (square, o1) = n.multipliedReportingOverflow(by: n)
                let (bytes, o2) = square.multipliedReportingOverflow(by: 3 * MemoryLayout<Double>.size)
                let limit = 2 * ModelShape.parameterByteLimit
                guard !o1, !o2, bytes <= limit else {
                    throw BenchmarkError("gemm size \(n) needs three \(n)×\(n) matrices, more than the \(limit >> 20) MiB allowed "
                                         + "(a quarter of this machine's memory); use a smaller size")
                }
            }
        }
    }

    /// Seconds one automatically sized gemm should take at one thread.
    public static let autoGemmSeconds = 0.25

    /// Measures every limit (allocating the array once, `arrayBytes`; throws when it cannot be had).
    /// OpenBLAS's thread count is restored afterwards.
    public static func measure(_ settings: Settings) throws -> MachineLimits {
        try settings.validate()
        let savedBLASThreads = BLASRuntime.threads
        defer { BLASRuntime.threads = savedBLASThreads }
        let pool = try WorkerPool(threads: settings.threads.max()!)
        let block = LimitKernels.blockLength
        let blocks = settings.arrayBytes / MemoryLayout<Float>.stride / block
        guard let array = Matrix<Float>(tryingRows: blocks, cols: block, initializingWith: { $0.initialize(repeating: 1) }) else {
            throw BenchmarkError("cannot allocate the \(ByteCountText.format(blocks * block * 4)) limit array (use a smaller size)")
        }
        let kernels = LimitKernels(threads: pool.threadCount, vectorLength: settings.rowBytes.map { $0 / 4 }.max() ?? 0)
        let arrayBytes = blocks * block * MemoryLayout<Float>.stride
        let streaming = array.withUnsafeBufferPointer { buffer in
            BandwidthLimit(arrayBytes: arrayBytes, rowBytes: nil, bytesPerRepetition: arrayBytes, prefetchDistance: nil,
                           measurements: settings.threads.map { t in
                let seconds = Stopwatch.best(of: settings.repetitions) { _ in
                    kernels.streamingSum(buffer.baseAddress!, blocks: blocks, parts: t, pool: pool)
                }
                return LimitMeasurement(threads: t, value: Double(arrayBytes) / seconds / 1e9, seconds: seconds,
                                        repetitions: settings.repetitions)
            })
        }
        var generator = SeededGenerator(seed: settings.seed)
        var rowLimits: [BandwidthLimit] = []
        for rowBytes in settings.rowBytes {
            let rowLength = rowBytes / 4, rowCount = blocks * block / rowLength
            var order = Array(0..<rowCount)
            generator.shuffle(&order)
            // At most a quarter of the rows a repetition, so that consecutive repetitions read other rows.
            let visited = Swift.max(1, Swift.min(rowCount / 4, settings.bytesPerRowRepetition / rowBytes))
            let slices = rowCount / visited
            var slice = 0
            let measurements = array.withUnsafeBufferPointer { buffer in
                order.withUnsafeBufferPointer { order in
                    settings.threads.map { t in
                        let seconds = Stopwatch.best(of: settings.repetitions) { _ in
                            kernels.shuffledRows(buffer.baseAddress!, rowLength: rowLength,
                                                 order: order.baseAddress! + (slice % slices) * visited, count: visited,
                                                 prefetchDistance: settings.prefetchDistance, parts: t, pool: pool)
                            slice += 1
                        }
                        return LimitMeasurement(threads: t, value: Double(visited * rowBytes) / seconds / 1e9,
                                                seconds: seconds, repetitions: settings.repetitions)
                    }
                }
            }
            rowLimits.append(BandwidthLimit(arrayBytes: arrayBytes, rowBytes: rowBytes, bytesPerRepetition: visited * rowBytes,
                                            prefetchDistance: settings.prefetchDistance, measurements: measurements))
        }
        let gemm = settings.gemmScalars.map { scalar in
            switch scalar {
            case .float: gemmLimit(Float.self, settings: settings)
            case .double: gemmLimit(Double.self, settings: settings)
            }
        }
        return MachineLimits(streamingRead: streaming, shuffledRowRead: rowLimits, gemm: gemm)
    }

    /// C ← A·B for n×n matrices at each thread count (one untimed product first at each).
    static func gemmLimit<S: BLASScalar>(_: S.Type, settings: Settings) -> GemmLimit {
        var generator = SeededGenerator(seed: settings.seed)
        let n = settings.gemmSize ?? automaticGemmSize(S.self, generator: &generator)
        let a = Matrix<S>(rows: n, cols: n) { _, _ in S(2 * generator.nextUnit() - 1) }
        let b = Matrix<S>(rows: n, cols: n) { _, _ in S(2 * generator.nextUnit() - 1) }
        var c = Matrix<S>(rows: n, cols: n)
        let flops = 2 * Double(n) * Double(n) * Double(n)
        let measurements = settings.threads.map { t in
            BLASRuntime.threads = t
            let seconds = a.withView { a in
                b.withView { b in
                    c.withMutableView { c in
                        BLAS.gemm(a, .none, b, .none, into: c)
                        return Stopwatch.best(of: settings.repetitions) { _ in BLAS.gemm(a, .none, b, .none, into: c) }
                    }
                }
            }
            return LimitMeasurement(threads: t, value: flops / seconds / 1e9, seconds: seconds, repetitions: settings.repetitions)
        }
        return GemmLimit(scalar: .of(S.self), size: n, measurements: measurements)
    }

    /// The gemm size for `autoGemmSeconds` at one thread, from the rate of a 512³ product.
    static func automaticGemmSize<S: BLASScalar>(_: S.Type, generator: inout SeededGenerator) -> Int {
        let probe = 512
        let a = Matrix<S>(rows: probe, cols: probe) { _, _ in S(2 * generator.nextUnit() - 1) }
        var c = Matrix<S>(rows: probe, cols: probe)
        BLASRuntime.threads = 1
        let seconds = a.withView { a in
            c.withMutableView { c in
                BLAS.gemm(a, .none, a, .none, into: c)
                return Stopwatch.best(of: 2) { _ in BLAS.gemm(a, .none, a, .none, into: c) }
            }
        }
        let rate = 2 * Double(probe * probe * probe) / seconds
        let side = Double.pow(autoGemmSeconds * rate / 2, 1.0 / 3)
        return Swift.min(2048, Swift.max(1024, Int(side / 256) * 256))
    }
}
