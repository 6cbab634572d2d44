import Foundation
import Testing
import Descent
import _AllocationCounter

/// Allocations are counted only with glibc's malloc (`Tests/_AllocationCounter`); elsewhere the
/// no-allocation checks are reported as skipped.
private let counting = descent_allocations_supported() != 0
private let countingNote: Comment = "allocations are only counted with glibc's malloc"

/// The conformance suite: every optimizer in `OptimizerRegistry`, in Float and Double, through its
/// spec. Convergence on a quadratic (closed-form minimiser) and on Rosenbrock's function (minimum
/// at (1, 1)); save → JSON → restore continuing bit-identically; no heap allocation in `step`;
/// out-of-range hyper-parameters rejected; the text form round-tripping. An optimizer added to the
/// registry is run here by itself, with its defaults (`row(for:)`); a row in `Self.problems` is only
/// needed where the defaults do not converge in the default number of steps.
@Suite struct OptimizerConformanceTests {
    /// Per optimizer: the settings, learning rate and steps each problem is run with, where they are
    /// not the defaults (the rate of the learning-rate-free methods is their multiplier 1).
    struct Row: Sendable {
        var quadratic: (settings: String, rate: Double, steps: Int)
        var rosenbrock: (settings: String, rate: Double, steps: Int)
        /// Decay the Rosenbrock rate linearly to 0 over the steps (AdaDelta's steps do not shrink by
        /// themselves in the curved valley).
        var decayRosenbrock = false
    }

    static let problems: [String: Row] = [
        "sgd": Row(quadratic: ("sgd:momentum=0.9", 0.02, 2000), rosenbrock: ("sgd:momentum=0.9,nesterov", 2e-4, 20_000)),
        "mml-sgd": Row(quadratic: ("mml-sgd:momentum=0.9", 0.02, 2000), rosenbrock: ("mml-sgd:momentum=0.9,nag", 2e-4, 20_000)),
        "adadelta": Row(quadratic: ("adadelta", 1, 20_000), rosenbrock: ("adadelta", 1, 200_000), decayRosenbrock: true),
        "dadapt-sgd": Row(quadratic: ("dadapt-sgd:momentum=0.9", 1, 2000), rosenbrock: ("dadapt-sgd:momentum=0.9", 1, 50_000)),
        "schedule-free": Row(quadratic: ("schedule-free", 0.05, 4000), rosenbrock: ("schedule-free", 2e-3, 50_000)),
        // The adaptive methods move each coordinate by about the rate per step: the quadratic runs
        // at rates that reach 1e-3 in 2000 steps with a margin, Rosenbrock at PyTorch's defaults
        // for Adam(W) (1e-3) and below RMSProp's 0.01 (which ends ~2.2e-2 from the minimum).
        // AdamW's default λ = 0.01 moves the quadratic's minimiser by ~1e-3, so it runs with a
        // smaller λ there. The quadratic settings (also the state round trip's and the allocation
        // check's) switch on the options that keep state of their own.
        "adagrad": Row(quadratic: ("adagrad:lr_decay=1e-3,initial_accumulator_value=0.1", 0.5, 2000), rosenbrock: ("adagrad", 0.5, 50_000)),
        "rmsprop": Row(quadratic: ("rmsprop:momentum=0.5,centered", 0.01, 2000), rosenbrock: ("rmsprop", 1e-3, 50_000)),
        "adam": Row(quadratic: ("adam:amsgrad", 0.05, 2000), rosenbrock: ("adam", 1e-3, 50_000)),
        "adamw": Row(quadratic: ("adamw:weight_decay=1e-3,amsgrad", 0.05, 2000), rosenbrock: ("adamw", 1e-3, 50_000)),
    ]

    static let names = OptimizerRegistry.all.map(\.name)

    /// The row of `name`: its entry in `problems`, else its default settings and learning rate for
    /// 2000 quadratic and 50 000 Rosenbrock steps.
    static func row(for name: String) throws -> Row {
        if let row = problems[name] { return row }
        let rate = try OptimizerRegistry.spec(named: name).defaultLearningRate
        return Row(quadratic: (name, rate, 2000), rosenbrock: (name, rate, 50_000))
    }

