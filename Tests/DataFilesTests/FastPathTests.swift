import Foundation
import Testing
@testable import DataFiles
import Descent

/// The fast paths of the readers: `DecimalParser` against the C library (which `T(String)` uses),
/// the CSV reader's in-place fields against its byte machine, row storage growth, and the row
/// visitors of both readers.
struct FastPathTests {
    /// Parses `text` with `DecimalParser`; nil when it leaves the text to the C library.
    func fast<T: BLASScalar>(_ text: String, as _: T.Type) -> T? {
        var t = text
        return t.withUTF8 { p -> T? in
            guard let base = p.baseAddress, let (v, next) = DecimalParser.parse(base, from: 0, to: p.count, as: T.self),
                  next == p.count else { return nil }
            return v
        }
    }

    func bitsEqual<T: BinaryFloatingPoint>(_ a: T, _ b: T) -> Bool {
        a.sign == b.sign && a.exponentBitPattern == b.exponentBitPattern && a.significandBitPattern == b.significandBitPattern
    }

    /// Random numbers in the shapes data files hold: up to 19 significant digits, the point
    /// anywhere, leading zeros, signs, exponents.
    func randomTexts(_ count: Int, seed: UInt64) -> [String] {
        var g = SeededGenerator(seed: seed)
        func digits(_ n: Int) -> String { String((0..<n).map { _ in Character(String(g.next() % 10)) }) }
        var texts: [String] = []
        while texts.count < count {
            let n = 1 + Int(g.next() % 19)
            var mantissa = digits(n)
            switch g.next() % 4 {
            case 0: break
            case 1:
                let point = Int(g.next() % UInt64(n + 1))
                mantissa.insert(".", at: mantissa.index(mantissa.startIndex, offsetBy: point))
            case 2: mantissa = "0." + String(repeating: "0", count: Int(g.next() % 6)) + mantissa
            default: mantissa = String(repeating: "0", count: Int(g.next() % 3)) + mantissa + "."
            }
            let sign = ["", "-", "+"][Int(g.next() % 3)]
            var exponent = ""
            if g.next() % 3 == 0 {
                let e = Int(g.next() % 50) - 25
                exponent = (g.next() % 2 == 0 ? "e" : "E") + (e >= 0 && g.next() % 2 == 0 ? "+" : "") + String(e)
            }
            texts.append(sign + mantissa + exponent)
        }
        return texts
    }

    func agreesWithStringInit<T: BLASScalar>(_: T.Type) {
        var texts = randomTexts(200_000, seed: T.self == Float.self ? 1 : 2)
        // Ties and near-ties for both precisions, powers of ten, the edges of the range.
        texts += ["0", "-0", "+0.000", "0e5", "16777216", "16777217", "16777219", "33554435", "9007199254740993",
                  "9007199254740992.5", "9007199254740995", "18446744073709551615", "9999999999999999999",
                  "1e19", "1e-19", "9999999999999999999e19", "1.0000000000000000001", "0.1", "0.2", "0.3",
                  "3.4028235e38", "1.17549435e-38", "2.2250738585072011e-308", "4.9406564584124654e-324",
                  "123456789012345678e-19", "5e-324", "1e23", "8.589973e9", "8.589974e9", "7.038531e-26"]
        var handled = 0, mismatches: [String] = []
        for text in texts {
            guard let v = fast(text, as: T.self) else { continue }
            handled += 1
            let expected = T(text)!
            if !bitsEqual(v, expected) { mismatches.append(text) }
        }
        #expect(mismatches.isEmpty, "\(T.self): \(mismatches.prefix(10))")
        // Most of these are in the fast path's range (the rest go to strtod, as before).
        #expect(handled > texts.count * 8 / 10, "\(T.self): \(handled) of \(texts.count) handled")
    }

    @Test func decimalParserRoundsAsStrtod() {
        agreesWithStringInit(Float.self)
        agreesWithStringInit(Double.self)
    }

