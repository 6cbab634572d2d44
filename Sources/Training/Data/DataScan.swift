import Collective
import LinearAlgebra

/// One pass over a data set as it is read: whether every value is finite (and where the first
/// one that is not sits), an XXH64 digest of each matrix, and optionally the column moments that
/// `Standardization` needs. A reader hands it each block of rows as soon as the block is in memory
/// (`NPYFile.read(…, visitingRows:)`, `CSVReader.read(…, visitingRows:)`), so all of this happens
/// while the block is still in cache, instead of as separate passes over a matrix that is larger
/// than the cache.
///
/// Features and targets are streams of their own (they may come from two files, one after the
/// other): `addFeatures` and `addTargets` each take the next rows of their matrix, in order.
/// Every kernel is specialised for `Float` and `Double` and allocates nothing per element.
public struct DataScan<Scalar: BLASScalar>: Sendable {
    /// A NaN or ±∞: its 0-based row and column, and whether it is in the targets.
    public struct NonFiniteValue: Sendable, Equatable {
        /// The value's 0-based row.
        public var row: Int
        /// The value's 0-based column.
        public var column: Int
        /// Whether the value is in the targets (else in the features).
        public var inTargets: Bool
        /// The value itself.
        public var value: Scalar
    }

    /// The feature columns scanned.
    public let featureCount: Int
    /// The target columns scanned.
    public let targetCount: Int
    /// Whether values are checked for NaN and ±∞.
    public let checksFinite: Bool
    /// Rows seen so far in each stream.
    public private(set) var featureRows = 0
    /// Target rows seen so far.
    public private(set) var targetRows = 0
    /// The first non-finite value of each matrix (row-major order).
    public private(set) var firstNonFiniteFeature: NonFiniteValue?
    /// The first non-finite target value.
    public private(set) var firstNonFiniteTarget: NonFiniteValue?
    /// Moments of the feature and target columns, when asked for.
    public private(set) var featureMoments: ColumnMoments?
    /// Moments of the target columns, when asked for.
    public private(set) var targetMoments: ColumnMoments?
    private let collectsRows: Bool
    private var badFeatureRows: [Int] = []
    private var badTargetRows: [Int] = []
    private var featureHasher: XXH64?
    private var targetHasher: XXH64?

    /// - Parameters:
    ///   - checkingFinite: look for NaN/±∞ (a reader that has checked every value may skip it).
    ///   - collectingNonFiniteRows: also list every row holding one (to drop them).
    ///   - digest: hash the bytes of both matrices (see `digest`).
    ///   - featureMoments, targetMoments: accumulate `ColumnMoments` of either matrix.
    public init(featureCount: Int, targetCount: Int, checkingFinite: Bool = true,
                collectingNonFiniteRows: Bool = false, digest: Bool = false,
                featureMoments: Bool = false, targetMoments: Bool = false) {
        precondition(featureCount >= 0 && targetCount >= 0, "data scan of \(featureCount) features and \(targetCount) targets")
        self.featureCount = featureCount; self.targetCount = targetCount
        checksFinite = checkingFinite
        collectsRows = checkingFinite && collectingNonFiniteRows
        if digest { featureHasher = XXH64(); targetHasher = XXH64() }
        if featureMoments { self.featureMoments = ColumnMoments(columnCount: featureCount) }
        if targetMoments { self.targetMoments = ColumnMoments(columnCount: targetCount) }
    }

    /// Rows per call that keep a block in cache (about 512 KiB, a multiple of
    /// `ColumnMoments.blockRows`, at least one block).
    public static func chunkRows(columns: Int) -> Int {
        let rowBytes = max(1, columns * MemoryLayout<Scalar>.stride)
        let rows = (512 << 10) / rowBytes / ColumnMoments.blockRows * ColumnMoments.blockRows
        return max(ColumnMoments.blockRows, rows)
    }

    /// The next rows of the features.
    public mutating func addFeatures(_ rows: MatrixView<Scalar>) {
        precondition(rows.cols == featureCount, "data scan: \(featureCount) feature columns, got a \(rows.shape) block")
        Self.scan(rows, firstRow: featureRows, inTargets: false, checking: checksFinite, collecting: collectsRows,
                  first: &firstNonFiniteFeature, bad: &badFeatureRows, hasher: &featureHasher, moments: &featureMoments)
        featureRows += rows.rows
    }

