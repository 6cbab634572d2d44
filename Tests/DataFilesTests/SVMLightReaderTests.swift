import Foundation
import Testing
import Descent

/// SVMLightReader against what scikit-learn's load_svmlight_file reads from the same bytes
/// (SparseFilesSklearnReference, from scripts/reference/sparse_files_sklearn.py), and its errors.
struct SVMLightReaderTests {
    typealias Reference = SparseFilesSklearnReference

    func check<T: BLASScalar>(_ got: SVMLightData<T>, _ want: Reference.Expected, _ name: String) {
        let x = got.features
        #expect(x.rows == want.rows && x.cols == want.cols, "\(name): shape \(x.shape)")
        #expect(x.rowStarts == want.indptr, "\(name): indptr")
        #expect(x.columnIndices.map { Int($0) } == want.indices, "\(name): indices")
        // Exact: T(Double) widens a Float exactly back, so equality of the Doubles is equality of bits.
        #expect(x.values.map { Double($0) } == want.data, "\(name): data \(x.values)")
        if want.labelLists.isEmpty && got.labelLists.isEmpty {
            #expect(got.labels.map { Double($0) } == want.labels.map { Double(T($0)) }, "\(name): labels")
        } else {
            #expect(got.labels.isEmpty)
            #expect(got.labelLists.map { $0.map { Double($0) } } == want.labelLists.map { $0.map { Double(T($0)) } }, "\(name): label lists")
        }
    }

    func options(_ c: Reference.SVMLightCase) -> SVMLightOptions {
        let base: SVMLightOptions.IndexBase = switch c.zeroBased { case nil: .auto; case true?: .zeroBased; case false?: .oneBased }
        return SVMLightOptions(indexBase: base, featureCount: c.featureCount, multilabel: c.multilabel)
    }

    @Test(arguments: Reference.svmlight.keys.sorted())
    func matchesScikitLearn(_ name: String) throws {
        let c = Reference.svmlight[name]!
        let url = fixture("sparse/" + c.file)
        check(try SVMLightReader.read(url, as: Double.self, options: options(c)), c.float64, name + " (Double)")
        check(try SVMLightReader.read(url, as: Float.self, options: options(c)), c.float32, name + " (Float)")
        // The in-memory parser reads the same.
        let bytes = try Data(contentsOf: url)
        let parsed = try bytes.withUnsafeBytes { try SVMLightReader.parse($0, file: c.file, as: Double.self, options: options(c)) }
        check(parsed, c.float64, name + " (parse)")
    }

    @Test func resolvedIndexBase() throws {
        #expect(try SVMLightReader.read(fixture("sparse/one_based.svm"), as: Double.self).zeroBased == false)
        #expect(try SVMLightReader.read(fixture("sparse/zero_based.svm"), as: Double.self).zeroBased == true)
    }

