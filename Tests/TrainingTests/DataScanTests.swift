import Foundation
import Testing
import Descent
import _TestSupport

/// The load-time pass (`DataScan`, `FiniteCheck`, `ColumnMoments`, `XXH64`) against naive
/// computations, and its independence from how the rows are split into blocks.
struct DataScanTests {
    // MARK: XXH64

    /// Reference values from libxxhash 0.8.1 (`XXH64(bytes, n, seed)`) on bytes (31·i + 7) mod 256.
    static let vectors: [(Int, UInt64, UInt64)] = [
        (0, 0xef46db3751d8e999, 0x95584af7701f808d), (1, 0xa96c7f0ce858bbb7, 0x496fc29a1e753bd7),
        (3, 0x56e6957632a487f9, 0x94ff877cd86385be), (4, 0xc60d15b1e3ff8f04, 0x1034b01f61e3b2e6),
        (7, 0xafbefc3d6c6f9a8e, 0xd06aa9dbe7add6d1), (8, 0x3da5c7aa269683e0, 0x23befc2f0d90da1a),
        (31, 0x4a74f3a1a39ad4a1, 0xbff21e6871cdf167), (32, 0x8d57d6a4671cc43d, 0x7bdfe9fbcc771266),
        (33, 0x62c9fd21ed857664, 0x5a23927b0946b212), (63, 0x5c320a0d2707057f, 0x60148113d74960d3),
        (64, 0x7bbabbc45729d17e, 0xeeff42e996f0f7d5), (100, 0xefa0ad2d3e70c151, 0x4f2e446ab943e539),
        (1000, 0x99594f4828043d35, 0xcbd42ae414e71a03),
    ]

    func xxh64(_ bytes: [UInt8], seed: UInt64 = 0, splits: [Int] = []) -> UInt64 {
        var h = XXH64(seed: seed)
        bytes.withUnsafeBytes { all in
            var start = 0
            for cut in splits + [bytes.count] where cut >= start {
                h.update(UnsafeRawBufferPointer(rebasing: all[start..<cut]))
                start = cut
            }
        }
        return h.digest
    }

    @Test func xxh64MatchesTheReference() {
        for (n, plain, seeded) in Self.vectors {
            let bytes = (0..<n).map { UInt8(($0 * 31 + 7) % 256) }
            #expect(xxh64(bytes) == plain, "n = \(n)")
            #expect(xxh64(bytes, seed: 12345) == seeded, "n = \(n), seeded")
        }
        var text = "Nobody inspects the spammish repetition"
        #expect(text.withUTF8 { p in var h = XXH64(); h.update(UnsafeRawBufferPointer(p)); return h.digest } == 0xfbcea83c8a378bf1)
    }

    @Test func xxh64StreamingIsSplitIndependent() {
        let bytes = (0..<1000).map { UInt8(($0 * 31 + 7) % 256) }
        var g = SeededGenerator(seed: 3)
        for _ in 0..<50 {
            let cuts = (0..<Int(g.next() % 6)).map { _ in Int(g.next() % 1001) }.sorted()
            #expect(xxh64(bytes, splits: cuts) == 0x99594f4828043d35, "cuts \(cuts)")
        }
        #expect(xxh64(bytes, splits: Array(0...1000)) == 0x99594f4828043d35)   // a byte at a time
    }

    // MARK: Finiteness

