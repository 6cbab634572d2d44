import Foundation
import Testing
import Descent

/// `CSVOptions.missing` (empty cells), `CSVOptions.indexColumn` (pandas' unnamed index column) and
/// `CSVOptions.weightColumn`, on small files whose answer is read off the text.
struct CSVMissingValueTests {
    func read(_ text: String, _ configure: (inout CSVOptions) -> Void = { _ in }) throws -> CSVTable<Double> {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        var options = CSVOptions()
        configure(&options)
        return try CSVReader.read(dir.file("d.csv", text), as: Double.self, options: options)
    }

    func failure(_ text: String, _ configure: (inout CSVOptions) -> Void = { _ in }) -> DataError? {
        dataError { _ = try read(text, configure) }
    }

    static let holes = "a,b,y\n1,2,3\n,5,6\n7, ,9\n10,\"\",12\n13,14,15\n"

    @Test func emptyCellsAreAnErrorByDefault() {
        let e = failure(Self.holes)
        #expect(e?.kind == .missingValue && e?.line == 3 && e?.column == 1)
        #expect(e?.message == "empty cell in column \"a\" (a missing value)")
    }

    @Test func dropRowsKeepsTheCompleteOnes() throws {
        let t = try read(Self.holes) { $0.missing = .dropRows }
        #expect(t.features == Matrix([[1.0, 2], [13, 14]]) && t.targets == Matrix([[3.0], [15]]))
        #expect(t.droppedRows == 3 && t.droppedForMissing == 3 && t.missingCounts.isEmpty)
        // NaN and an empty cell together, both dropped, counted apart.
        let u = try read("a,y\n1,2\nnan,3\n,4\n5,6\n") { $0.missing = .dropRows; $0.nonFinite = .dropRows }
        #expect(u.features == Matrix([[1.0], [5]]) && u.droppedRows == 2 && u.droppedForMissing == 1)
        let all = failure("a,y\n,1\n2,\n") { $0.missing = .dropRows }
        #expect(all?.kind == .noDataRows && all?.message == "all 2 data rows hold an empty cell in a used column and were dropped")
    }

    @Test func keepAsNaNCountsPerFeatureColumn() throws {
        let t = try read(Self.holes) { $0.missing = .keepAsNaN }
        #expect(t.features.rows == 5 && t.missingCounts == [1, 2])
        #expect(t.features[1, 0].isNaN && t.features[2, 1].isNaN && t.features[3, 1].isNaN && t.features[3, 0] == 10)
        #expect(t.targets == Matrix([[3.0], [6], [9], [12], [15]]))
        // An empty target is never filled.
        let e = failure("a,y\n1,2\n3,\n") { $0.missing = .keepAsNaN }
        #expect(e?.line == 3 && e?.column == 2 && e?.message == "empty cell in target column \"y\": a missing target cannot be filled (drop such rows instead)")
        // A row dropped for NaN/Inf does not count its empty cells.
        let u = try read("a,b,y\n1,,3\n,inf,4\n5,6,7\n") { $0.missing = .keepAsNaN; $0.nonFinite = .dropRows }
        #expect(u.features.rows == 2 && u.missingCounts == [0, 1] && u.droppedRows == 1)
        // An unused column's empty cells do not matter.
        let v = try read("a,b,y\n1,,3\n4,,6\n") { $0.ignoredColumns = [.name("b")] }
        #expect(v.features == Matrix([[1.0], [4]]))
    }

    @Test func pandasIndexColumnsAreLeftOut() throws {
        let t = try read(",a,y\n0,1.5,2\n1,2.5,3\n")
        #expect(t.skippedIndexColumns == 1 && t.featureNames == ["a"] && t.features == Matrix([[1.5], [2.5]]))
        let twice = try read(",Unnamed: 0,a,y\n0,0,1.5,2\n1,1,2.5,3\n")
        #expect(twice.skippedIndexColumns == 2 && twice.featureNames == ["a"])
        let kept = try read(",a,y\n0,1.5,2\n1,2.5,3\n") { $0.indexColumn = .keep }
        #expect(kept.skippedIndexColumns == 0 && kept.featureNames == ["", "a"] && kept.features == Matrix([[0.0, 1.5], [1, 2.5]]))
        // Chosen as a feature, or named by a model, it is kept; an ordinary name is never skipped.
        let chosen = try read(",a,y\n0,1.5,2\n1,2.5,3\n") { $0.featureColumns = [.index(0), .name("a")] }
        #expect(chosen.skippedIndexColumns == 0 && chosen.features.cols == 2)
        let model = try read(",a,y\n0,1.5,2\n1,2.5,3\n") { $0.modelFeatureNames = ["", "a"] }
        #expect(model.skippedIndexColumns == 0 && model.featureNames == ["", "a"])
        #expect(try read("id,a,y\n0,1.5,2\n1,2.5,3\n").skippedIndexColumns == 0)
        #expect(try read("Unnamed: x,a,y\n0,1.5,2\n1,2.5,3\n").skippedIndexColumns == 0)
        // A single column is never taken for an index; nor is a header-less file's first column.
        #expect(try read("0,1.5,2\n1,2.5,3\n").skippedIndexColumns == 0)
    }

    @Test func weightColumnIsNeitherFeatureNorTarget() throws {
        let t = try read("a,w,y\n1,0.5,3\n2,2,4\n") { $0.weightColumn = .name("w") }
        #expect(t.features == Matrix([[1.0], [2]]) && t.targets == Matrix([[3.0], [4]]) && t.weights == [0.5, 2])
        #expect(t.featureNames == ["a"] && t.targetNames == ["y"])
        let e = failure("a,w,y\n1,0.5,3\n") { $0.weightColumn = .name("y") }
        #expect(e?.kind == .duplicateColumn && e?.message == "column \"y\" is chosen both as the sample-weight column and as a target")
        let f = failure("a,w,y\n1,0.5,3\n") { $0.weightColumn = .name("w"); $0.featureColumns = [.name("w")] }
        #expect(f?.message == "column \"w\" is chosen both as a feature and as the sample-weight column")
        let g = failure("a,w,y\n1,,3\n") { $0.weightColumn = .name("w"); $0.missing = .keepAsNaN }
        #expect(g?.message == "empty cell in sample-weight column \"w\": a missing weight cannot be filled (drop such rows instead)")
        let h = failure("a,w,y\n1,0.5,3\n") { $0.weightColumn = .name("v") }
        #expect(h?.kind == .missingColumn && h?.message.hasPrefix("no sample-weight column named \"v\"") == true)
    }
}
