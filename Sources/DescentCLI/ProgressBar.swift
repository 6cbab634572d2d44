#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Descent

/// A one-line progress bar on stderr, like tqdm's:
///
///     epoch  3/10 ██████████▍······· 120/313 00:12<01:40 5.21k samples/s loss 0.00533 lr 0.00976
///
/// epoch e/E, the epoch's bar, batch b/B, elapsed time < the whole run's ETA (the updates left at
/// the rate measured so far, evaluations and pauses included; an upper bound with early stopping),
/// samples per second, the epoch's running loss and the learning rate.
///
/// Drawn only when stderr is a terminal and the user did not ask for quiet output, at most ten times
/// a second. The line always fits the terminal: its width is read (TIOCGWINSZ on stderr, else
/// `$COLUMNS`, else 80) on every redraw, so a resized window is followed, and the line takes at most
/// width − 1 display columns; it therefore never wraps, and `\r` + `ESC[2K` clears it completely.
/// On a narrow terminal the bar shrinks and goes first, then the least useful fields (see
/// `ProgressLine.render`, the pure function that draws the line; it lives in the library so that the
/// tests can call it).
struct ProgressBar {
    let enabled: Bool
    let totalEpochs: Int
    /// Samples per update (the global batch) and per epoch, for samples/s; nil per epoch = batches × batch.
    let batchSize: Int
    let samplesPerEpoch: Int?
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastDraw: ContinuousClock.Instant?
    /// Updates done before the first one this run saw (a resumed run starts past 0).
    private var firstStep: Int?
    /// Whether a bar is on the screen (so `clear` writes only when there is something to clear).
    private var visible = false

    /// The shortest time between two redraws.
    static let interval = Duration.milliseconds(100)

    init(enabled: Bool, totalEpochs: Int, batchSize: Int = 1, samplesPerEpoch: Int? = nil) {
        self.enabled = enabled
        self.totalEpochs = totalEpochs
        self.batchSize = Swift.max(1, batchSize)
        self.samplesPerEpoch = samplesPerEpoch
        start = clock.now
    }

    mutating func update(_ p: TrainingProgress) {
        guard enabled else { return }
        if firstStep == nil { firstStep = p.step - 1 }
        let now = clock.now
        if let last = lastDraw, last.duration(to: now) < Self.interval { return }
        lastDraw = now
        let elapsed = Self.seconds(start.duration(to: now))
        let done = p.step - (firstStep ?? 0)
        let totalUpdates = totalEpochs * p.batchesPerEpoch
        var eta: Double? = nil, samplesPerSecond: Double? = nil
        if done > 0 && elapsed > 0 {
            let rate = Double(done) / elapsed
            eta = Double(Swift.max(0, totalUpdates - p.step)) / rate
            let perEpoch = Double(Swift.min(samplesPerEpoch ?? Int.max, p.batchesPerEpoch * batchSize))
            samplesPerSecond = rate * perEpoch / Double(Swift.max(p.batchesPerEpoch, 1))
        }
        let line = ProgressLine.render(p, totalEpochs: totalEpochs, columns: Self.terminalColumns(),
                                       elapsed: elapsed, eta: eta, samplesPerSecond: samplesPerSecond)
        Terminal.raw("\r\u{1B}[2K" + line)
        visible = true
    }

    mutating func clear() {
        guard enabled, visible else { return }
        Terminal.raw("\r\u{1B}[2K")
        visible = false
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    // MARK: - Terminal width

    /// The width of the terminal on stderr: TIOCGWINSZ, else a positive `$COLUMNS`, else 80.
    static func terminalColumns(fd: Int32 = 2) -> Int {
        var size = winsize()
        if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let text = ProcessInfo.processInfo.environment["COLUMNS"], let n = Int(text), n > 0 { return n }
        return 80
    }
}

/// Number formatting for tables.
enum Format {
    /// Six significant digits (`%g`).
    static func number(_ x: Double) -> String { String(format: "%.6g", x) }
    static func scientific(_ x: Double) -> String { String(format: "%.4e", x) }
    static func padLeft(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
}