    @Test func everyRowIsARegisteredOptimizer() {
        #expect(Set(Self.problems.keys).isSubset(of: Set(Self.names)), "rows for unknown optimizers: \(Set(Self.problems.keys).subtracting(Self.names))")
    }

    // MARK: Problems

    /// f(x) = ½ Σᵢ aᵢ(xᵢ − cᵢ)², aᵢ = 1 + i, cᵢ = (−1)ⁱ(1 + i/4): minimiser c.
    static let quadraticCentre: [Double] = (0..<8).map { (i: Int) -> Double in
        let sign: Double = i % 2 == 0 ? 1 : -1
        return sign * (1 + Double(i) / 4)
    }
    static func quadraticGradient<T: BLASScalar>(_ x: UnsafeBufferPointer<T>, _ g: UnsafeMutableBufferPointer<T>) {
        for i in 0..<8 { g[i] = T(1 + Double(i)) * (x[i] - T(quadraticCentre[i])) }
    }

    /// Rosenbrock's f(a, b) = (1 − a)² + 100(b − a²)².
    static func rosenbrockGradient<T: BLASScalar>(_ x: UnsafeBufferPointer<T>, _ g: UnsafeMutableBufferPointer<T>) {
        let (a, b) = (x[0], x[1])
        g[0] = -2 * (1 - a) - 400 * a * (b - a * a)
        g[1] = 200 * (b - a * a)
    }

    /// Runs `steps` updates from `start` and returns the evaluation point.
    static func run<T: BLASScalar>(_ settings: String, rate: Double, steps: Int, start: [T], decaying: Bool = false,
                                   gradient: (UnsafeBufferPointer<T>, UnsafeMutableBufferPointer<T>) -> Void) throws -> [T] {
        var opt = try OptimizerSettings(parsing: settings).make(T.self, groups: ParameterGroup.all(start.count), learningRate: rate)
        var x = start, g = [T](repeating: 0, count: start.count), e = x
        func iterate<O: Optimizer<T>>(_ o: inout O) {
            x.withUnsafeMutableBufferPointer { xp in
                g.withUnsafeMutableBufferPointer { gp in
                    for t in 0..<steps {
                        gradient(UnsafeBufferPointer(xp), gp)
                        o.step(parameters: xp, gradient: gp, learningRate: decaying ? rate * (1 - Double(t) / Double(steps)) : rate)
                    }
                }
                e.withUnsafeMutableBufferPointer { o.evaluationPoint(parameters: UnsafeBufferPointer(xp), into: $0) }
            }
        }
        iterate(&opt)
        return e
    }

    static func distance<T: BLASScalar>(_ x: [T], _ y: [Double]) -> Double {
        zip(x, y).map { (Double($0) - $1) * (Double($0) - $1) }.reduce(0, +).squareRoot() / y.map { $0 * $0 }.reduce(0, +).squareRoot()
    }

    func converges<T: BLASScalar>(_ name: String, _: T.Type) throws {
        let row = try Self.row(for: name)
        let q = try Self.run(row.quadratic.settings, rate: row.quadratic.rate, steps: row.quadratic.steps,
                             start: [T](repeating: 0, count: 8), gradient: Self.quadraticGradient)
        let dq = Self.distance(q, Self.quadraticCentre)
        #expect(dq < 1e-3, "\(name) \(T.self): quadratic, relative distance to the minimiser \(dq)")
        let r = try Self.run(row.rosenbrock.settings, rate: row.rosenbrock.rate, steps: row.rosenbrock.steps,
                             start: [T(-1.5), T(2)], decaying: row.decayRosenbrock, gradient: Self.rosenbrockGradient)
        let dr = Self.distance(r, [1, 1])
        #expect(dr < 2e-2, "\(name) \(T.self): Rosenbrock, relative distance to (1, 1) \(dr), at \(r)")
    }

    @Test(arguments: names) func convergesDouble(name: String) throws { try converges(name, Double.self) }
    @Test(arguments: names) func convergesFloat(name: String) throws { try converges(name, Float.self) }

