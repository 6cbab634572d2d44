import Foundation
import Testing
import Descent

/// Every CSV error, with the exact one-line message (file:line:field where a cell is at fault).
struct CSVErrorTests {
    func error(_ text: String, _ options: CSVOptions = CSVOptions()) -> (String, DataError?) {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.file("d.csv", text)
        return (url.path, dataError { try CSVReader.read(url, as: Double.self, options: options) })
    }

    @Test func raggedRow() {
        let (p, e) = error("a,b,c\n1,2,3\n4,5\n")
        #expect(e?.kind == .raggedRow)
        #expect(e?.description == "\(p):3: row has 2 fields, expected 3 like the first line")
        let (p2, e2) = error("1,2\r\n\r\n3,4,5\r\n")      // blank CRLF line still counts as a line
        #expect(e2?.description == "\(p2):3: row has 3 fields, expected 2 like the first line")
    }

    @Test func nonNumericCell() {
        let (p, e) = error("a,b\n1,2\n3,abc\n")
        #expect(e?.kind == .nonNumeric)
        #expect(e?.description == "\(p):3:2: cell \"abc\" in column \"b\" is not a number")
        let (p2, e2) = error("a,b\n1,0123456789012345678901234567890\n".replacingOccurrences(of: "1,0", with: "1,x"))
        #expect(e2?.description == "\(p2):2:2: cell \"x12345678901234567890123…\" in column \"b\" is not a number")
        let (p3, e3) = error("1,2\n3,\n")
        #expect(e3?.kind == .missingValue && e3?.description == "\(p3):2:2: empty cell in target column 1 (a missing value)")
        let (p4, e4) = error("a,b\n1,2x\n")                 // a number followed by junk is not a number
        #expect(e4?.description == "\(p4):2:2: cell \"2x\" in column \"b\" is not a number")
    }

    @Test func nonFiniteValue() {
        let (p, e) = error("a,b\n1,2\nNaN,3\n")
        #expect(e?.kind == .nonFinite)
        #expect(e?.description == "\(p):3:1: value NaN in column \"a\" is not finite (NaN/Inf rows may be dropped with the drop-rows option)")
        let (_, e2) = error("a,b\n1,1e999\n")               // overflow to +Inf
        #expect(e2?.kind == .nonFinite && e2?.line == 2 && e2?.column == 2)
    }

    @Test func emptyFileAndHeaderOnly() {
        let (p, e) = error("")
        #expect(e?.description == "\(p): the file is empty (no records)")
        let (_, e2) = error("\n  \n\r\n")
        #expect(e2?.kind == .emptyFile)
        let (p3, e3) = error("a,b\n\n")
        #expect(e3?.kind == .noDataRows)
        #expect(e3?.description == "\(p3): the file has a header line but no data rows")
        let (p4, e4) = error("a,b\nnan,1\n", CSVOptions(nonFinite: .dropRows))
        #expect(e4?.description == "\(p4): all 1 data rows hold NaN/Inf in a used column and were dropped")
    }

    @Test func missingTargetColumn() {
        let (p, e) = error("a,b,c\n1,2,3\n", CSVOptions(targetColumns: [.name("y")]))
        #expect(e?.kind == .missingColumn)
        #expect(e?.description == "\(p): no target column named \"y\"; the columns are \"a\", \"b\", \"c\"")
        let (p2, e2) = error("1,2\n", CSVOptions(targetColumns: [.name("y")]))
        #expect(e2?.description == "\(p2): target column \"y\" is chosen by name, but the file has no header line; choose it by 0-based index")
        let (p3, e3) = error("a,b\n1,2\n", CSVOptions(featureColumns: [.name("z")]))
        #expect(e3?.description == "\(p3): no feature column named \"z\"; the columns are \"a\", \"b\"")
    }

    @Test func indexOutOfRangeAndDuplicates() {
        let (p, e) = error("a,b,c\n1,2,3\n", CSVOptions(targetColumns: [.index(3)]))
        #expect(e?.kind == .columnOutOfRange)
        #expect(e?.description == "\(p): target column index 3 is out of range: the file has 3 columns (indices 0–2)")
        let (p2, e2) = error("a,b,c\n1,2,3\n", CSVOptions(targetColumns: [.index(0)], featureColumns: [.name("a")]))
        #expect(e2?.description == "\(p2): column \"a\" is chosen both as a feature and as a target")
        let (p3, e3) = error("a,b,c\n1,2,3\n", CSVOptions(targetColumns: [.name("c"), .index(2)]))
        #expect(e3?.description == "\(p3): column \"c\" is chosen twice as a target")
    }

    @Test func unterminatedQuote() {
        let (p, e) = error("a,b\n1,2\n3,\"4\n5,6\n")
        #expect(e?.kind == .unterminatedQuote)
        #expect(e?.description == "\(p):3:2: quoted field is not closed before the end of the file")
    }

    @Test func missingFile() {
        let url = URL(fileURLWithPath: "/nonexistent-dir/x.csv")
        let e = dataError { try CSVReader.read(url, as: Double.self) }
        #expect(e?.description == "/nonexistent-dir/x.csv: cannot open for reading: No such file or directory")
    }
}
