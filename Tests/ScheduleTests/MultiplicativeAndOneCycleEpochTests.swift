import Testing
import Descent

// MultiplicativeLR (constant factor) and OneCycleLR given epochs × steps_per_epoch, against the
// PyTorch series in ScheduleFixtures.swift (scripts/reference/schedules.py). Each case is built
// from its text form, at both step units the other golden tests use, so the parser's new fields
// are what is checked.

/// The fixture name, the text (without `unit=`), and the base lr handed to the parser.
let multiplicativeTextCases: [(String, String)] = [
    ("multiplicative_0.97", "multiplicative:factor=0.97"),
    ("multiplicative_0.9", "multiplicative:factor=0.9"),
    ("multiplicative_1.01", "multiplicative:factor=1.01"),
    ("multiplicative_0.95", "multiplicative:factor=0.95"),
]

/// OneCycle cases with the momentum torch cycles by default (0.85/0.95 unless the case sets it).
let oneCycleEpochTextCases: [(String, String)] = [
    ("onecycle_e12_s25", "onecycle:max=0.2,epochs=12,steps-per-epoch=25,momentum=0.85/0.95"),
    ("onecycle_e5_s37_linear", "onecycle:max=0.05,epochs=5,steps-per-epoch=37,anneal=linear,pct=0.4,momentum=0.85/0.95"),
    ("onecycle_e3_s61_three", "onecycle:max=0.3,epochs=3,steps-per-epoch=61,phases=3,div=8,momentum=0.82/0.93"),
]

private let tolerance = 1e-12

@Test(arguments: ["batch", "epoch"])
func multiplicativeMatchesPyTorchMultiplicativeLR(unit: String) throws {
    for (name, text) in multiplicativeTextCases {
        let s = try parseSchedule("\(text),unit=\(unit)", baseLearningRate: 0.1)
        #expect(s is MultiplicativeSchedule && s.unit.rawValue == unit)
        let expected = series(try #require(ScheduleFixtures.learningRates[name]))
        #expect(expected.count == 300)
        let (worst, step) = try worstDifference(expected) { try s.learningRate(at: $0, metrics: []) }
        #expect(worst <= tolerance, "\(name) (\(unit)): relative difference \(worst) at step \(step)")
    }
}

@Test func multiplicativeWithAConstantFactorIsExponentialLR() throws {
    // torch's MultiplicativeLR(λ t: 0.95) and ExponentialLR(γ = 0.95) give the same series, and
    // Descent's two schedules give the same rates.
    let m = series(try #require(ScheduleFixtures.learningRates["multiplicative_0.95"]))
    let e = series(try #require(ScheduleFixtures.learningRates["exponential_0.95"]))
    #expect(m.count == e.count)
    for (a, b) in zip(m, e) { #expect(relativeDifference(a, b) <= tolerance) }
    let mult = try MultiplicativeSchedule(baseLearningRate: 0.1, factor: 0.95, unit: .epoch)
    let exp = try ExponentialSchedule(baseLearningRate: 0.1, gamma: 0.95, unit: .epoch)
    for step in 0..<300 { #expect(try mult.learningRate(at: step, metrics: []) == exp.learningRate(at: step, metrics: [])) }
}

@Test(arguments: ["batch", "epoch"])
func oneCycleByEpochsTimesStepsPerEpochMatchesPyTorch(unit: String) throws {
    for (name, text) in oneCycleEpochTextCases {
        let s = try #require(try parseSchedule("\(text),unit=\(unit)", baseLearningRate: 0.1) as? OneCycleSchedule)
        let lrs = series(try #require(ScheduleFixtures.learningRates[name]))
        let moms = series(try #require(ScheduleFixtures.momenta[name]))
        // The fixture covers exactly torch's total_steps = epochs × steps_per_epoch.
        #expect(s.totalSteps == lrs.count && moms.count == lrs.count, "\(name)")
        #expect(s.unit.rawValue == unit)
        let (worst, step) = try worstDifference(lrs) { try s.learningRate(at: $0, metrics: []) }
        #expect(worst <= tolerance, "\(name) (\(unit)): relative difference \(worst) at step \(step)")
        let (worstM, stepM) = try worstDifference(moms) { step in let m = try s.momentum(at: step, metrics: []); return try #require(m) }
        #expect(worstM <= tolerance, "\(name) (\(unit)): momentum relative difference \(worstM) at step \(stepM)")
        #expect(throws: ScheduleError.self) { try s.learningRate(at: lrs.count, metrics: []) }
        // Its description is the steps form, which parses back to the same schedule.
        #expect(String(describing: s).contains("steps=\(lrs.count),"))
        #expect(try parseSchedule(String(describing: s), baseLearningRate: 0.1) as? OneCycleSchedule == s)
    }
}

private func fieldError(_ text: String) -> ScheduleError? {
    do { _ = try parseSchedule(text, baseLearningRate: 0.1); return nil } catch let e as ScheduleError { return e } catch { return nil }
}

@Test func newFieldsReportTheFieldAndTheAllowedRange() throws {
    #expect(fieldError("multiplicative")?.field == "multiplicative.factor")
    let zero = try #require(fieldError("multiplicative:factor=0"))
    #expect(zero.field == "multiplicative.factor" && zero.message.contains("> 0"))
    let negative = try #require(fieldError("multiplicative:factor=-0.5"))
    #expect(negative.field == "multiplicative.factor" && negative.message.contains("> 0"))
    #expect(fieldError("multiplicative:factor=0.9,gamma=0.9")?.field == "multiplicative.gamma")
    #expect(fieldError("onecycle:epochs=3")?.field == "onecycle.steps-per-epoch")
    #expect(fieldError("onecycle:steps-per-epoch=3")?.field == "onecycle.epochs")
    let both = try #require(fieldError("onecycle:steps=30,epochs=3,steps-per-epoch=10"))
    #expect(both.field == "onecycle.steps" && both.message.contains("not both"))
    let e0 = try #require(fieldError("onecycle:epochs=0,steps-per-epoch=10"))
    #expect(e0.field == "onecycle.epochs" && e0.message.contains("> 0"))
    let s0 = try #require(fieldError("onecycle:epochs=2,steps-per-epoch=-1"))
    #expect(s0.field == "onecycle.steps-per-epoch" && s0.message.contains("> 0"))
    #expect(fieldError("onecycle:epochs=\(Int.max),steps-per-epoch=2")?.field == "onecycle.epochs")
    #expect(fieldError("multiplicative:factor=0.9") == nil && fieldError("onecycle:epochs=2,steps-per-epoch=10") == nil)
}