    /// The next rows of the targets.
    public mutating func addTargets(_ rows: MatrixView<Scalar>) {
        precondition(rows.cols == targetCount, "data scan: \(targetCount) target columns, got a \(rows.shape) block")
        Self.scan(rows, firstRow: targetRows, inTargets: true, checking: checksFinite, collecting: collectsRows,
                  first: &firstNonFiniteTarget, bad: &badTargetRows, hasher: &targetHasher, moments: &targetMoments)
        targetRows += rows.rows
    }

    /// Scans whole matrices, a cache-sized block of rows at a time (for data that did not come
    /// through a reader that visits its rows, e.g. the built-in problem).
    public mutating func add(features x: Matrix<Scalar>, targets y: Matrix<Scalar>) {
        for (m, isTarget) in [(x, false), (y, true)] {
            let step = Self.chunkRows(columns: m.cols)
            m.withView { v in
                var r = 0
                repeat {
                    let block = v.rows(r..<min(v.rows, r + step))
                    if isTarget { addTargets(block) } else { addFeatures(block) }
                    r += step
                } while r < v.rows
            }
        }
    }

    /// The first non-finite value in row order, a feature before a target in the same row (as a
    /// reader reports it), or nil.
    public var firstNonFinite: NonFiniteValue? {
        switch (firstNonFiniteFeature, firstNonFiniteTarget) {
        case let (f?, t?): return t.row < f.row ? t : f
        case let (f, t): return f ?? t
        }
    }

    /// Every row holding a non-finite feature or target, ascending (collected only with
    /// `collectingNonFiniteRows`).
    public var nonFiniteRows: [Int] {
        if badTargetRows.isEmpty { return badFeatureRows }
        if badFeatureRows.isEmpty { return badTargetRows }
        return Array(Set(badFeatureRows).union(badTargetRows)).sorted()
    }

    /// `rows×cols:hash;rows×cols:hash` for the features and the targets, the hash being XXH64
    /// (seed 0, 16 hex digits) of the row-major bytes as stored; nil without `digest`.
    public var digest: String? {
        guard let fx = featureHasher, let fy = targetHasher else { return nil }
        func part(_ rows: Int, _ cols: Int, _ h: XXH64) -> String { "\(rows)x\(cols):" + h.hex }
        return part(featureRows, featureCount, fx) + ";" + part(targetRows, targetCount, fy)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private static func scan(_ v: MatrixView<Scalar>, firstRow: Int, inTargets: Bool, checking: Bool, collecting: Bool,
                             first: inout NonFiniteValue?, bad: inout [Int], hasher: inout XXH64?,
                             moments: inout ColumnMoments?) {
        guard v.rows > 0, v.cols > 0, let base = v.base else { return }
        let contiguous = v.stride == v.cols
        if checking && (collecting || first == nil) {
            let clean = contiguous
                ? FiniteCheck.allFinite(UnsafeBufferPointer(start: base, count: v.rows * v.cols))
                : (0..<v.rows).allSatisfy { FiniteCheck.allFinite(v.row($0)) }
            if !clean {
                for i in 0..<v.rows {
                    guard let j = FiniteCheck.firstNonFinite(in: v.row(i)) else { continue }
                    if first == nil { first = NonFiniteValue(row: firstRow + i, column: j, inTargets: inTargets, value: v[i, j]) }
                    if !collecting { break }
                    bad.append(firstRow + i)
                }
            }
        }
        if hasher != nil {
            let rowBytes = v.cols * MemoryLayout<Scalar>.stride
            if contiguous {
                hasher!.update(UnsafeRawBufferPointer(start: base, count: v.rows * rowBytes))
            } else {
                for i in 0..<v.rows { hasher!.update(UnsafeRawBufferPointer(start: base + i * v.stride, count: rowBytes)) }
            }
        }
        moments?.add(v)
    }
}

// MARK: Finiteness

/// NaN/±∞ detection at memory speed: an OR over the exponent fields (which vectorises), and an
/// element-by-element search only in a 4096-element block the OR has flagged.
public enum FiniteCheck {
    /// The index of the first NaN or ±∞ in `values`, or nil.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func firstNonFinite<Scalar: BLASScalar>(in values: UnsafeBufferPointer<Scalar>) -> Int? {
        var start = 0
        while start < values.count {
            let end = min(values.count, start + 4096)
            if !allFinite(UnsafeBufferPointer(rebasing: values[start..<end])) {
                for i in start..<end where !values[i].isFinite { return i }
            }
            start = end
        }
        return nil
    }

