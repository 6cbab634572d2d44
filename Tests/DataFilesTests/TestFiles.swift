import Foundation
import Descent

/// A fresh temporary directory per test, removed by `cleanUp()`.
struct TemporaryDirectory {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("datafiles-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `text` verbatim (bytes as given, no newline added) and returns its URL.
    func file(_ name: String, _ text: String) -> URL {
        let u = url.appendingPathComponent(name)
        try! Data(text.utf8).write(to: u)
        return u
    }

    func path(_ name: String) -> URL { url.appendingPathComponent(name) }

    var contents: [String] { (try? FileManager.default.contentsOfDirectory(atPath: url.path).sorted()) ?? [] }

    func cleanUp() { try? FileManager.default.removeItem(at: url) }
}

/// The committed fixtures beside this file (written by scripts/reference/make_npy_fixtures.py).
func fixture(_ name: String, sourceFile: String = #filePath) -> URL {
    URL(fileURLWithPath: sourceFile).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent(name)
}

/// The `DataError` a throwing call produced (nil when it did not throw one).
func dataError<T>(_ body: () throws -> T) -> DataError? {
    do { _ = try body(); return nil } catch let e as DataError { return e } catch { return nil }
}

/// Bit-for-bit equality of two floating-point values (distinguishes -0 and +0, compares NaN payloads).
func sameBits<T: BinaryFloatingPoint>(_ a: T, _ b: T) -> Bool {
    a.sign == b.sign && a.exponentBitPattern == b.exponentBitPattern && a.significandBitPattern == b.significandBitPattern
}
