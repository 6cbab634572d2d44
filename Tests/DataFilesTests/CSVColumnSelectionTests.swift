import Foundation
import Testing
import Descent
import _TestSupport

/// `--features`, `--ignore` and a saved model's feature names choosing a CSV file's columns, and
/// the same choices for .npy through `DataSpec`; the truth is the file's text (or array) itself.
struct CSVColumnSelectionTests {
    static let text = "id,a,b,c,y\nr1,1,2,3,10\nr2,4,5,6,20\n"

    func ignoresColumns<T: BLASScalar>(_: T.Type) throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.file("t.csv", Self.text)
        let t = try CSVReader.read(url, as: T.self, options: CSVOptions(ignoredColumns: [.name("id"), .index(2)]))
        #expect(t.featureNames == ["a", "c"] && t.targetNames == ["y"])
        #expect(t.features == Matrix<T>([[1, 3], [4, 6]]) && t.targets == Matrix<T>([[10], [20]]))
    }

    @Test func ignoredColumnsAreLeftOut() throws {
        try ignoresColumns(Float.self)
        try ignoresColumns(Double.self)
    }

    @Test func selectionErrorsNameTheFileAndColumn() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.file("t.csv", Self.text)
        func message(_ o: CSVOptions) -> String? { dataError { try CSVReader.read(url, as: Double.self, options: o) }?.description }
        #expect(message(CSVOptions(ignoredColumns: [.name("zz")]))?.hasPrefix("\(url.path): no ignored column named \"zz\"") == true)
        #expect(message(CSVOptions(ignoredColumns: [.index(5)]))
                == "\(url.path): ignored column index 5 is out of range: the file has 5 columns (indices 0–4)")
        #expect(message(CSVOptions(ignoredColumns: [.name("y")])) == "\(url.path): column \"y\" is chosen both as a target and as ignored")
        #expect(message(CSVOptions(featureColumns: [.name("a")], ignoredColumns: [.index(1)]))
                == "\(url.path): column \"a\" is chosen both as a feature and as ignored")
        #expect(message(CSVOptions(featureColumns: [.name("y")])) == "\(url.path): column \"y\" is chosen both as a feature and as a target")
    }

    @Test func modelFeatureNamesChooseColumnsByHeader() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        // Columns in another order, an extra text column: the model's columns by name, in its order.
        let url = dir.file("t.csv", "c,note,a,y\n3,x,1,10\n6,y,4,20\n")
        var o = CSVOptions(targetColumns: [])
        o.modelFeatureNames = ["a", "c"]
        let t = try CSVReader.read(url, as: Double.self, options: o)
        #expect(t.featureNames == ["a", "c"] && t.features == Matrix([[1.0, 3], [4, 6]]))
        // No header: by position.
        let plain = dir.file("p.csv", "1,3\n4,6\n")
        #expect(try CSVReader.read(plain, as: Double.self, options: o).features == Matrix([[1.0, 3], [4, 6]]))
        // A header with other names but as many columns as the model has features: by position.
        let renamed = dir.file("r.csv", "p,q\n1,3\n4,6\n")
        #expect(try CSVReader.read(renamed, as: Double.self, options: o).features == Matrix([[1.0, 3], [4, 6]]))
        // A header lacking a feature, with another column count: an error naming it.
        let short = dir.file("s.csv", "a,b,d\n1,2,3\n")
        #expect(dataError { try CSVReader.read(short, as: Double.self, options: o) }?.description
                == "\(short.path): the model's feature \"c\" is not a column of the file, and its other columns are 3, not the model's 2")
    }

    @Test func npyColumnsByIndex() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let m = Matrix<Double>([[1, 2, 3, 10], [4, 5, 6, 20], [7, 8, 9, 30]])
        let url = dir.path("d.npy")
        try NPYFile.write(m, to: url)
        var spec = DataSpec(path: url.path)   // target: the last column
        spec.ignoredColumns = [.index(1)]
        let ignored = try spec.load(Double.self, withTargets: true)
        #expect(ignored.x == Matrix([[1.0, 3], [4, 6], [7, 9]]) && ignored.y == Matrix([[10.0], [20], [30]]))
        spec = DataSpec(path: url.path, targetColumns: [.index(0)])
        spec.featureColumns = [.index(3), .index(2)]
        let chosen = try spec.load(Float.self, withTargets: true)
        #expect(chosen.x == Matrix<Float>([[10, 3], [20, 6], [30, 9]]) && chosen.y == Matrix<Float>([[1], [4], [7]]))
        spec.featureColumns = [.index(4)]
        #expect(dataError { try spec.load(Double.self, withTargets: true) }?.description
                == "\(url.path): feature column index 4 is out of range: the file has 4 columns (indices 0–3)")
        spec.featureColumns = [.index(0)]
        #expect(dataError { try spec.load(Double.self, withTargets: true) }?.description
                == "\(url.path): column 0 is chosen both as a feature and as a target")
        spec.featureColumns = [.name("a")]
        #expect(dataError { try spec.load(Double.self, withTargets: true) }?.description
                == "\(url.path): a .npy file has no column names (feature \"a\"); give a 0-based index")
    }
}