    func finiteCheck<T: BLASScalar>(_: T.Type) {
        let n = 3 * 4096 + 17
        var values = (0..<n).map { T($0 % 1000) - 500 }
        values[7] = .greatestFiniteMagnitude; values[8] = -.greatestFiniteMagnitude
        values[9] = .leastNonzeroMagnitude; values[10] = -0.0
        values.withUnsafeBufferPointer { #expect(FiniteCheck.allFinite($0) && FiniteCheck.firstNonFinite(in: $0) == nil) }
        for position in [0, 1, 4095, 4096, 4097, 8191, n - 1] {
            for bad in [T.nan, .infinity, -.infinity, -T.nan, .signalingNaN] {
                var v = values
                v[position] = bad
                if position + 5 < n { v[position + 5] = .nan }      // only the first counts
                v.withUnsafeBufferPointer { p in
                    #expect(!FiniteCheck.allFinite(p))
                    #expect(FiniteCheck.firstNonFinite(in: p) == position, "\(bad) at \(position)")
                    #expect(FiniteCheck.firstNonFinite(in: UnsafeBufferPointer(rebasing: p[..<position])) == nil)
                }
            }
        }
        [T]().withUnsafeBufferPointer { #expect(FiniteCheck.allFinite($0) && FiniteCheck.firstNonFinite(in: $0) == nil) }
    }

    @Test func finiteCheckFindsTheFirstNonFiniteValue() {
        finiteCheck(Float.self)
        finiteCheck(Double.self)
    }

    // MARK: Column moments

    /// Naive two-pass statistics in Double.
    func naive<T: BLASScalar>(_ m: Matrix<T>) -> (means: [Double], variances: [Double]) {
        let n = Double(m.rows)
        let means = (0..<m.cols).map { j in (0..<m.rows).reduce(0.0) { $0 + Double(m[$1, j]) } / n }
        let variances = (0..<m.cols).map { j in
            (0..<m.rows).reduce(0.0) { let c = Double(m[$1, j]) - means[j]; return $0 + c * c } / n
        }
        return (means, variances)
    }

    func moments<T: BLASScalar>(_: T.Type) {
        let rows = 1000, cols = 5
        let noise: Matrix<T> = randomMatrix(rows, cols, seed: 21)
        // Offsets and scales that make the one-pass Σx² formula lose digits; a constant column.
        let m = Matrix<T>(rows: rows, cols: cols) { i, j in
            j == 4 ? 3 : T([1e4, 1e-3, 1, -50][j]) * noise[i, j] + T([1e6, 7, 0, -2e3][j])
        }
        var whole = ColumnMoments(columnCount: cols)
        m.withView { whole.add($0) }
        let truth = naive(m)
        let tol = 1e-12
        for j in 0..<cols {
            #expect(isClose(whole.means[j], truth.means[j], tol: tol * max(1, abs(truth.means[j]))), "mean \(j)")
            #expect(isClose(whole.variances[j], truth.variances[j], tol: tol * max(1e-300, truth.variances[j])), "variance \(j)")
        }
        #expect(whole.count == rows && whole.means[4] == 3 && whole.variances[4] == 0 && whole.scales[4] == 1)
        #expect(whole.isConstant == [false, false, false, false, true])
        #expect(whole.scales[0] == whole.variances[0].squareRoot())

        // Blocks that are multiples of 64 rows give the same bits; any split gives the same values
        // to rounding.
        for cuts in [[64, 128, 640], [192], [64 * 15]] {
            var parts = ColumnMoments(columnCount: cols)
            var start = 0
            m.withView { v in
                for cut in cuts + [rows] { parts.add(v.rows(start..<cut)); start = cut }
            }
            #expect(parts == whole, "cuts \(cuts)")
        }
        var ragged = ColumnMoments(columnCount: cols)
        m.withView { v in ragged.add(v.rows(0..<37)); ragged.add(v.rows(37..<500)); ragged.add(v.rows(500..<rows)) }
        for j in 0..<cols {
            #expect(isClose(ragged.means[j], whole.means[j], tol: tol * max(1, abs(whole.means[j]))))
            #expect(isClose(ragged.variances[j], whole.variances[j], tol: tol * max(1e-300, whole.variances[j])))
        }

        // Standardization(fitting:) is these moments.
        let s = Standardization(fitting: m)
        #expect(s.means == whole.means && s.scales == whole.scales)
        #expect(Standardization(moments: whole) == s)
    }

    @Test func columnMomentsMatchTwoPassStatistics() {
        moments(Float.self)
        moments(Double.self)
    }

    // MARK: DataScan

    func scan<T: BLASScalar>(_: T.Type) {
        let rows = 700
        var x: Matrix<T> = randomMatrix(rows, 3, seed: 4)
        var y: Matrix<T> = randomMatrix(rows, 2, seed: 5)
        func scanned(_ x: Matrix<T>, _ y: Matrix<T>, step: Int, collecting: Bool = true) -> DataScan<T> {
            var s = DataScan<T>(featureCount: 3, targetCount: 2, collectingNonFiniteRows: collecting, digest: true,
                                featureMoments: true, targetMoments: true)
            // Features first, then targets, as from two files.
            x.withView { v in for r in Swift.stride(from: 0, to: rows, by: step) { s.addFeatures(v.rows(r..<min(rows, r + step))) } }
            y.withView { v in for r in Swift.stride(from: 0, to: rows, by: step) { s.addTargets(v.rows(r..<min(rows, r + step))) } }
            return s
        }
        let clean = scanned(x, y, step: 64)
        #expect(clean.firstNonFinite == nil && clean.nonFiniteRows.isEmpty && clean.featureRows == rows && clean.targetRows == rows)
        // The digest is XXH64 of each matrix's bytes, whatever the blocks.
        func hash(_ m: Matrix<T>) -> String {
            var h = XXH64()
            m.withUnsafeBufferPointer { h.update(UnsafeRawBufferPointer($0)) }
            let s = String(h.digest, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        #expect(clean.digest == "\(rows)x3:\(hash(x));\(rows)x2:\(hash(y))")
        #expect(scanned(x, y, step: 7).digest == clean.digest)
        #expect(clean.featureMoments == { var m = ColumnMoments(columnCount: 3); x.withView { m.add($0) }; return m }())
        #expect(scanned(x, y, step: 128).targetMoments == clean.targetMoments)
        var whole = DataScan<T>(featureCount: 3, targetCount: 2, digest: true)
        whole.add(features: x, targets: y)
        #expect(whole.digest == clean.digest && whole.featureMoments == nil)

        // Non-finite values: the first in row order, a feature before a target in the same row.
        x[300, 2] = .nan; x[500, 0] = .infinity
        y[100, 1] = -.infinity; y[300, 0] = .nan; y[650, 1] = .nan
        for step in [1, 64, 100, rows] {
            let s = scanned(x, y, step: step)
            let f = s.firstNonFiniteFeature
            #expect(f?.row == 300 && f?.column == 2 && f?.inTargets == false && f?.value.isNaN == true)
            #expect(s.firstNonFiniteTarget?.row == 100 && s.firstNonFiniteTarget?.column == 1 && s.firstNonFiniteTarget?.inTargets == true)
            #expect(s.firstNonFinite?.row == 100 && s.firstNonFinite?.inTargets == true, "step \(step)")
            #expect(s.nonFiniteRows == [100, 300, 500, 650], "step \(step)")
            let first = scanned(x, y, step: step, collecting: false)
            #expect(first.firstNonFinite?.row == 100 && first.nonFiniteRows.isEmpty)
        }
        y[100, 1] = 0
        let tie = scanned(x, y, step: 50)
        #expect(tie.firstNonFinite?.row == 300 && tie.firstNonFinite?.inTargets == false && tie.firstNonFinite?.column == 2)
        var unchecked = DataScan<T>(featureCount: 3, targetCount: 2, checkingFinite: false)
        unchecked.add(features: x, targets: y)
        #expect(unchecked.firstNonFinite == nil)
    }

    @Test func dataScanFindsFirstNonFiniteAndDigests() {
        scan(Float.self)
        scan(Double.self)
    }

    // MARK: Standardisation in place, checked

    func standardizedInPlace<T: BLASScalar>(_: T.Type) throws {
        let x: Matrix<T> = randomMatrix(200, 3, seed: 9)
        let y: Matrix<T> = randomMatrix(200, 1, seed: 10)
        let fs = Standardization(fitting: x), ts = Standardization(fitting: y)
        // Expected: the transform element by element, as documented.
        let expected = Matrix<T>(rows: 200, cols: 3) { i, j in T((Double(x[i, j]) - fs.means[j]) / fs.scales[j]) }
        var data: Dataset<T>? = try Dataset(x: Matrix(rows: 200, cols: 3, elements: x.elements),
                                            y: Matrix(rows: 200, cols: 1, elements: y.elements))
        let before = data!.x.withUnsafeBufferPointer { $0.baseAddress }
        let done = try data.take()!.standardized(features: fs, targets: ts)
        #expect(done.x == expected)
        #expect(done.x.withUnsafeBufferPointer { $0.baseAddress } == before, "transformed in place")
        #expect(isClose(Double(done.y[5, 0]), (Double(y[5, 0]) - ts.means[0]) / ts.scales[0], tol: 1e-6))
        // A shared matrix is copied, not changed.
        let shared = try Dataset(x: x, y: y)
        _ = try shared.standardized(features: fs, targets: nil)
        #expect(shared.x == x)

        // A value that overflows once standardised is reported as Dataset reports it.
        let tiny = try Standardization(means: [0, 0, 0], scales: [1, 1e-310, 1])
        let e = #expect(throws: TrainingDataError.self) { try Dataset(x: x, y: y).standardized(features: tiny, targets: nil) }
        let firstBad = (0..<200).first { !T(Double(x[$0, 1]) / 1e-310).isFinite }!
        #expect(e?.description == "input (\(firstBad), 1) is \(x[firstBad, 1] > 0 ? "inf" : "-inf"); values must be finite")
        var m = x
        let bad = tiny.applyCheckingFinite(to: &m)
        #expect(bad?.row == firstBad && bad?.column == 1 && bad?.value.isInfinite == true)
        var plain = x
        tiny.apply(to: &plain)
        #expect(plain == m)
        var back = expected
        fs.invert(&back)
        #expect(allClose(back.elements, x.elements, tol: T(1e-5)))
    }

    @Test func standardisationInPlaceChecksFiniteness() throws {
        try standardizedInPlace(Float.self)
        try standardizedInPlace(Double.self)
    }

    @Test func datasetCheckIsUnchangedAndCanBeSkipped() throws {
        let e = #expect(throws: TrainingDataError.self) { try Dataset(x: Matrix<Double>([[1, .nan], [2, 3]]), y: Matrix([[1], [2]])) }
        #expect(e?.description == "input (0, 1) is nan; values must be finite")
        let f = #expect(throws: TrainingDataError.self) { try Dataset(x: Matrix<Float>([[1, 2]]), y: Matrix([[-.infinity]])) }
        #expect(f?.description == "target (0, 0) is -inf; values must be finite")
        let skipped = try Dataset(x: Matrix<Double>([[1, .nan]]), y: Matrix([[1]]), checkingValues: false)
        #expect(skipped.sampleCount == 1)
        #expect(throws: TrainingDataError.self) { try Dataset(x: Matrix<Double>(rows: 2, cols: 1), y: Matrix(rows: 1, cols: 1), checkingValues: false) }
    }

    // MARK: Split in place

    func splitInPlace<T: BLASScalar>(_: T.Type) throws {
        let n = 1000
        let x: Matrix<T> = randomMatrix(n, 5, seed: 12), y: Matrix<T> = randomMatrix(n, 2, seed: 13)
        let reference = try Dataset(x: x, y: y).split(validationFraction: 0.3, seed: 9)
        var owned: Dataset<T>? = try Dataset(x: Matrix(rows: n, cols: 5, elements: x.elements), y: Matrix(rows: n, cols: 2, elements: y.elements))
        let before = owned!.x.withUnsafeBufferPointer { $0.baseAddress }
        let s = try owned.take()!.splitting(validationFraction: 0.3, seed: 9, featureMoments: true, targetMoments: true)
        #expect(s.training.x == reference.training.x && s.training.y == reference.training.y)
        #expect(s.validation.x == reference.validation.x && s.validation.y == reference.validation.y)
        #expect(s.training.x.withUnsafeBufferPointer { $0.baseAddress } == before, "training rows moved in place")
        // The moments taken while moving are those of the training matrices.
        #expect(s.featureMoments.map(Standardization.init(moments:)) == Standardization(fitting: reference.training.x))
        #expect(s.targetMoments.map(Standardization.init(moments:)) == Standardization(fitting: reference.training.y))
        // A dataset that is still referenced elsewhere is left as it was.
        let shared = try Dataset(x: x, y: y)
        let t = try shared.splitting(validationFraction: 0.3, seed: 9)
        #expect(shared.x == x && t.training.x == reference.training.x && t.featureMoments == nil)
        #expect(throws: TrainingDataError.self) { try shared.splitting(validationFraction: 1, seed: 9) }
    }

    @Test func splittingMovesTrainingRowsInPlace() throws {
        try splitInPlace(Float.self)
        try splitInPlace(Double.self)
    }
}