    /// Whether every value is finite.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func allFinite<Scalar: BLASScalar>(_ values: UnsafeBufferPointer<Scalar>) -> Bool {
        guard let base = values.baseAddress, !values.isEmpty else { return true }
        let n = values.count
        // An exponent field of all ones (NaN, ±∞) plus one carries into the sign bit.
        if Scalar.self == Float.self {
            return UnsafeRawPointer(base).withMemoryRebound(to: UInt32.self, capacity: n) { p in
                var acc: UInt32 = 0
                for i in 0..<n { acc |= (p[i] & 0x7F80_0000) &+ 0x0080_0000 }
                return acc & 0x8000_0000 == 0
            }
        }
        if Scalar.self == Double.self {
            return UnsafeRawPointer(base).withMemoryRebound(to: UInt64.self, capacity: n) { p in
                var acc: UInt64 = 0
                for i in 0..<n { acc |= (p[i] & 0x7FF0_0000_0000_0000) &+ 0x0010_0000_0000_0000 }
                return acc & 0x8000_0000_0000_0000 == 0
            }
        }
        return values.allSatisfy(\.isFinite)
    }
}

// MARK: Column moments

/// Per-column count, mean, population variance and constancy, accumulated in `Double` in one pass
/// over rows that arrive a block at a time.
///
/// Rows are taken in blocks of `blockRows`: within a block, the column sums and then the squared
/// deviations from the block's own mean (two sweeps over a block that is in cache, eight columns
/// at a time in SIMD registers); blocks are
/// merged by Chan et al.'s update (M₂ += M₂,b + δ²·nₐ·n_b/n). This is as accurate as a two-pass
/// computation over the whole column and reads the data from memory once. The result depends only
/// on the rows and their order, not on how they are split into calls, as long as every call but the
/// last adds a multiple of `blockRows` rows.
public struct ColumnMoments: Sendable, Equatable {
    /// Rows per block of the computation.
    public static let blockRows = 64
    /// The number of columns.
    public let columnCount: Int
    /// Rows added so far.
    public private(set) var count = 0
    /// [sums | M₂ | first values | varies (0 or 1) | block sums | block means | block squares],
    /// `columnCount` each.
    private var store: [Double]

    /// Empty moments of `columnCount` (≥ 0) columns.
    public init(columnCount: Int) {
        precondition(columnCount >= 0, "moments of \(columnCount) columns")
        self.columnCount = columnCount
        store = [Double](repeating: 0, count: 7 * columnCount)
    }

