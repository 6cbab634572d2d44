import Foundation
import Testing
import Descent

/// The plots the CLI writes, through the built executable: what they mark and say, and (when
/// rsvg-convert is installed) that they render to a non-blank PNG of their size.
@Suite struct PlotFileTests {
    static let rsvg: String? = ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Renders `svg` to PNG and returns (width, height, bytes), or nil without rsvg-convert.
    func render(_ dir: TempDirectory, _ svg: String) throws -> (Int, Int, Int)? {
        guard let rsvg = Self.rsvg else { return nil }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: rsvg)
        p.arguments = [dir.path(svg), "-o", dir.path(svg + ".png")]
        try p.run(); p.waitUntilExit()
        let png = [UInt8](try dir.bytes(svg + ".png"))
        guard png.count > 24, png[1...3] == [0x50, 0x4E, 0x47][...] else { return (0, 0, png.count) }
        func be(_ i: Int) -> Int { png[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (be(16), be(20), png.count)
    }

    @Test func trainingAndRangeTestPlots() throws {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 400, weights: [2, -1], bias: 1, noise: 0.3, seed: 21)
        try dir.write("d.csv", Problems.csv(x, y))
        let train = try CLI.run(["train", "--data", "d.csv", "--standardize", "all", "--validation-split", "0.25", "--epochs", "40",
                                 "--lr", "0.05", "--early-stopping", "2", "--plot", "loss.svg", "--quiet"], in: dir.url)
        #expect(train.status == 0, "\(train.stderr)")
        let loss = try dir.read("loss.svg")
        for text in ["(log scale)", "standardised targets", "best epoch", "training loss", "validation loss"] {
            #expect(loss.contains(text), "loss.svg lacks “\(text)”")
        }
        let find = try CLI.run(["lr-find", "--data", "d.csv", "--standardize", "all", "--plot", "lr.svg"], in: dir.url)
        #expect(find.status == 0, "\(find.stderr)")
        let lr = try dir.read("lr.svg")
        for rule in LRSuggestionRule.allCases { #expect(lr.contains(rule.rawValue), "lr.svg does not mark \(rule.rawValue)") }
        #expect(lr.contains("learning rate (log scale)"))
        for name in ["loss.svg", "lr.svg"] {
            guard let (w, h, bytes) = try render(dir, name) else { continue }
            #expect(w > 300 && h > 200, "\(name): \(w)×\(h)")
            #expect(bytes > 10_000, "\(name) renders to \(bytes) bytes: blank?")
        }
    }
}
