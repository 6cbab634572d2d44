import Testing
import Descent

/// Every schedule kind of `parseSchedule` (the list `scheduleKinds`), table-driven: at step 0, the
/// middle, the last step of its horizon and past it, the rate is finite, ≥ 0 and at most the
/// kind's peak, or (past the end, where the table says so) a `ScheduleError`; and the text form
/// round-trips. A kind without a row fails `everyKindHasARow`.
struct ScheduleConformanceTests {
    struct Row: Sendable {
        /// The text form, with its horizon (T, steps, iters…) set to `horizon`.
        var text: String
        var horizon: Int
        /// The largest rate the schedule may give (base 0.1 unless the text sets a peak).
        var peak: Double
        /// Whether a step past the horizon is an error (one-cycle's), rather than a rate.
        var throwsPastEnd = false
    }

    static let base = 0.1
    static let rows: [String: Row] = [
        "constant": Row(text: "constant:factor=0.5,iters=10", horizon: 10, peak: 0.1),
        "linear": Row(text: "linear:start=0.25,end=1,iters=20", horizon: 20, peak: 0.1),
        "step": Row(text: "step:size=5,gamma=0.5", horizon: 20, peak: 0.1),
        "multistep": Row(text: "multistep:at=5/12,gamma=0.1", horizon: 20, peak: 0.1),
        "exp": Row(text: "exp:gamma=0.9", horizon: 20, peak: 0.1),
        "multiplicative": Row(text: "multiplicative:factor=0.8", horizon: 20, peak: 0.1),
        "poly": Row(text: "poly:iters=20,power=2", horizon: 20, peak: 0.1),
        "cosine": Row(text: "cosine:T=20,min=0.001", horizon: 20, peak: 0.1),
        "restarts": Row(text: "restarts:T0=5,mult=2", horizon: 35, peak: 0.1),
        "cyclic": Row(text: "cyclic:max=0.5,up=10", horizon: 40, peak: 0.5),
        "onecycle": Row(text: "onecycle:max=0.5,steps=40", horizon: 40, peak: 0.5, throwsPastEnd: true),
        "plateau": Row(text: "plateau:patience=2", horizon: 20, peak: 0.1),
        "invscaling": Row(text: "invscaling:power=0.5", horizon: 100, peak: 0.1),
        "optimal": Row(text: "optimal:alpha=0.01", horizon: 100, peak: .infinity),
        "adaptive": Row(text: "adaptive:n=2", horizon: 20, peak: 0.1),
        "mml": Row(text: "mml:ratio=0.5,freq=5", horizon: 20, peak: 0.1),
    ]

    @Test func everyKindHasARow() {
        for kind in scheduleKinds { #expect(Self.rows[kind] != nil, "add a conformance row for the schedule kind \(kind)") }
        #expect(Set(Self.rows.keys) == Set(scheduleKinds))
    }

    @Test(arguments: scheduleKinds)
    func stepZeroMiddleEndAndPastTheEnd(kind: String) throws {
        let row = try #require(Self.rows[kind])
        let schedule = try parseSchedule(row.text, baseLearningRate: Self.base)
        // A metric history that never improves, so that metric-driven kinds also reduce.
        let metrics = [Double](repeating: 1, count: row.horizon + 1)
        for step in [0, row.horizon / 2, row.horizon - 1] {
            let lr = try schedule.learningRate(at: step, metrics: Array(metrics.prefix(step)))
            #expect(lr.isFinite && lr >= 0 && lr <= row.peak * (1 + 1e-12), "\(row.text) at step \(step): \(lr)")
        }
        for step in [row.horizon, 2 * row.horizon] {
            if row.throwsPastEnd {
                #expect(throws: ScheduleError.self, "\(row.text) at step \(step)") {
                    _ = try schedule.learningRate(at: step, metrics: Array(metrics.prefix(min(step, metrics.count))))
                }
            } else {
                let lr = try schedule.learningRate(at: step, metrics: Array(metrics.prefix(min(step, metrics.count))))
                #expect(lr.isFinite && lr >= 0 && lr <= row.peak * (1 + 1e-12), "\(row.text) past its end, step \(step): \(lr)")
            }
        }
        #expect(throws: ScheduleError.self, "\(row.text) at step -1") { _ = try schedule.learningRate(at: -1, metrics: []) }
        let text = String(describing: schedule)
        let again = try parseSchedule(text, baseLearningRate: Self.base)
        #expect(String(describing: again) == text)
        for step in [0, row.horizon / 2, row.horizon - 1] {
            let m = Array(metrics.prefix(step))
            #expect(try again.learningRate(at: step, metrics: m) == schedule.learningRate(at: step, metrics: m), "\(row.text) round trip at \(step)")
        }
    }
}

/// A range test's peak handed to the parser by value (`SchedulePeak`), as `--lr auto` does.
struct SchedulePeakTests {
    @Test func peakFillsOnlyWhatTheTextLeavesOut() throws {
        let peak = SchedulePeak(max: 0.8, divisor: 4)
        let cyclic = try parseSchedule("cyclic:up=10", baseLearningRate: 0.8, peak: peak)
        #expect(try cyclic.learningRate(at: 0, metrics: []) == 0.2 && cyclic.learningRate(at: 10, metrics: []) == 0.8)
        let ownBase = try parseSchedule("cyclic:up=10,base=0.1", baseLearningRate: 0.8, peak: peak)
        #expect(try ownBase.learningRate(at: 0, metrics: []) == 0.1)
        let ownMax = try parseSchedule("cyclic:up=10,max=0.5", baseLearningRate: 0.8, peak: peak)
        #expect(try ownMax.learningRate(at: 10, metrics: []) == 0.5 && ownMax.learningRate(at: 0, metrics: []) == 0.8)
        let onecycle = try parseSchedule("onecycle:steps=100", baseLearningRate: 0.8, peak: peak)
        #expect(abs(try onecycle.learningRate(at: 0, metrics: []) - 0.2) < 1e-15)
        let ownDiv = try parseSchedule("onecycle:steps=100,div=10", baseLearningRate: 0.8, peak: peak)
        #expect(abs(try ownDiv.learningRate(at: 0, metrics: []) - 0.08) < 1e-15)
        // The description records the values taken, and parses back without the peak.
        let back = try parseSchedule(String(describing: cyclic), baseLearningRate: 0.8)
        #expect(try back.learningRate(at: 0, metrics: []) == 0.2)
        // Composed schedules and other kinds ignore it.
        let cosine = try parseSchedule("cosine:T=10", baseLearningRate: 0.8, peak: peak)
        #expect(try cosine.learningRate(at: 0, metrics: []) == 0.8)
    }
}