    /// Adds the rows of `v` (finite values; `v.cols == columnCount`).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func add<Scalar: BLASScalar>(_ v: MatrixView<Scalar>) {
        precondition(v.cols == columnCount, "moments of \(columnCount) columns, got a \(v.shape) block")
        guard v.rows > 0 else { return }
        let d = columnCount
        guard d > 0, let base = v.base else { count += v.rows; return }
        let stride = v.stride
        var n = count
        store.withUnsafeMutableBufferPointer { s in
            let sums = s.baseAddress!, m2 = sums + d, first = sums + 2 * d, varies = sums + 3 * d
            let bs = sums + 4 * d, bm = sums + 5 * d, bq = sums + 6 * d
            if n == 0 { for j in 0..<d { first[j] = Double(base[j]) } }
            var r = 0
            while r < v.rows {
                let nb = min(Self.blockRows, v.rows - r)
                Self.blockMoments(base + r * stride, rows: nb, cols: d, stride: stride,
                                  sums: bs, means: bm, squares: bq, first: first, varies: varies)
                if n == 0 {
                    for j in 0..<d { sums[j] = bs[j]; m2[j] = bq[j] }
                } else {
                    let na = Double(n), nbD = Double(nb), weight = na * nbD / (na + nbD)
                    for j in 0..<d {
                        let delta = bm[j] - sums[j] / na
                        m2[j] += bq[j] + delta * delta * weight
                        sums[j] += bs[j]
                    }
                }
                n += nb
                r += nb
            }
        }
        count = n
    }

    /// One block's column sums, means and squared deviations from its mean, and whether a value
    /// differs from the column's first: four columns at a time with the accumulators in SIMD
    /// registers (two sweeps over the block, which is in cache), the remaining columns one by one.
    @inline(__always)
    private static func blockMoments<Scalar: BLASScalar>(
        _ block: UnsafePointer<Scalar>, rows nb: Int, cols d: Int, stride: Int,
        sums bs: UnsafeMutablePointer<Double>, means bm: UnsafeMutablePointer<Double>,
        squares bq: UnsafeMutablePointer<Double>, first: UnsafePointer<Double>, varies: UnsafeMutablePointer<Double>
    ) {
        let nbD = Double(nb)
        var j = 0
        while j + 4 <= d {
            var sum = SIMD4<Double>(repeating: 0), sq = SIMD4<Double>(repeating: 0)
            let reference = SIMD4<Scalar>(SIMD4<Double>(UnsafeRawPointer(first + j).loadUnaligned(as: SIMD4<Double>.self)))
            var differs = SIMDMask<SIMD4<Scalar.SIMDMaskScalar>>(repeating: false)
            for i in 0..<nb {
                let x = UnsafeRawPointer(block + i * stride + j).loadUnaligned(as: SIMD4<Scalar>.self)
                sum += SIMD4<Double>(x)
                differs .|= x .!= reference
            }
            let mean = sum / nbD
            for i in 0..<nb {
                let c = SIMD4<Double>(UnsafeRawPointer(block + i * stride + j).loadUnaligned(as: SIMD4<Scalar>.self)) - mean
                sq += c * c
            }
            for k in 0..<4 {
                bs[j + k] = sum[k]; bm[j + k] = mean[k]; bq[j + k] = sq[k]
                if differs[k] { varies[j + k] = 1 }
            }
            j += 4
        }
        while j < d {
            var sum = 0.0, sq = 0.0, differs = false
            for i in 0..<nb {
                let x = Double(block[i * stride + j])
                sum += x; differs = differs || x != first[j]
            }
            let mean = sum / nbD
            for i in 0..<nb { let c = Double(block[i * stride + j]) - mean; sq += c * c }
            bs[j] = sum; bm[j] = mean; bq[j] = sq
            if differs { varies[j] = 1 }
            j += 1
        }
    }

    /// The moments of the union of every process's rows: each process's (count, sums, M₂, first
    /// values, varies) are gathered and merged in rank order by Chan et al.'s pairwise update, so
    /// every process gets the same moments (and hence the same standardisation). A collective.
    public func combined(over communicator: any Communicator) throws -> ColumnMoments {
        guard communicator.size > 1 else { return self }
        let d = columnCount
        let parts = try communicator.allGather([Double(count)] + Array(store[0..<(4 * d)]))
        var out = ColumnMoments(columnCount: d)
        for part in parts {
            let nb = Int(part[0])
            guard nb > 0 else { continue }
            let na = out.count, n = na + nb
            for j in 0..<d {
                let sumB = part[1 + j], m2B = part[1 + d + j], firstB = part[1 + 2 * d + j], variesB = part[1 + 3 * d + j]
                if na == 0 {
                    out.store[j] = sumB; out.store[d + j] = m2B; out.store[2 * d + j] = firstB; out.store[3 * d + j] = variesB
                } else {
                    let delta = sumB / Double(nb) - out.store[j] / Double(na)
                    out.store[d + j] += m2B + delta * delta * Double(na) * Double(nb) / Double(n)
                    out.store[j] += sumB
                    if variesB != 0 || firstB != out.store[2 * d + j] { out.store[3 * d + j] = 1 }
                }
            }
            out.count = n
        }
        return out
    }

    /// Column means (NaN before any row).
    public var means: [Double] { (0..<columnCount).map { store[$0] / Double(count) } }
    /// Population variances, M₂/n.
    public var variances: [Double] { (0..<columnCount).map { store[columnCount + $0] / Double(count) } }
    /// Whether every value of a column equals its first (as numbers: −0 equals +0).
    public var isConstant: [Bool] { (0..<columnCount).map { store[3 * columnCount + $0] == 0 } }

    /// Population standard deviations as `Standardization` uses them: 1 for a constant column
    /// (all values equal) and wherever the deviation rounds to 0.
    public var scales: [Double] {
        (0..<columnCount).map { j in
            if store[3 * columnCount + j] == 0 { return 1 }
            let s = (store[columnCount + j] / Double(count)).squareRoot()
            return s > 0 ? s : 1
        }
    }
}

// MARK: Digest

