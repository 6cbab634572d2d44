import Testing
import Descent

/// A corrupt or mismatched snapshot (a checkpoint edited by hand, truncated, or saved with other
/// settings) must be a thrown `OptimizerError`, never a trap: counters that are NaN, ±∞, fractional
/// or negative, an averager's γ that differs, a DoG/L-DoG block layout that differs.
struct StateValidationTests {
    /// Each optimizer with a counter, the path of that counter in the payload (through the wrapped
    /// optimizer's envelope for an averager), and a factory for a fresh one.
    static func counted<T: BLASScalar>(_: T.Type) throws -> [(key: [String], make: () throws -> any Optimizer<T>)] {
        [
            (["stepCount"], { try SGD<T>(parameterCount: 3, momentum: 0.9) }),
            (["stepCount"], { try AdaDelta<T>(parameterCount: 3) }),
            (["stepCount"], { try DAdaptSGD<T>(parameterCount: 3) }),
            (["stepCount"], { try LFM<T>(parameterCount: 3) }),
            (["stepCount"], { try ScheduleFreeSGD<T>(parameterCount: 3) }),
            (["t"], { try PolynomialAveraging(DoG<T>(parameterCount: 3)) }),
            (["base", "payload", "stepCount"], { try PolynomialAveraging(DAdaptSGD<T>(parameterCount: 3)) }),
        ]
    }

    /// The payload member at `path` (nil when missing).
    static func member(_ state: OptimizerState, _ path: [String]) -> StateValue? {
        path.reduce(Optional(state.payload)) { value, key in value?[key] }
    }

    /// `state` with the payload member at `path` replaced (nil removes it).
    static func replacing(_ state: OptimizerState, _ path: [String], with value: StateValue?) -> OptimizerState {
        func replace(_ node: StateValue, _ path: ArraySlice<String>) -> StateValue {
            var node = node
            guard let key = path.first else { return value ?? .null }
            if path.count == 1 { node[key] = value } else { node[key] = replace(node[key] ?? [:], path.dropFirst()) }
            return node
        }
        var copy = state
        copy.payload = replace(state.payload, path[...])
        return copy
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
            #expect(Self.member(good, key)?.number != nil, "\(good.kind) has no counter \(key)")
            var fresh = try make()
            try fresh.restore(good)   // the untouched snapshot restores
            #expect(fresh.saveState() == good)
            for bad in [Double.nan, .infinity, -.infinity, 2.5, -1, 0x1p60] {
                let corrupt = Self.replacing(good, key, with: .number(bad))
                var target = try make()
                let before = target.saveState()
                let error = #expect(throws: OptimizerError.self, "\(good.kind): \(key) = \(bad) was accepted") { try target.restore(corrupt) }
                #expect(error?.description.contains("invalid \(key.last!)") == true, "\(error?.description ?? "")")
                #expect(target.saveState() == before, "\(good.kind): a failed restore changed the optimizer")
            }
        }
    }

    @Test func rejectsBadCountersDouble() throws { try rejectsBadCounters(Double.self) }
    @Test func rejectsBadCountersFloat() throws { try rejectsBadCounters(Float.self) }

    /// Values the math needs in a range (a momentum coefficient that divides, or that
    /// `setMomentum` would have refused), and vectors of the wrong length, are refused too.
    func rejectsBadValues<T: BLASScalar>(_: T.Type) throws {
        let cases: [(make: () throws -> any Optimizer<T>, bad: [Double], vector: String)] = [
            ({ try SGD<T>(parameterCount: 3, momentum: 0.9) }, [.nan, -1, .infinity], "momentumBuffer"),
            ({ try LFM<T>(parameterCount: 3) }, [.nan, -0.1, 1], "m"),
            ({ try DAdaptSGD<T>(parameterCount: 3) }, [.nan, 1, 2], "x0"),
            ({ try ScheduleFreeSGD<T>(parameterCount: 3) }, [.nan, 0, 1], "z"),
        ]
        for (make, bad, vector) in cases {
            let good = try Self.steppedState(make)
            for value in bad {
                var target = try make()
                let before = target.saveState()
                let error = #expect(throws: OptimizerError.self, "\(good.kind): momentum \(value) was accepted") {
                    try target.restore(Self.replacing(good, ["momentum"], with: .number(value)))
                }
                #expect(error?.description.contains("\(good.kind) state has an invalid momentum") == true, "\(error?.description ?? "")")
                #expect(target.saveState() == before)
            }
            let short = Self.replacing(good, [vector], with: .numbers([1, 2]))
            var target = try make()
            let error = #expect(throws: OptimizerError.self) { try target.restore(short) }
            #expect(error?.description == "\(good.kind) state vector '\(vector)' has 2 elements, expected 3 (one per parameter)")
        }
    }

    @Test func rejectsBadValuesDouble() throws { try rejectsBadValues(Double.self) }
    @Test func rejectsBadValuesFloat() throws { try rejectsBadValues(Float.self) }

    /// Counters: decoding makes them whole numbers (or throws), `StateCheck.counter` bounds them.
    @Test func countHelper() throws {
        struct Counters: Codable { var a: Int; var b: Int; var c: Int?; var missing: Int? }
        let s = OptimizerState(kind: "k", version: 1, payload: ["a": 7, "b": 0])
        let decoded = try s.decodePayload(Counters.self)
        #expect(decoded.a == 7 && decoded.b == 0)
        let check = StateCheck(kind: "k", parameterCount: 0)
        try check.counter(decoded.a, "a")
        try check.counter(decoded.b, "b")
        #expect(throws: OptimizerError.self) { try check.counter(decoded.b, "b", atLeast: 1) }
        #expect(throws: OptimizerError.self) { try check.counter(1 << 53, "a") }
        let fraction = #expect(throws: OptimizerError.self) {
            try OptimizerState(kind: "k", version: 1, payload: ["a": 7, "b": 0, "c": 0.5]).decodePayload(Counters.self)
        }
        #expect(fraction?.description == "k state has an invalid c: expected a whole number, found 0.5")
        struct Required: Codable { var missing: Int }
        let missing = #expect(throws: OptimizerError.self) { try s.decodePayload(Required.self) }
        #expect(missing?.description == "k state has no 'missing'")
    }

    func averagerChecksGamma<T: BLASScalar>(_: T.Type) throws {
        let saved = try Self.steppedState { try PolynomialAveraging(DoG<T>(parameterCount: 3), gamma: 8) }
        var same = try PolynomialAveraging(DoG<T>(parameterCount: 3), gamma: 8)
        try same.restore(saved)
        var other = try PolynomialAveraging(DoG<T>(parameterCount: 3), gamma: 4)
        #expect(throws: OptimizerError.self) { try other.restore(saved) }
        let missing = Self.replacing(saved, ["gamma"], with: nil)
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