    @Test func decimalParserLeavesOtherShapesToTheCLibrary() {
        for text in ["", " ", "-", "+", ".", "-.", "e5", ".e5", "1e", "1e+", "1e-", "inf", "-Infinity", "nan", "NaN(1)",
                     "0x1p3", "1,5", "12345678901234567890", "1e99999", "1.5e400", "1e-400", "1 2", "--1", "1..2", "1e5.5"] {
            #expect(fast(text, as: Double.self) == nil, "\"\(text)\"")
            #expect(fast(text, as: Float.self) == nil, "\"\(text)\"")
        }
        // Spaces and tabs around a number are part of the field, as for strtod after trimming.
        #expect(fast(" \t-1.5 ", as: Double.self) == -1.5)
        #expect(fast("1.5", as: Float.self) == 1.5 && fast("007", as: Double.self) == 7)
    }

    // MARK: CSV

    /// The same values through the in-place path (plain fields) and the byte machine (quoted, CR
    /// line ends), across many read chunks, with the error positions after the boundaries intact.
    @Test func csvFastAndSlowPathsAgree() throws {
        var g = SeededGenerator(seed: 11)
        var plain = "a,b,c,d\n", mixed = "a,b,c,d\r\n"
        var expected: [[Double]] = []
        for i in 0..<40_000 {
            let row = (0..<4).map { _ in ((2 * g.nextUnit() - 1) * pow(10, Double(Int(g.next() % 12)) - 6)) }
            expected.append(row)
            let texts = row.enumerated().map { j, v -> String in
                switch (i + j) % 4 {
                case 0: return "\(v)"
                case 1: return String(format: "%.17g", v)
                case 2: return String(format: "%.6e", v)
                default: return String(format: "%.3f", v)
                }
            }
            plain += texts.joined(separator: ",") + "\n"
            mixed += texts.enumerated().map { j, t in (i + j) % 5 == 0 ? "\"\(t)\"" : (j == 1 ? " \(t)\t" : t) }
                .joined(separator: ",") + (i % 3 == 0 ? "\r" : "\r\n")
            if i % 1000 == 0 { plain += "\n"; mixed += "  \r\n" }       // blank lines
        }
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let options = CSVOptions(targetColumns: [.name("b")], featureColumns: [.name("d"), .name("a")])
        let p = try CSVReader.read(dir.file("p.csv", plain), as: Double.self, options: options)
        let m = try CSVReader.read(dir.file("m.csv", mixed), as: Double.self, options: options)
        #expect(p.features.rows == expected.count && m.features.rows == expected.count)
        #expect(p.features == m.features && p.targets == m.targets)
        let texts = plain.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        #expect(p.features.elements == texts.flatMap { [Double($0[3])!, Double($0[0])!] })
        #expect(p.targets.elements == texts.map { Double($0[1])! })
        let f = try CSVReader.read(dir.file("f.csv", plain), as: Float.self, options: options)
        #expect(f.targets.elements == texts.map { Float($0[1])! })

        // A bad cell far past the first chunks is reported at its line and field.
        var lines = plain.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let at = (30_000...).first { !lines[$0].isEmpty }!
        var fields = lines[at].split(separator: ",").map(String.init)
        fields[1] = "x" + fields[1]
        lines[at] = fields.joined(separator: ",")
        let e = dataError { try CSVReader.read(dir.file("b.csv", lines.joined(separator: "\n")), as: Double.self, options: options) }
        #expect(e?.line == at + 1 && e?.column == 2 && e?.kind == .nonNumeric, "\(String(describing: e))")
        #expect(e?.message == "cell \"\(truncatedForMessage(fields[1]))\" in column \"b\" is not a number")
    }