/// XXH64 (Yann Collet's xxHash, 64-bit), streaming: `update` any number of times with any split
/// of the input; `digest` is the hash of everything so far. About 7 GB/s on data in cache.
public struct XXH64: Sendable {
    static let p1: UInt64 = 0x9E37_79B1_85EB_CA87, p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    static let p3: UInt64 = 0x1656_67B1_9E37_79F9, p4: UInt64 = 0x85EB_CA77_C2B2_AE63
    static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

    private let seed: UInt64
    private var v1, v2, v3, v4: UInt64
    private var total = 0
    /// Input bytes not yet in a 32-byte stripe.
    private var pending: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var pendingCount = 0

    /// A hash state with this seed.
    public init(seed: UInt64 = 0) {
        self.seed = seed
        v1 = seed &+ Self.p1 &+ Self.p2; v2 = seed &+ Self.p2; v3 = seed; v4 = seed &- Self.p1
    }

    @inline(__always) static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }
    @inline(__always) static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 { rotl(acc &+ input &* p2, 31) &* p1 }
    @inline(__always) static func merge(_ acc: UInt64, _ v: UInt64) -> UInt64 { (acc ^ round(0, v)) &* p1 &+ p4 }
    @inline(__always) static func word(_ p: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// Adds `bytes` to the hashed input.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var p = bytes.baseAddress, bytes.count > 0 else { return }
        var n = bytes.count
        total += n
        if pendingCount > 0 {
            let take = min(32 - pendingCount, n)
            withUnsafeMutableBytes(of: &pending) { ($0.baseAddress! + pendingCount).copyMemory(from: p, byteCount: take) }
            pendingCount += take; p += take; n -= take
            guard pendingCount == 32 else { return }
            let stripe = pending
            v1 = Self.round(v1, UInt64(littleEndian: stripe.0)); v2 = Self.round(v2, UInt64(littleEndian: stripe.1))
            v3 = Self.round(v3, UInt64(littleEndian: stripe.2)); v4 = Self.round(v4, UInt64(littleEndian: stripe.3))
            pendingCount = 0
        }
        var (a, b, c, d) = (v1, v2, v3, v4)
        var i = 0
        while i + 32 <= n {
            a = Self.round(a, Self.word(p, i)); b = Self.round(b, Self.word(p, i + 8))
            c = Self.round(c, Self.word(p, i + 16)); d = Self.round(d, Self.word(p, i + 24))
            i += 32
        }
        (v1, v2, v3, v4) = (a, b, c, d)
        if i < n {
            withUnsafeMutableBytes(of: &pending) { $0.baseAddress!.copyMemory(from: p + i, byteCount: n - i) }
            pendingCount = n - i
        }
    }

    /// The hash of all the bytes given so far.
    public var digest: UInt64 {
        var h: UInt64
        if total >= 32 {
            h = Self.rotl(v1, 1) &+ Self.rotl(v2, 7) &+ Self.rotl(v3, 12) &+ Self.rotl(v4, 18)
            h = Self.merge(h, v1); h = Self.merge(h, v2); h = Self.merge(h, v3); h = Self.merge(h, v4)
        } else {
            h = seed &+ Self.p5
        }
        h = h &+ UInt64(total)
        var tail = pending
        let n = pendingCount
        withUnsafeBytes(of: &tail) { t in
            var i = 0
            while i + 8 <= n { h ^= Self.round(0, Self.word(t.baseAddress!, i)); h = Self.rotl(h, 27) &* Self.p1 &+ Self.p4; i += 8 }
            if i + 4 <= n {
                h ^= UInt64(UInt32(littleEndian: t.loadUnaligned(fromByteOffset: i, as: UInt32.self))) &* Self.p1
                h = Self.rotl(h, 23) &* Self.p2 &+ Self.p3
                i += 4
            }
            while i < n { h ^= UInt64(t[i]) &* Self.p5; h = Self.rotl(h, 11) &* Self.p1; i += 1 }
        }
        h ^= h >> 33; h = h &* Self.p2; h ^= h >> 29; h = h &* Self.p3; h ^= h >> 32
        return h
    }
}

extension XXH64 {
    /// The digest as 16 hex digits.
    public var hex: String {
        let s = String(digest, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    /// XXH64 (seed 0) of `bytes` in one call.
    public static func digest(of bytes: UnsafeRawBufferPointer) -> XXH64 {
        var h = XXH64()
        h.update(bytes)
        return h
    }
}
