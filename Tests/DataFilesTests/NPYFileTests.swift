import Foundation
import Testing
import Descent
import _TestSupport

/// `.npy` reading against files numpy wrote (scripts/reference/make_npy_fixtures.py: element
/// (i, j) = (4i + j)/7 in float64, cast to float32 for f4 files), writing against numpy's bytes.
struct NPYFileTests {
    /// (4i + j)/7 computed in Double, then converted to T, as numpy did.
    func expected<T: BLASScalar>(_: T.Type, viaFloat32: Bool = false) -> Matrix<T> {
        Matrix(rows: 3, cols: 4) { i, j in
            let d = Double(4 * i + j) / 7
            return viaFloat32 ? T(Float(d)) : T(d)
        }
    }

    func readsNumpyFiles<T: BLASScalar>(_: T.Type) throws {
        for name in ["f8_3x4_v1.npy", "f8_3x4_v2.npy", "f8_3x4_v3.npy", "f8_3x4_bigendian.npy"] {
            #expect(try NPYFile.read(fixture(name), as: T.self) == expected(T.self), "\(name)")
        }
        #expect(try NPYFile.read(fixture("f4_3x4_v1.npy"), as: T.self) == expected(T.self, viaFloat32: true))
        let v = try NPYFile.read(fixture("f8_vector5.npy"), as: T.self)
        #expect(v.rows == 5 && v.cols == 1 && v.elements == (0..<5).map { T(Double($0) / 7) })
    }

    @Test func numpyFixtures() throws {
        try readsNumpyFiles(Float.self)
        try readsNumpyFiles(Double.self)
    }

    func splitsTargetColumns<T: BLASScalar>(_: T.Type) throws {
        let all = expected(T.self)
        for file in ["f8_3x4_v1.npy", "f4_3x4_v1.npy"] {
            let full: Matrix<T> = file.hasPrefix("f4") ? expected(T.self, viaFloat32: true) : all
            let (x, y) = try NPYFile.read(fixture(file), targetColumns: [3, 1], as: T.self)
            #expect(x == Matrix(rows: 3, cols: 2) { i, j in full[i, [0, 2][j]] })
            #expect(y == Matrix(rows: 3, cols: 2) { i, j in full[i, [3, 1][j]] })
        }
    }

    @Test func targetColumnSplit() throws {
        try splitsTargetColumns(Float.self)
        try splitsTargetColumns(Double.self)
    }

    @Test func twoFilesMustAgreeOnRows() throws {
        let x = fixture("f8_3x4_v1.npy"), y = fixture("f8_vector5.npy")
        let e = dataError { try NPYFile.read(features: x, targets: y, as: Double.self) }
        #expect(e?.kind == .rowCountMismatch)
        #expect(e?.description == "\(y.path): targets have shape (5,) but the features in \(x.path) have shape (3, 4): their row counts 5 and 3 differ")
        let ok = try NPYFile.read(features: x, targets: fixture("f8_3x4_v2.npy"), as: Double.self)
        #expect(ok.features.rows == 3 && ok.targets.cols == 4)
    }

    @Test func errorsNameTheProblem() {
        func message(_ name: String, targets: [Int] = []) -> String? {
            dataError { try NPYFile.read(fixture(name), targetColumns: targets, as: Double.self) }?.description
        }
        let f = { (name: String) in fixture(name).path }
        #expect(message("f2_3x4.npy") == "\(f("f2_3x4.npy")): dtype '<f2' is not supported: float ('<f4' '<f8'), integer ('<i8' '<i4' '<i2' '|i1' '<u8' '<u4' '<u2' '|u1') and bool ('|b1') arrays are read")
        #expect(message("f8_3x4_fortran.npy") == "\(f("f8_3x4_fortran.npy")): the array is in Fortran (column-major) order; save a C-ordered array (numpy.ascontiguousarray)")
        #expect(message("f8_2x3x2.npy") == "\(f("f8_2x3x2.npy")): the array has shape (2, 3, 2); expected (rows,) or (rows, columns)")
        #expect(message("f8_3x4_truncated.npy") == "\(f("f8_3x4_truncated.npy")): shape (3, 4) of '<f8' needs 96 data bytes, the file holds 88")
        #expect(message("f8_3x4_v1.npy", targets: [4]) == "\(f("f8_3x4_v1.npy")): target column index 4 is out of range for shape (3, 4) (4 columns, indices 0–3)")
    }

    @Test func notNumpyOrUnknownVersion() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let text = dir.file("x.npy", "hello, world")
        #expect(dataError { try NPYFile.read(text, as: Double.self) }?.description
                == "\(text.path): not a NumPy .npy file (the magic bytes \\x93NUMPY are missing)")
        var bytes = try Data(contentsOf: fixture("f8_3x4_v1.npy"))
        bytes[6] = 4
        let v4 = dir.path("v4.npy")
        try bytes.write(to: v4)
        #expect(dataError { try NPYFile.read(v4, as: Double.self) }?.description
                == "\(v4.path): .npy format version 4.0 is not supported (1.0, 2.0 and 3.0 are)")
        let empty = dir.file("e.npy", "")
        #expect(dataError { try NPYFile.read(empty, as: Double.self) }?.kind == .emptyFile)
    }

    /// Our writer produces the same bytes numpy wrote for the same array.
    @Test func writerMatchesNumpyBytes() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        try NPYFile.write(expected(Double.self), to: dir.path("d.npy"))
        #expect(try Data(contentsOf: dir.path("d.npy")) == Data(contentsOf: fixture("f8_3x4_v1.npy")))
        try NPYFile.write(expected(Float.self, viaFloat32: true), to: dir.path("f.npy"))
        #expect(try Data(contentsOf: dir.path("f.npy")) == Data(contentsOf: fixture("f4_3x4_v1.npy")))
        let v = Matrix<Double>(rows: 5, cols: 1) { i, _ in Double(i) / 7 }
        try NPYFile.write(v, to: dir.path("v.npy"), asVector: true)
        #expect(try Data(contentsOf: dir.path("v.npy")) == Data(contentsOf: fixture("f8_vector5.npy")))
        #expect(dir.contents == ["d.npy", "f.npy", "v.npy"])
    }

    func roundTrips<T: BLASScalar>(_: T.Type) throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        for (r, c) in [(1, 1), (17, 5), (0, 3), (300, 1)] {
            let m = randomMatrix(r, c, seed: UInt64(r * 31 + c), as: T.self)
            let url = dir.path("m\(r)x\(c).npy")
            try NPYFile.write(m, to: url)
            #expect(try NPYFile.read(url, as: T.self) == m)
        }
    }

    @Test func writeThenRead() throws {
        try roundTrips(Float.self)
        try roundTrips(Double.self)
    }

    /// The same-dtype path hands the file's bytes to the matrix without an extra buffer: the
    /// result's storage is uniquely owned (mutating it does not copy).
    @Test func directReadOwnsItsStorage() throws {
        var m = try NPYFile.read(fixture("f8_3x4_v1.npy"), as: Double.self)
        let before = m.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        m[0, 0] = 1
        #expect(m.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) } == before)
    }
}
