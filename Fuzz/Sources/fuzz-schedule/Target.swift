// The schedule text parser (`parseSchedule`, `descent train --schedule`), with and without a
// range-test peak, then the parsed schedule evaluated at a spread of steps and metric histories.
// Its text form must parse back to the same text (the parser's documented round trip).
import Descent
import FuzzSupport

// Steps as a run reaches them: epochs are few (a fold over the epochs is fine), updates and
// samples many (a schedule must not cost time in proportion to the step).
let epochSteps = [0, 1, 2, 3, 10, 99, 1_000, 10_000]
let updateSteps = epochSteps + [123_457, 1 << 31]
let histories: [[Double]] = [[], [1], [1, 0.5, 0.5, 0.5, 2, 0.25], Array(repeating: 3, count: 40)]

func exercise(_ schedule: any LearningRateSchedule) {
    _ = schedule.unit
    for step in schedule.unit == .epoch ? epochSteps : updateSteps {
        for metrics in histories where schedule.usesMetrics || metrics.isEmpty {
            _ = try? schedule.learningRate(at: step, metrics: metrics)
            _ = try? schedule.momentum(at: step, metrics: metrics)
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSchedule(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = FuzzInput(data, size).text
    _ = accept {
        let schedule = try parseSchedule(text, baseLearningRate: 0.1)
        exercise(schedule)
        let written = String(describing: schedule)
        let back: any LearningRateSchedule
        do { back = try parseSchedule(written, baseLearningRate: 0.1) } catch {
            return expect(false, "the text form \"\(written)\" of \"\(text)\" does not parse: \(error)")
        }
        expect(String(describing: back) == written, "\"\(written)\" parses back as \"\(back)\"")
    }
    _ = accept { exercise(try parseSchedule(text, baseLearningRate: 0.01, peak: SchedulePeak(max: 0.5))) }
    return 0
}
