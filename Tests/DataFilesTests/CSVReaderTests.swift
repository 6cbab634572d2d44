import Foundation
import Testing
import Descent
import _TestSupport

/// Values and options; the truth is the text itself and the standard library's `init?(_: String)`.
struct CSVReaderTests {
    func readsHeaderTargetsAndFeatures<T: BLASScalar>(_: T.Type) throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.file("a.csv", "id,x1,x2,y\nr1,1.5,-2,10\nr2,3e2,0.25,20\n\n")
        let t = try CSVReader.read(url, as: T.self, options: CSVOptions(targetColumns: [.name("y")], featureColumns: [.name("x2"), .index(1)]))
        #expect(t.featureNames == ["x2", "x1"] && t.targetNames == ["y"] && t.droppedRows == 0)
        #expect(t.features == Matrix<T>([[-2, 1.5], [0.25, 300]]))
        #expect(t.targets == Matrix<T>([[10], [20]]))
    }

    @Test func headerTargetsAndFeatures() throws {
        try readsHeaderTargetsAndFeatures(Float.self)
        try readsHeaderTargetsAndFeatures(Double.self)
    }

    @Test func defaultTargetIsLastColumnAndFeaturesTheRest() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let t = try CSVReader.read(dir.file("a.csv", "1,2,3\n4,5,6"), as: Double.self)   // no header, no final newline
        #expect(t.features == Matrix([[1.0, 2], [4, 5]]) && t.targets == Matrix([[3.0], [6]]))
        #expect(t.featureNames == ["column 0", "column 1"] && t.targetNames == ["column 2"])
    }

    @Test func severalTargetsAndNoTargets() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.file("a.csv", "a,b,c,d\n1,2,3,4\n5,6,7,8\n")
        let t = try CSVReader.read(url, as: Double.self, options: CSVOptions(targetColumns: [.name("d"), .index(0)]))
        #expect(t.targets == Matrix([[4.0, 1], [8, 5]]) && t.features == Matrix([[2.0, 3], [6, 7]]))
        let p = try CSVReader.read(url, as: Double.self, options: CSVOptions(targetColumns: []))
        #expect(p.features.cols == 4 && p.targets.rows == 2 && p.targets.cols == 0)
    }

    @Test func delimitersQuotesAndLineEnds() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        // Semicolons, CRLF, a quoted header name holding the delimiter and an escaped quote,
        // quoted numbers, spaces around cells, a trailing blank CRLF line.
        let semi = dir.file("s.csv", "\"a;\"\"b\"\"\";y\r\n \"1.5\" ; 2 \r\n3;\"4\"\r\n\r\n")
        let t = try CSVReader.read(semi, as: Double.self, options: CSVOptions(delimiter: ";"))
        #expect(t.featureNames == ["a;\"b\""] && t.features == Matrix([[1.5], [3]]) && t.targets == Matrix([[2.0], [4]]))
        let tab = dir.file("t.tsv", "x\ty\n1\t2\n")
        #expect(try CSVReader.read(tab, as: Float.self, options: CSVOptions(delimiter: "\t")).targets == Matrix([[Float(2)]]))
        // A quoted text field spanning two lines in an unused column; line numbers keep counting.
        let multi = dir.file("m.csv", "note,x,y\n\"two\nlines\",1,2\nok,3,zz\n")
        let e = dataError { try CSVReader.read(multi, as: Double.self, options: CSVOptions(featureColumns: [.name("x")])) }
        #expect(e?.description == "\(multi.path):4:3: cell \"zz\" in column \"y\" is not a number")
    }

    @Test func headerDetection() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.file("a.csv", "1,2\n3,4\n")
        #expect(try CSVReader.read(url, as: Double.self).features.rows == 2)          // auto: numbers → data
        #expect(try CSVReader.read(url, as: Double.self, options: CSVOptions(header: .present)).featureNames == ["1"])
        let bom = dir.file("bom.csv", "\u{FEFF}1,2\n3,4\n")                            // byte-order mark is skipped
        #expect(try CSVReader.read(bom, as: Double.self).features == Matrix([[1.0], [3]]))
        let named = dir.file("b.csv", "x,y\n3,4\n")
        let e = dataError { try CSVReader.read(named, as: Double.self, options: CSVOptions(header: .absent)) }
        #expect(e?.description == "\(named.path):1:1: cell \"x\" in column 0 is not a number")
    }

    func dropsNonFiniteRows<T: BLASScalar>(_: T.Type) throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.file("a.csv", "x,y,note\n1,2,a\nnan,3,b\n4,inf,c\n5,6,nan\n-Infinity,1,d\n")
        let t = try CSVReader.read(url, as: T.self, options: CSVOptions(targetColumns: [.name("y")], featureColumns: [.name("x")], nonFinite: .dropRows))
        #expect(t.droppedRows == 3)            // the NaN in the unused "note" column does not count
        #expect(t.features == Matrix<T>([[1], [5]]) && t.targets == Matrix<T>([[2], [6]]))
    }

    @Test func nonFiniteRowsDropped() throws {
        try dropsNonFiniteRows(Float.self)
        try dropsNonFiniteRows(Double.self)
    }

    /// Random bit patterns printed in several styles parse exactly as `T(String)` parses them.
    func roundTripsLikeStringInit<T: BLASScalar>(_: T.Type, extremes: [String], bits: (inout SeededGenerator) -> T) throws {
        var g = SeededGenerator(seed: 42)
        var texts: [String] = ["0", "-0", "+3", ".5", "5.", "1E+10", "0.1", "16777217", "9007199254740993",
                               "0x1.8p1", "1.00000000000000011102230246251565404236316680908203125"] + extremes
        while texts.count < 2000 {
            let v = bits(&g)
            guard v.isFinite else { continue }
            texts.append("\(v)")
            texts.append(String(format: "%.17g", Double(v)))
            texts.append(String(format: "%.6e", Double(v)))
            texts.append(String(format: "%.25f", Double(v)))
        }
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.file("r.csv", "v\n" + texts.joined(separator: "\n") + "\n")
        let t = try CSVReader.read(url, as: T.self, options: CSVOptions(targetColumns: []))
        #expect(t.features.rows == texts.count)
        var mismatches = 0
        for (i, text) in texts.enumerated() {
            let expected = T(text)!
            if !sameBits(t.features[i, 0], expected) { mismatches += 1; print("mismatch", text) }
        }
        #expect(mismatches == 0)
    }

    @Test func parsesExactlyAsStringInit() throws {
        try roundTripsLikeStringInit(Double.self, extremes: ["1e-320", "4.9406564584124654e-324", "1.7976931348623157e308",
                                                             "2.2250738585072011e-308"]) { g in Double(bitPattern: g.next()) }
        try roundTripsLikeStringInit(Float.self, extremes: ["1e-45", "1.4e-45", "3.4028235e38", "1.17549435e-38",
                                                           "7.0064923216240854e-46"]) { g in Float(bitPattern: UInt32(truncatingIfNeeded: g.next())) }
    }

    @Test func largeFileCrossesChunkBoundaries() throws {
        // ~3 MiB so cells and records straddle the 1 MiB read chunks.
        var g = SeededGenerator(seed: 7)
        var text = "a,b,c\n"
        var expected: [Double] = []
        for _ in 0..<60_000 {
            let row = (0..<3).map { _ in (2 * g.nextUnit() - 1) * 1e3 }
            expected += row
            text += row.map { "\($0)" }.joined(separator: ",") + "\n"
        }
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let t = try CSVReader.read(dir.file("big.csv", text), as: Double.self, options: CSVOptions(targetColumns: []))
        #expect(t.features.elements == expected)
    }
}