    // MARK: State

    /// 5 steps, save → JSON → restore into a fresh optimizer, then 5 more steps on both: the same bits.
    func stateRoundTrip<T: BLASScalar>(_ name: String, _: T.Type) throws {
        let row = try Self.row(for: name)
        let settings = try OptimizerSettings(parsing: row.quadratic.settings)
        let groups = ParameterGroup.all(8)
        func steps<O: Optimizer<T>>(_ o: inout O, _ x: inout [T], _ n: Int) {
            var g = [T](repeating: 0, count: 8)
            x.withUnsafeMutableBufferPointer { xp in
                g.withUnsafeMutableBufferPointer { gp in
                    for _ in 0..<n {
                        Self.quadraticGradient(UnsafeBufferPointer(xp), gp)
                        o.step(parameters: xp, gradient: gp, learningRate: row.quadratic.rate)
                    }
                }
            }
        }
        var a = try settings.make(T.self, groups: groups, learningRate: row.quadratic.rate)
        var xa = [T](repeating: 0.25, count: 8)
        steps(&a, &xa, 5)
        let saved = try JSONDecoder().decode(OptimizerState.self, from: JSONEncoder().encode(a.saveState()))
        var b = try settings.make(T.self, groups: groups, learningRate: row.quadratic.rate)
        try b.restore(saved)
        var xb = xa
        steps(&a, &xa, 5); steps(&b, &xb, 5)
        #expect(xa == xb, "\(name) \(T.self): the restored optimizer continues differently")
        #expect(a.saveState() == b.saveState(), "\(name) \(T.self): the states differ after restoring")
    }

    @Test(arguments: names) func stateRoundTripDouble(name: String) throws { try stateRoundTrip(name, Double.self) }
    @Test(arguments: names) func stateRoundTripFloat(name: String) throws { try stateRoundTrip(name, Float.self) }

    // MARK: Allocation

    func noAllocationInStep<T: BLASScalar>(_ name: String, _: T.Type) throws {
        let row = try Self.row(for: name)
        // Two groups, so that per-group bookkeeping is exercised too; the second at half the rate,
        // unless the method needs one shared scale (D-Adaptation), then with its own weight decay.
        let settings = try OptimizerSettings(parsing: row.quadratic.settings)
        let scaled = [ParameterGroup(name: "a", range: 0..<5), ParameterGroup(name: "b", range: 5..<8, learningRateScale: 0.5)]
        let shared = [ParameterGroup(name: "a", range: 0..<5), ParameterGroup(name: "b", range: 5..<8, weightDecay: 1e-3)]
        var opt = try (try? settings.make(T.self, groups: scaled, learningRate: row.quadratic.rate))
            ?? settings.make(T.self, groups: shared, learningRate: row.quadratic.rate)
        var x = [T](repeating: 0.25, count: 8), g = [T](repeating: 0, count: 8), e = x
        func check<O: Optimizer<T>>(_ o: inout O) -> Int {
            x.withUnsafeMutableBufferPointer { xp in
                g.withUnsafeMutableBufferPointer { gp in
                    e.withUnsafeMutableBufferPointer { ep in
                        Self.quadraticGradient(UnsafeBufferPointer(xp), gp)
                        o.step(parameters: xp, gradient: gp, learningRate: row.quadratic.rate)   // the first step may set up
                        descent_allocations_start()
                        for _ in 0..<10 {
                            Self.quadraticGradient(UnsafeBufferPointer(xp), gp)
                            o.step(parameters: xp, gradient: gp, learningRate: row.quadratic.rate)
                            o.evaluationPoint(parameters: UnsafeBufferPointer(xp), into: ep)
                        }
                        return descent_allocations_stop()
                    }
                }
            }
        }
        let n = check(&opt)
        #expect(n == 0, "\(name) \(T.self): \(n) heap allocations in 10 steps")
    }