    /// Delimiters and quotes that a number's text can hold or that trimming would skip: the
    /// in-place path must give what the byte machine gives.
    @Test func csvDelimitersThatLookLikeBlanksOrNumbers() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let tab = CSVOptions(delimiter: "\t", targetColumns: [])
        let t = try CSVReader.read(dir.file("t.tsv", "1\t 2 \t3\n4\t5\t 6\n"), as: Double.self, options: tab)
        #expect(t.features == Matrix([[1.0, 2, 3], [4, 5, 6]]))
        let emptyTab = dir.file("e.tsv", "a\tb\ty\n1\t\t3\n")
        #expect(dataError { try CSVReader.read(emptyTab, as: Double.self, options: tab) }?.description
                == "\(emptyTab.path):2:2: empty cell in column \"b\" (a missing value)")
        let space = CSVOptions(delimiter: " ", targetColumns: [])
        #expect(try CSVReader.read(dir.file("s.txt", "1 2 3\n4 5 6\n"), as: Float.self, options: space).features == Matrix([[Float(1), 2, 3], [4, 5, 6]]))
        let doubleSpace = dir.file("d.txt", "1 2 3\n4  6\n")
        #expect(dataError { try CSVReader.read(doubleSpace, as: Double.self, options: space) }?.description
                == "\(doubleSpace.path):2:2: empty cell in column 1 (a missing value)")
        // A quote character that numbers use: the byte machine reads every cell.
        let dash = CSVOptions(quote: "-", targetColumns: [])
        #expect(try CSVReader.read(dir.file("q.csv", "a,b\n1,-2-\n3,4\n"), as: Double.self, options: dash).features == Matrix([[1.0, 2], [3, 4]]))
        let dot = CSVOptions(delimiter: ".", targetColumns: [])
        #expect(try CSVReader.read(dir.file("p.csv", "1.25.3\n"), as: Double.self, options: dot).features == Matrix([[1.0, 25, 3]]))
    }

    /// Row storage grows (moving the rows) when the file's size is unknown, e.g. a pipe.
    @Test func csvStorageGrowsWithoutASizeHint() throws {
        var text = "x,y\n"
        for i in 0..<10_000 { text += "\(i),\(2 * i)\n" }
        var parser = CSVParser<Double>(file: "pipe", options: CSVOptions(), sizeHint: nil)
        try text.utf8CString.withUnsafeBytes { try parser.consume(UnsafeRawBufferPointer(rebasing: $0.dropLast())) }
        let t = try parser.finish { _, _, _ in }
        #expect(t.features.elements == (0..<10_000).map(Double.init) && t.targets.elements == (0..<10_000).map { Double(2 * $0) })
    }

    @Test func csvVisitorSeesEveryFinishedRowOnce() throws {
        var text = "a,b,y\n"
        for i in 0..<70_000 { text += "\(i),\(i % 7),\(Double(i) / 3)\n" }
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        var blocks: [Range<Int>] = [], seenX: [Double] = [], seenY: [Double] = []
        let t = try CSVReader.read(dir.file("v.csv", text), as: Double.self) { rows, x, y in
            blocks.append(rows)
            for i in 0..<x.rows { seenX += Array(x.row(i)); seenY += Array(y.row(i)) }
        }
        #expect(blocks.first?.lowerBound == 0 && blocks.last?.upperBound == 70_000 && blocks.count > 1)
        #expect(zip(blocks, blocks.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        #expect(blocks.dropLast().allSatisfy { $0.count % 64 == 0 })
        #expect(seenX == t.features.elements && seenY == t.targets.elements)
    }

    // MARK: .npy

    func npyVisitor<T: BLASScalar>(_: T.Type) throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let rows = 3000, cols = 40                     // ≈ 1 MB as float64: several blocks
        let m = Matrix<Double>(rows: rows, cols: cols) { i, j in Double(i * cols + j) / 7 }
        let url = dir.path("m.npy")
        try NPYFile.write(m, to: url)
        let shape = try NPYFile.shape(of: url)
        #expect(shape.rows == rows && shape.columns == cols)
        var blocks: [Range<Int>] = []
        var copy: [T] = []
        let whole = try NPYFile.read(url, as: T.self) { r, x, y in
            blocks.append(r)
            #expect(y.cols == 0 && x.rows == r.count)
            for i in 0..<x.rows { copy += Array(x.row(i)) }
        }
        #expect(whole == Matrix(rows: rows, cols: cols) { i, j in T(m[i, j]) })
        #expect(copy == whole.elements && blocks.last?.upperBound == rows && blocks.count > 1)
        #expect(blocks.dropLast().allSatisfy { $0.count % 64 == 0 })
        #expect(zip(blocks, blocks.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })

        var xs: [T] = [], ys: [T] = []
        let (x, y) = try NPYFile.read(url, targetColumns: [39, 0, 5], as: T.self) { _, fx, fy in
            for i in 0..<fx.rows { xs += Array(fx.row(i)); ys += Array(fy.row(i)) }
        }
        let featureColumns = (0..<cols).filter { ![39, 0, 5].contains($0) }
        #expect(x == Matrix(rows: rows, cols: cols - 3) { i, j in T(m[i, featureColumns[j]]) })
        #expect(y == Matrix(rows: rows, cols: 3) { i, j in T(m[i, [39, 0, 5][j]]) })
        #expect(xs == x.elements && ys == y.elements)
    }

    @Test func npyVisitorSeesEveryRowOnce() throws {
        try npyVisitor(Float.self)
        try npyVisitor(Double.self)
    }

    @Test func npyShapeReadsTheHeaderOnly() throws {
        let vector = try NPYFile.shape(of: fixture("f8_vector5.npy")), matrix = try NPYFile.shape(of: fixture("f8_3x4_bigendian.npy"))
        #expect(vector.rows == 5 && vector.columns == 1 && matrix.rows == 3 && matrix.columns == 4)
        let e = dataError { try NPYFile.shape(of: fixture("f2_3x4.npy")) }
        #expect(e?.kind == .npyDtype)
        #expect(dataError { try NPYFile.shape(of: URL(fileURLWithPath: "/nonexistent/x.npy")) }?.kind == .io)
    }
}

