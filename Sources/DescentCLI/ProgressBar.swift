import Foundation
import Descent

/// A one-line progress bar on stderr, redrawn at most ten times a second. Drawn only when stderr is
/// a terminal and the user did not ask for quiet output.
struct ProgressBar {
    let enabled: Bool
    let totalEpochs: Int
    private var lastDraw: ContinuousClock.Instant?
    private let clock = ContinuousClock()

    init(enabled: Bool, totalEpochs: Int) {
        self.enabled = enabled
        self.totalEpochs = totalEpochs
    }

    mutating func update(_ p: TrainingProgress) {
        guard enabled else { return }
        let now = clock.now
        if let last = lastDraw, last.duration(to: now) < .milliseconds(100), p.batch + 1 < p.batchesPerEpoch { return }
        lastDraw = now
        let width = 30
        let fraction = Double(p.batch + 1) / Double(max(p.batchesPerEpoch, 1))
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        Terminal.raw("\r\u{1B}[2Kepoch \(p.epoch + 1)/\(totalEpochs) \(bar) \(p.batch + 1)/\(p.batchesPerEpoch)  loss \(Format.number(p.runningLoss))  lr \(Format.number(p.learningRate))")
    }

    func clear() {
        guard enabled else { return }
        Terminal.raw("\r\u{1B}[2K")
    }
}

/// Number formatting for tables.
enum Format {
    /// Six significant digits (`%g`).
    static func number(_ x: Double) -> String { String(format: "%.6g", x) }
    static func scientific(_ x: Double) -> String { String(format: "%.4e", x) }
    static func padLeft(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
}
