import Testing
import Descent
import _TestSupport

struct MatrixStorageTests {
    func address<T>(_ m: Matrix<T>) -> UnsafeRawPointer? {
        m.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    @Test func rowViewAliasesParent() {
        let m = Matrix<Double>(rows: 6, cols: 3) { i, j in Double(10 * i + j) }
        let v = m.rows(2..<5)
        #expect(v.rows == 3 && v.cols == 3)
        #expect(v[0, 0] == 20 && v[2, 2] == 42)
        // Same memory: the view starts 2 rows (6 elements) into the parent.
        #expect(address(v) == address(m)!.advanced(by: 6 * MemoryLayout<Double>.stride))
    }

    @Test func copyOnWriteCopiesOnlyOnMutation() {
        let m = Matrix<Float>(rows: 4, cols: 2, repeating: 1)
        var c = m
        #expect(address(c) == address(m))      // a copy shares storage
        c[0, 0] = 5                            // first mutation copies
        #expect(address(c) != address(m))
        #expect(m[0, 0] == 1 && c[0, 0] == 5)
        let before = address(c)
        c[1, 1] = 7                            // unique now: no further copy
        #expect(address(c) == before)
    }

    @Test func mutatingAViewLeavesParentAlone() {
        let m = Matrix<Double>(rows: 4, cols: 2) { i, _ in Double(i) }
        var v = m.rows(1..<3)
        v[0, 0] = -1
        #expect(m[1, 0] == 1 && v[0, 0] == -1 && v.count == 4)
    }

    @Test func uniqueStorageMutatesInPlaceThroughPointer() {
        var m = Matrix<Double>(rows: 2, cols: 2)
        let before = address(m)
        m.withUnsafeMutableBufferPointer { $0[3] = 9 }
        #expect(address(m) == before && m[1, 1] == 9)
    }

    @Test func gatherIntoCallerBuffer() {
        let m = Matrix<Float>(rows: 5, cols: 3) { i, j in Float(i * 3 + j) }
        var batch = Matrix<Float>(rows: 3, cols: 3)
        let before = address(batch)
        m.gatherRows([4, 0, 2], into: &batch)
        #expect(batch.nestedRows == [[12, 13, 14], [0, 1, 2], [6, 7, 8]])
        #expect(address(batch) == before)      // written in place, no new storage
    }

    @Test func seededGeneratorIsReproducibleAndRestorable() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        let xs = (0..<5).map { _ in a.next() }
        #expect(xs == (0..<5).map { _ in b.next() })
        var c = SeededGenerator(state: a.state)
        #expect(a.next() == c.next())
        #expect(SeededGenerator(seed: 1).state != SeededGenerator(seed: 2).state)
        var u = SeededGenerator(seed: 3)
        let mean = (0..<20000).reduce(0.0) { s, _ in s + u.nextUnit() } / 20000
        #expect(abs(mean - 0.5) < 0.01)
    }

    /// Changing OpenBLAS's thread count while other tests run BLAS calls is unsafe, so this runs
    /// in a child process.
    @Test func threadCountRoundTrips() async {
        await #expect(processExitsWith: .success) {
            BLASRuntime.threads = 1
            precondition(BLASRuntime.threads == 1)
            BLASRuntime.threads = 2
            precondition(BLASRuntime.threads == 2)
            precondition(!BLASRuntime.coreName.isEmpty && BLASRuntime.configuration.contains("OpenBLAS"))
        }
    }
}