/// Two threads reading one file (`ParallelFileRead`), and `.npy` payloads large enough to use it.
struct ParallelReadTests {
    @Test func chunksArriveOnceInOrderWithTheFileBytes() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let bytes = (0..<3_000_017).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        let url = dir.path("b.bin")
        try Data(bytes).write(to: url)
        let fd = open(url.path, O_RDONLY)
        defer { close(fd) }
        for (offset, chunk) in [(0, 4096), (17, 65_536), (1000, 1_000_000), (5, 3_000_012)] {
            let total = bytes.count - offset
            let out = UnsafeMutableRawBufferPointer.allocate(byteCount: total, alignment: 64)
            defer { out.deallocate() }
            let reader = ParallelFileRead(fd: fd, path: url.path, fileOffset: offset, total: total, into: out.baseAddress!, chunkBytes: chunk)
            var order: [Int] = []
            while let k = try reader.next() {
                let r = reader.range(of: k)
                #expect(Array(out[r]) == Array(bytes[(offset + r.lowerBound)..<(offset + r.upperBound)]))
                order.append(k)
            }
            reader.finish()
            #expect(order == Array(0..<reader.chunkCount) && reader.chunkCount == (total + chunk - 1) / chunk)
            #expect(Array(out) == Array(bytes[offset...]))
        }
        // A file shorter than the range asked for: the short read is an error, not a hang.
        let out = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count + 10_000, alignment: 64)
        defer { out.deallocate() }
        let short = ParallelFileRead(fd: fd, path: url.path, fileOffset: 0, total: bytes.count + 10_000, into: out.baseAddress!, chunkBytes: 8192)
        let e = dataError { while try short.next() != nil {} }
        short.finish()
        #expect(e?.kind == .truncated)
        // Stopping early (a visitor that throws) waits for the helper.
        let early = ParallelFileRead(fd: fd, path: url.path, fileOffset: 0, total: bytes.count, into: out.baseAddress!, chunkBytes: 4096)
        _ = try early.next()
        early.finish()
    }

    /// A payload over `NPYFile.parallelReadThreshold` reads, and is visited, like a small one.
    @Test func largeNPYThroughTwoThreads() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let rows = (NPYFile.parallelReadThreshold / (1024 * 4)) + 1000, cols = 1024
        let m = Matrix<Float>(rows: rows, cols: cols) { (e: UnsafeMutableBufferPointer<Float>) in
            for i in 0..<rows { for j in 0..<cols { e[i * cols + j] = Float(i &* 31 &+ j) } }
        }
        let url = dir.path("big.npy")
        try NPYFile.write(m, to: url)
        var next = 0, mismatches = 0
        let read = try NPYFile.read(url, as: Float.self) { r, x, _ in
            if r.lowerBound != next { mismatches += 1 }
            next = r.upperBound
            if x.rows > 0 && x[x.rows - 1, cols - 1] != Float((r.upperBound - 1) &* 31 &+ cols - 1) { mismatches += 1 }
        }
        #expect(next == rows && mismatches == 0)
        #expect(read == m)
    }
}
