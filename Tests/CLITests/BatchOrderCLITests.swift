import Foundation
import Testing
import Descent
import _TestSupport

/// `--batch-order FILE` through the built executable: replaying a shuffled PyTorch run
/// (`BatchOrderTorchReference`, made by `scripts/reference/batch_order_torch.py`) ends on torch's
/// weights; bad files are one-line errors naming the file, line and column.
@Suite struct BatchOrderCLITests {
    typealias Ref = BatchOrderTorchReference

    func problem(order: String) throws -> TempDirectory {
        let dir = try TempDirectory()
        var csv = "f0,f1,target\n"
        for i in 0..<Ref.rows { csv += "\(Ref.x[2 * i]),\(Ref.x[2 * i + 1]),\(Ref.y[i])\n" }
        try dir.write("d.csv", csv)
        try dir.write("order.txt", order)
        return dir
    }

    var orderText: String { Ref.orders.map { $0.map(String.init).joined(separator: " ") }.joined(separator: "\n") + "\n" }
    var base: [String] {
        ["train", "--data", "d.csv", "--batch-size", "\(Ref.batchSize)", "--lr", "\(Ref.learningRate)", "--momentum", "\(Ref.momentum)",
         "--epochs", "\(Ref.orders.count)", "--quiet", "--batch-order", "order.txt", "-o", "m.json"]
    }

    @Test func replaysTorch() throws {
        let dir = try problem(order: orderText)
        let r = try CLI.run(base, in: dir.url)
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try ModelDocument.load(from: URL(fileURLWithPath: dir.path("m.json")))
        let mine = doc.layers[0].weights.map { $0[0] } + [doc.layers[0].bias?[0] ?? .nan]
        for (a, b) in zip(mine, Ref.weights + [Ref.bias]) {
            #expect(abs(a - b) <= 1e-10 * Swift.max(abs(b), 1), "\(mine) vs torch \(Ref.weights + [Ref.bias])")
        }
        #expect(doc.training["batchOrder"] != nil)
    }

    @Test(arguments: [("0 1 x", "order.txt:1:3:"), ("0 1 99", "order.txt:1:3:"), ("0,1,1", "order.txt:1:3:"), ("0 1 2", "order.txt:1:")])
    func badFileIsAOneLineError(_ line: String, _ position: String) throws {
        let lines = orderText.split(separator: "\n").map(String.init)
        let dir = try problem(order: ([line] + lines.dropFirst()).joined(separator: "\n"))
        let r = try CLI.run(base, in: dir.url)
        #expect(r.status != 0)
        #expect(r.stderr.split(separator: "\n").filter { $0.contains(position) }.count == 1, "\(r.stderr)")
    }

    @Test func tooFewEpochsIsAnError() throws {
        let dir = try problem(order: orderText.split(separator: "\n").map(String.init).dropLast().joined(separator: "\n"))
        let r = try CLI.run(base, in: dir.url)
        #expect(r.status != 0 && r.stderr.contains("order.txt") && r.stderr.contains("fewer than"), "\(r.stderr)")
    }
}
