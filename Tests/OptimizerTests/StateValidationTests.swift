import Testing
import Descent

/// A corrupt or mismatched snapshot (a checkpoint edited by hand, truncated, or saved with other
/// settings) must be a thrown `OptimizerError`, never a trap: counters that are NaN, ±∞, fractional
/// or negative, an averager's γ that differs, a DoG/L-DoG block layout that differs.
struct StateValidationTests {
    /// Each optimizer with a counter, the key of that counter, and a factory for a fresh one.
    static func counted<T: BLASScalar>(_: T.Type) throws -> [(key: String, make: () throws -> any Optimizer<T>)] {
        [
            ("steps", { try SGD<T>(parameterCount: 3, momentum: 0.9) }),
            ("steps", { try AdaDelta<T>(parameterCount: 3) }),
            ("stepCount", { try DAdaptSGD<T>(parameterCount: 3) }),
            ("stepCount", { try LFM<T>(parameterCount: 3) }),
            ("stepCount", { try ScheduleFreeSGD<T>(parameterCount: 3) }),
            ("t", { try PolynomialAveraging(DoG<T>(parameterCount: 3)) }),
            ("base.stepCount", { try PolynomialAveraging(DAdaptSGD<T>(parameterCount: 3)) }),
        ]
    }

    /// One step on f(x) = ½‖x‖² from (1, −2, 0.5), then the snapshot.
    static func steppedState<T: BLASScalar>(_ make: () throws -> any Optimizer<T>) throws -> OptimizerState {
        func run<O: Optimizer<T>>(_ o: O) -> OptimizerState {
            var opt = o
            var x: [T] = [1, -2, 0.5]
            var g = x
            x.withUnsafeMutableBufferPointer { xp in
                g.withUnsafeMutableBufferPointer { gp in opt.step(parameters: xp, gradient: gp, learningRate: 0.1) }
            }
            return opt.saveState()
        }
        return run(try make())
    }

    func rejectsBadCounters<T: BLASScalar>(_: T.Type) throws {
        for (key, make) in try Self.counted(T.self) {
            let good = try Self.steppedState(make)
            #expect(good.scalars[key] != nil, "\(good.kind) has no scalar \(key)")
            var fresh = try make()
            try fresh.restore(good)   // the untouched snapshot restores
            #expect(fresh.saveState() == good)
            for bad in [Double.nan, .infinity, -.infinity, 2.5, -1, 0x1p60] {
                var corrupt = good
                corrupt.scalars[key] = bad
                var target = try make()
                #expect(throws: OptimizerError.self, "\(good.kind): \(key) = \(bad) was accepted") { try target.restore(corrupt) }
            }
        }
    }

    @Test func rejectsBadCountersDouble() throws { try rejectsBadCounters(Double.self) }
    @Test func rejectsBadCountersFloat() throws { try rejectsBadCounters(Float.self) }

    @Test func countHelper() throws {
        let s = OptimizerState(kind: "k", scalars: ["a": 7, "b": 0, "c": 0.5])
        #expect(try s.count("a") == 7)
        #expect(try s.count("b") == 0)
        #expect(throws: OptimizerError.self) { try s.count("b", atLeast: 1) }
        #expect(throws: OptimizerError.self) { try s.count("c") }
        #expect(throws: OptimizerError.self) { try s.count("missing") }
    }

    func averagerChecksGamma<T: BLASScalar>(_: T.Type) throws {
        let saved = try Self.steppedState { try PolynomialAveraging(DoG<T>(parameterCount: 3), gamma: 8) }
        var same = try PolynomialAveraging(DoG<T>(parameterCount: 3), gamma: 8)
        try same.restore(saved)
        var other = try PolynomialAveraging(DoG<T>(parameterCount: 3), gamma: 4)
        #expect(throws: OptimizerError.self) { try other.restore(saved) }
        var missing = saved
        missing.scalars["gamma"] = nil
        #expect(throws: OptimizerError.self) { try same.restore(missing) }
    }

    @Test func averagerChecksGammaDouble() throws { try averagerChecksGamma(Double.self) }
    @Test func averagerChecksGammaFloat() throws { try averagerChecksGamma(Float.self) }

    /// Same parameter count and number of blocks (so every vector has the right length), other layout.
    func dogChecksLayout<T: BLASScalar>(_: T.Type) throws {
        let a = [ParameterGroup(name: "w", range: 0..<1), ParameterGroup(name: "b", range: 1..<3)]
        let b = [ParameterGroup(name: "w", range: 0..<2), ParameterGroup(name: "b", range: 2..<3)]
        let saved = try Self.steppedState { try DoG<T>(parameterCount: 3, groups: a) }
        var same = try DoG<T>(parameterCount: 3, groups: a)
        try same.restore(saved)
        var moved = try DoG<T>(parameterCount: 3, groups: b)
        #expect(throws: OptimizerError.self) { try moved.restore(saved) }

        // L-DoG: the same layer ranges, but in two groups versus both inside one group.
        let layers = [0..<1, 1..<3]
        let twoGroups = try Self.steppedState { try LDoG<T>(parameterCount: 3, groups: a) }
        var oneGroup = try LDoG<T>(parameterCount: 3, layers: layers)
        #expect(throws: OptimizerError.self) { try oneGroup.restore(twoGroups) }
        var alike = try LDoG<T>(parameterCount: 3, groups: a, layers: layers)
        try alike.restore(twoGroups)
    }

    @Test func dogChecksLayoutDouble() throws { try dogChecksLayout(Double.self) }
    @Test func dogChecksLayoutFloat() throws { try dogChecksLayout(Float.self) }
}
