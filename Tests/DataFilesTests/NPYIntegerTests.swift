import Foundation
import Testing
import Descent
import _TestSupport

/// Integer and bool `.npy` files (scripts/reference/make_npy_fixtures.py) read as Float and Double,
/// compared with numpy's own `astype('<f4')` / `astype('<f8')` of the same array, written next to
/// each (so the rounding of integers beyond 2²⁴ / 2⁵³ is numpy's, not ours).
struct NPYIntegerTests {
    static let stems: [String] = {
        var s: [String] = []
        for kind in ["i", "u"] {
            s += ["int_\(kind)1_na"]
            for size in [2, 4, 8] { s += ["int_\(kind)\(size)_le", "int_\(kind)\(size)_be"] }
        }
        return s + ["int_i8_wide", "int_u8_wide", "int_i4_wide", "int_u4_wide", "bool_2x3"]
    }()

    func readsLikeNumpy<T: BLASScalar>(_: T.Type, reference suffix: String) throws {
        for stem in Self.stems {
            let truth = try NPYFile.read(fixture("\(stem)_as_\(suffix).npy"), as: T.self)
            let read = try NPYFile.read(fixture("\(stem).npy"), as: T.self)
            #expect(read == truth, "\(stem) as \(T.self)")
            #expect(read.rows == truth.rows && read.cols == truth.cols && read.rows > 0)
            // The converting path with a target split off, and the visitor, agree with the whole read.
            var seen: [T] = []
            let (x, y) = try NPYFile.read(fixture("\(stem).npy"), targetColumns: [1], as: T.self) { _, fx, fy in
                for i in 0..<fx.rows { seen += Array(fx.row(i)) + Array(fy.row(i)) }
            }
            #expect(y == Matrix(rows: truth.rows, cols: 1) { i, _ in truth[i, 1] }, "\(stem) target")
            let others = (0..<truth.cols).filter { $0 != 1 }
            #expect(x == Matrix(rows: truth.rows, cols: others.count) { i, j in truth[i, others[j]] }, "\(stem) features")
            #expect(seen.count == truth.rows * truth.cols)
        }
    }

    @Test func integerAndBoolFilesConvertAsNumpyDoes() throws {
        try readsLikeNumpy(Float.self, reference: "f4")
        try readsLikeNumpy(Double.self, reference: "f8")
    }

    /// Values beyond the scalar's exact integers round to nearest, ties to even: 2⁵³ + 1 → 2⁵³ as
    /// Double, 2²⁴ + 1 → 2²⁴ as Float (the closed form behind the numpy references above).
    @Test func wideIntegersRoundToNearest() throws {
        let d = try NPYFile.read(fixture("int_i8_wide.npy"), as: Double.self)
        #expect(d[0, 0] == 9_007_199_254_740_992 && d[0, 1] == -9_007_199_254_740_992)
        #expect(d[2, 0] == -9.223372036854775808e18 && d[2, 1] == 9.223372036854775808e18)
        let f = try NPYFile.read(fixture("int_i8_wide.npy"), as: Float.self)
        #expect(f[1, 1] == 16_777_216)
        let u = try NPYFile.read(fixture("int_u8_wide.npy"), as: Double.self)
        #expect(u[0, 0] == 18_446_744_073_709_551_616)
    }

    @Test func boolVectorIsOneColumnOfZerosAndOnes() throws {
        let v = try NPYFile.read(fixture("bool_vector4.npy"), as: Float.self)
        #expect(v.rows == 4 && v.cols == 1 && v.elements == [1, 0, 0, 1])
        let bytes = try NPYFile.read(fixture("u1_3x4.npy"), as: Double.self)
        #expect(bytes.rows == 3 && bytes.cols == 4 && bytes.elements == (0..<12).map(Double.init))
        let s = try NPYFile.shape(of: fixture("int_i2_be.npy"))
        #expect(s.rows == 3 && s.columns == 4)
    }

    /// Mapping applies only to float files of the training dtype: an integer file is read instead.
    @Test func integerFilesAreNotMapped() throws {
        #expect(try NPYFile.map(fixture("int_i4_le.npy"), as: Float.self, visitingRows: { _, _, _ in }) == nil)
        #expect(try NPYFile.map(fixture("int_i8_le.npy"), as: Double.self, visitingRows: { _, _, _ in }) == nil)
    }

    @Test func float16StaysUnsupported() {
        let e = dataError { try NPYFile.read(fixture("f2_3x4.npy"), as: Double.self) }
        #expect(e?.kind == .npyDtype)
        #expect(e?.description == "\(fixture("f2_3x4.npy").path): dtype '<f2' is not supported: float ('<f4' '<f8'), integer ('<i8' '<i4' '<i2' '|i1' '<u8' '<u4' '<u2' '|u1') and bool ('|b1') arrays are read")
    }
}