    @Test(.enabled(if: counting, countingNote), arguments: names)
    func noAllocationInStepDouble(name: String) throws { try noAllocationInStep(name, Double.self) }
    @Test(.enabled(if: counting, countingNote), arguments: names)
    func noAllocationInStepFloat(name: String) throws { try noAllocationInStep(name, Float.self) }

    /// The counter itself counts (so that the check above can fail).
    @Test(.enabled(if: counting, countingNote)) func allocationCounterCounts() {
        descent_allocations_start()
        let a = [Int](repeating: 1, count: 1000 + Int(descent_allocations_supported()))
        let n = descent_allocations_stop()
        #expect(n >= 1 && a.count == 1001)
    }

    // MARK: Hyper-parameters and text form

    /// A value the field accepts other than its default.
    static func otherValue(_ f: OptimizerField) -> OptimizerValue? {
        switch f.kind {
        case .flag: return .flag(true)
        case .choice(let words): return words.first { OptimizerValue.word($0) != f.defaultValue }.map { .word($0) }
        case .number(let range, let integer):
            let d: Double = if case .number(let v) = f.defaultValue { v } else { 0.5 }
            let candidates = [d * 2, d / 2, 0.5, 3, 1e-3, 10, 7]
            return candidates.first { range.contains($0) && (!integer || $0 == $0.rounded()) && OptimizerValue.number($0) != f.defaultValue }
                .map { .number($0) }
        }
    }

    /// A value just outside the field's range, when it has a finite end.
    static func outsideValues(_ f: OptimizerField) -> [Double] {
        guard case .number(let range, let integer) = f.kind else { return [] }
        var out = [Double.nan]
        if range.lower.isFinite { out.append(range.lowerOpen ? range.lower : range.lower - 1) }
        if range.upper.isFinite { out.append(range.upperOpen ? range.upper : range.upper + 1) } else if range.upperOpen { out.append(.infinity) }
        if integer { out.append(1.5) }
        return out
    }

    @Test(arguments: names) func textFormRoundTrips(name: String) throws {
        let spec = try OptimizerRegistry.spec(named: name)
        let defaults = try OptimizerSettings(name)
        #expect(try OptimizerSettings(parsing: defaults.description) == defaults)
        #expect(defaults.description == name)
        for alias in spec.aliases { #expect(try OptimizerSettings(parsing: alias) == defaults, "alias \(alias)") }
        var all = defaults
        for f in spec.fields {
            let v = try #require(Self.otherValue(f), "\(name).\(f.name): no other value to try")
            var one = defaults
            try one.set(f.name, v)
            #expect(one != defaults, "\(name).\(f.name)=\(v) is not kept")
            let back = try OptimizerSettings(parsing: one.description)
            #expect(back == one, "\(name): \(one.description) parses back to \(back.description)")
            for alias in f.aliases {
                #expect(try OptimizerSettings(parsing: "\(name):\(alias)=\(v)") == one, "\(name): alias \(alias)")
            }
            if (try? all.set(f.name, v)) == nil { continue }
        }
        #expect(try OptimizerSettings(parsing: all.description) == all)
        // Every field's value reaches the optimizer: a changed field changes the saved state or the first steps.
        _ = try defaults.make(Double.self, groups: ParameterGroup.all(3), learningRate: spec.defaultLearningRate)
    }

    @Test(arguments: names) func badHyperParametersAreRejected(name: String) throws {
        let spec = try OptimizerRegistry.spec(named: name)
        for f in spec.fields {
            for v in Self.outsideValues(f) {
                #expect(throws: OptimizerError.self, "\(name).\(f.name)=\(v)") { _ = try OptimizerSettings(parsing: "\(name):\(f.name)=\(v)") }
            }
            if case .number = f.kind {
                #expect(throws: OptimizerError.self) { _ = try OptimizerSettings(parsing: "\(name):\(f.name)=abc") }
            }
        }
        #expect(throws: OptimizerError.self) { _ = try OptimizerSettings(parsing: "\(name):no_such_field=1") }
        let e = #expect(throws: OptimizerError.self) { _ = try OptimizerSettings(parsing: "no-such-optimizer") }
        #expect(e?.description.contains(OptimizerRegistry.names) == true)
    }
}
