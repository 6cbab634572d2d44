import DataFiles
import Foundation
import Training

extension BatchOrder {
    /// Reads a batch-order file: one line per epoch, each `sampleCount` 0-based training-row indices
    /// separated by spaces, tabs or commas (a permutation of the rows; blank lines at the end are
    /// ignored). With a validation split the indices are rows of the training part, after the split.
    /// Throws a one-line `DataError` naming the file, and the line and column (the 1-based entry) of
    /// a non-integer, out-of-range or repeated index, or the line of one with the wrong count, or
    /// saying how many epochs the file holds when that is fewer than `epochs`.
    public static func read(from path: String, sampleCount: Int, epochs: Int) throws -> BatchOrder {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw DataError(.io, file: path, "cannot read the batch order file")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        while let last = lines.last, last.allSatisfy({ $0 == " " || $0 == "\t" }) { lines.removeLast() }
        var rows: [[Int]] = []
        rows.reserveCapacity(lines.count)
        for (l, line) in lines.enumerated() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," })
            var row: [Int] = []
            row.reserveCapacity(fields.count)
            for (k, f) in fields.enumerated() {
                guard let i = Int(f) else {
                    throw DataError(.nonNumeric, file: path, line: l + 1, column: k + 1, "\"\(f)\" is not an integer row index")
                }
                row.append(i)
            }
            rows.append(row)
        }
        let order: BatchOrder
        do { order = try BatchOrder(sampleCount: sampleCount, epochs: rows) } catch {
            throw DataError(.invalidValue, file: path, line: error.epoch + 1, column: error.position.map { $0 + 1 }, error.message)
        }
        guard order.epochs >= epochs else {
            throw DataError(.invalidValue, file: path, "holds \(order.epochs) epochs (lines), fewer than the \(epochs) to train")
        }
        return order
    }

    /// XXH64 (hex) of the indices: the order's part of the checkpoint fingerprint.
    public var digest: String { indices.withUnsafeBytes { XXH64.digest(of: $0).hex } }
}