    @Test func emptyAndCommentOnlyFiles() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let empty = try SVMLightReader.read(dir.file("e.svm", ""), as: Double.self)
        #expect(empty.features.rows == 0 && empty.features.cols == 0 && empty.labels.isEmpty)
        let comments = try SVMLightReader.read(dir.file("c.svm", "# x\n\n  # y\n"), as: Float.self, options: SVMLightOptions(featureCount: 3))
        #expect(comments.features.rows == 0 && comments.features.cols == 3)
        let labelsOnly = try SVMLightReader.read(dir.file("l.svm", "1\n2\n"), as: Double.self)
        #expect(labelsOnly.features.shape == "2×0" && labelsOnly.labels == [1, 2] && labelsOnly.zeroBased)
    }

    /// Lines longer than the 1 MiB read buffer, and lines across buffer boundaries.
    @Test func longLinesAcrossChunks() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        var text = ""
        var want: [[(Int, Double)]] = []
        for r in 0..<40 {
            let count = r == 7 ? 120_000 : 3_000 + 37 * r
            var row: [(Int, Double)] = []
            var line = "\(r % 3)"
            for k in 0..<count {
                let v = Double(k % 1000) / 8 - 60
                line += " \(2 * k + r % 2):\(v)"
                row.append((2 * k + r % 2, v))
            }
            text += line + "\n"
            want.append(row)
        }
        let data = try SVMLightReader.read(dir.file("long.svm", text), as: Double.self, options: SVMLightOptions(indexBase: .zeroBased))
        #expect(data.features.rows == 40)
        #expect(data.labels == (0..<40).map { Double($0 % 3) })
        for r in [0, 6, 7, 8, 39] {
            let got = data.features.row(r)
            #expect(got.count == want[r].count && zip(got, want[r]).allSatisfy { $0.column == $1.0 && $0.value == $1.1 }, "row \(r)")
        }
    }

    func error(_ text: String, _ options: SVMLightOptions = SVMLightOptions()) -> String? {
        let dir = TemporaryDirectory()
        defer { dir.cleanUp() }
        let url = dir.file("bad.svm", text)
        let e = dataError { try SVMLightReader.read(url, as: Double.self, options: options) }
        return e.map { $0.description.replacingOccurrences(of: url.path, with: "bad.svm") }
    }

    @Test func errorsNameLineAndToken() {
        #expect(error("1 1:2\nabc 1:2\n") == "bad.svm:2:1: label \"abc\" is not a number")
        #expect(error("nan 1:2\n") == "bad.svm:1:1: label nan is not finite")
        #expect(error("1 1:2 3\n") == "bad.svm:1:3: \"3\" is not an index:value pair")
        #expect(error("1 x:2\n") == "bad.svm:1:2: feature index \"x\" is not an integer")
        #expect(error("1 :2\n") == "bad.svm:1:2: feature index \"\" is not an integer")
        #expect(error("1 -2:2\n") == "bad.svm:1:2: feature index -2 is negative")
        #expect(error("1 0:2\n", SVMLightOptions(indexBase: .oneBased)) == "bad.svm:1:2: feature index 0 in a 1-based file (read it as zero-based)")
        #expect(error("1 1:2 9999999999:1\n") == "bad.svm:1:3: feature index 9999999999 is too large (at most 2147483647)")
        #expect(error("# c\n\n1 3:1 2:1\n") == "bad.svm:3:3: feature index 2 after 3: indices must increase within a line")
        #expect(error("1 3:1 3:1\n") == "bad.svm:1:3: feature index 3 after 3: indices must increase within a line")
        #expect(error("1 qid:4 2:1e\n") == "bad.svm:1:3: value \"1e\" of feature index 2 is not a number")
        #expect(error("1 2:\n") == "bad.svm:1:2: value \"\" of feature index 2 is not a number")
        #expect(error("1 2:inf\n") == "bad.svm:1:2: value inf of feature index 2 is not finite")
        #expect(error("1 2:1e999\n") == "bad.svm:1:2: value 1e999 of feature index 2 is not finite")
        #expect(error("1 2:0x10\n") == "bad.svm:1:2: value \"0x10\" of feature index 2 is not a number")
        #expect(error("1,2 1:1\n") == "bad.svm:1:1: label \"1,2\" is not a number")
        #expect(error("1,,2 1:1\n", SVMLightOptions(multilabel: true)) == "bad.svm:1:1: label \"\" in \"1,,2\" is not a number")
        #expect(error("1 1:1\n2 5:1\n", SVMLightOptions(featureCount: 4)) == "bad.svm:2:2: feature index 5 (1-based) does not fit 4 features")
        #expect(error("1 0:1\n2 4:1\n", SVMLightOptions(featureCount: 4)) == "bad.svm:2:2: feature index 4 (0-based) does not fit 4 features")
        #expect(error("1 1:1\n2 4:1\n", SVMLightOptions(featureCount: 4)) == nil)
        #expect(error("1 1:1\n", SVMLightOptions(featureCount: -1)) == "bad.svm: the feature count -1 is negative")
    }
}
