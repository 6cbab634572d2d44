import Foundation
import Testing
import Descent

/// The code listing of the DocC article "Sparse data" (Sources/Descent/Descent.docc/SparseData.md)
/// is the marked body below: it runs here on a small svmlight file, and the test fails when the
/// article's listing does not contain it (un-indented) or when the fit is wrong.
struct SparseArticleCodeTests {
    @Test func articleCodeRunsAndIsTheArticles() throws {
        // y = 2·x₀ − x₃ + 0.5·x₇ over 300 rows of 10 features, about 3 non-zeros a row (1-based indices in the file).
        var g = SeededGenerator(seed: 3)
        var lines: [String] = []
        for _ in 0..<300 {
            var entries: [(Int, Double)] = []
            for j in 0..<10 where Double.random(in: 0..<1, using: &g) < 0.3 { entries.append((j, Double.random(in: -1..<1, using: &g))) }
            let value = entries.reduce(0.0) { $0 + [0: 2.0, 3: -1.0, 7: 0.5][$1.0, default: 0] * $1.1 }
            lines.append("\(value) " + entries.map { "\($0.0 + 1):\($0.1)" }.joined(separator: " "))
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("descent-sparse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("train.svm")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)

        // article code begins
        let data = try SVMLightReader.read(file, as: Double.self)
        let x = data.features
        let sgd = try SparseLinearSGD<Double>(features: x.cols, loss: .squaredError,
                                              learningRate: .constant(0.01), weightDecay: 1e-4)
        x.rowStarts.withUnsafeBufferPointer { starts in
            x.columnIndices.withUnsafeBufferPointer { columns in
                x.values.withUnsafeBufferPointer { values in
                    data.labels.withUnsafeBufferPointer { targets in
                        for _ in 0..<5 {
                            _ = sgd.epoch(rowStarts: starts, columns: columns, values: values, targets: targets)
                        }
                    }
                }
            }
        }
        var weights = [Double](repeating: 0, count: x.cols)
        weights.withUnsafeMutableBufferPointer { sgd.copyWeights(into: $0) }
        // article code ends

        #expect(x.rows == 300 && x.cols <= 10)
        #expect(weights[0] > 0.5 && weights[3] < -0.2, "\(weights)")   // five epochs at 0.01 move toward (2, −1)

        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8).components(separatedBy: "\n")
        let begin = try #require(source.firstIndex { $0.hasSuffix("// article code begins") })
        let end = try #require(source.firstIndex { $0.hasSuffix("// article code ends") })
        let body = source[(begin + 1)..<end].map { $0.hasPrefix("        ") ? String($0.dropFirst(8)) : $0 }.joined(separator: "\n")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let article = try String(contentsOf: root.appendingPathComponent("Sources/Descent/Descent.docc/SparseData.md"), encoding: .utf8)
        #expect(article.contains("```swift\nlet file = URL(fileURLWithPath: \"train.svm\")\n" + body + "\n```"),
                "SparseData.md's listing differs from SparseArticleCodeTests' code:\n\(body)")
    }
}
