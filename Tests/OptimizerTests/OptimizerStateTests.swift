import Foundation
import Testing
import Descent
import _TestSupport

/// Checkpointing and allocation of every optimizer of the registry (and some non-default settings)
/// on the two-group model: save → JSON → restore → continue must equal the uninterrupted run bit
/// for bit, and the state must have its full shape at construction (nothing allocated lazily by
/// `step`).
struct OptimizerStateTests {
    /// Every registered optimizer with its defaults, then settings that switch on what the defaults
    /// leave off (no averaging, another γ, momentum, weight decay, warm-up).
    static let settings: [String] = OptimizerRegistry.all.map(\.name) + [
        "sgd:momentum=0.9,nesterov,weight_decay=1e-3", "dog:reps_rel=1e-4,average_gamma=0", "ldog:average_gamma=4",
        "dadapt-sgd:momentum=0.9,weight_decay=1e-3,d0=1e-4", "schedule-free:warmup_steps=5", "lfm:reps_rel=1e-3",
    ]

    /// Per setting: its text, its learning rate (0.8 × the default) and a factory building it fresh.
    static func makeAll<T: BLASScalar>(_: T.Type) throws -> [(String, Double, () throws -> any Optimizer<T>)] {
        let groups = LRFreeTwoGroupModel.groups(weightDecayOfWeights: 1e-2)
        return try settings.map { text in
            let s = try OptimizerSettings(parsing: text)
            let rate = 0.8 * s.defaultLearningRate
            return (text, rate, { try s.make(T.self, groups: groups, learningRate: rate) })
        }
    }

    func roundTrip<T: BLASScalar>(_: T.Type) throws {
        for (label, rate, make) in try Self.makeAll(T.self) {
            try checkRoundTrip(make, label: label, learningRate: rate)
        }
    }

    func checkRoundTrip<T: BLASScalar>(_ make: () throws -> any Optimizer<T>, label: String, learningRate: Double) throws {
        func continued<O: Optimizer<T>>(_ first: O, _ second: O) throws -> ([T], [T], [T], [T]) {
            var a = first, b = second
            var pa = LRFreeFixtures.initial.map { T($0) }
            LRFreeTwoGroupModel.run(&a, parameters: &pa, steps: 0..<7, learningRate: learningRate)
            let data = try JSONEncoder().encode(a.saveState())
            var pb = pa
            try b.restore(try JSONDecoder().decode(OptimizerState.self, from: data))
            LRFreeTwoGroupModel.run(&a, parameters: &pa, steps: 7..<20, learningRate: learningRate)
            LRFreeTwoGroupModel.run(&b, parameters: &pb, steps: 7..<20, learningRate: learningRate)
            return (pa, pb, LRFreeTwoGroupModel.evaluation(a, pa), LRFreeTwoGroupModel.evaluation(b, pb))
        }
        func open<O: Optimizer<T>>(_ first: O) throws -> ([T], [T], [T], [T]) {
            guard let second = try make() as? O else { preconditionFailure("factory changed type") }
            return try continued(first, second)
        }
        let (pa, pb, ea, eb) = try open(try make())
        // Bit-for-bit: the restored run repeats the same operations on the same bits.
        #expect(pa == pb, "\(label) \(T.self): restored run diverged from the uninterrupted one")
        #expect(ea == eb, "\(label) \(T.self): restored evaluation point differs")
        #expect(maxScaledDifference(pa, LRFreeFixtures.initial.map { T($0) }) > 0, "\(label): did not move")
    }

    /// A payload with every number and flag replaced by a constant: which members exist and how
    /// long each vector is.
    static func shape(_ value: StateValue) -> StateValue {
        switch value {
        case .number: return .number(0)
        case .bool: return .bool(false)
        case .numbers(let v): return .numbers(Array(repeating: 0, count: v.count))
        case .array(let v): return .array(v.map(shape))
        case .object(let o): return .object(o.mapValues(shape))
        case .null, .string: return value
        }
    }

    /// The saved state before any step has the same members and vector lengths as after steps
    /// (the wrapped optimizer's included): every buffer exists from construction.
    func allocatedAtInit<T: BLASScalar>(_: T.Type) throws {
        for (label, rate, make) in try Self.makeAll(T.self) {
            func shape<O: Optimizer<T>>(_ o: O) -> (before: OptimizerState, after: OptimizerState) {
                var opt = o
                let before = opt.saveState()
                var p = LRFreeFixtures.initial.map { T($0) }
                LRFreeTwoGroupModel.run(&opt, parameters: &p, steps: 0..<3, learningRate: rate)
                return (before, opt.saveState())
            }
            let (before, after) = shape(try make())
            #expect(before.kind == after.kind && before.version == after.version, "\(label): the envelope changes with step")
            #expect(Self.shape(before.payload) == Self.shape(after.payload),
                    "\(label): the state's members or vector lengths change with step: \(Self.shape(before.payload)) before, \(Self.shape(after.payload)) after")
        }
    }

    @Test func roundTripDouble() throws { try roundTrip(Double.self) }
    @Test func roundTripFloat() throws { try roundTrip(Float.self) }
    @Test func allocatedAtInitDouble() throws { try allocatedAtInit(Double.self) }
    @Test func allocatedAtInitFloat() throws { try allocatedAtInit(Float.self) }

    /// Restoring another optimizer's state, or one of the wrong length, is a user error.
    @Test func restoreRejectsForeignState() throws {
        var dog = try DoG<Double>(parameterCount: 4)
        let dadapt = try DAdaptSGD<Double>(parameterCount: 4)
        #expect(throws: OptimizerError.self) { try dog.restore(dadapt.saveState()) }
        let bigger = try DoG<Double>(parameterCount: 5)
        #expect(throws: OptimizerError.self) { try dog.restore(bigger.saveState()) }
        var avg = try PolynomialAveraging(DoG<Double>(parameterCount: 4))
        #expect(throws: OptimizerError.self) { try avg.restore(dog.saveState()) }
    }

    /// Bad hyper-parameters are thrown errors naming the field.
    @Test func rejectsBadHyperParameters() {
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return "\(error)" }
        }
        #expect(message { _ = try DoG<Double>(parameterCount: 2, relativeInitialDistance: 0) }.contains("relativeInitialDistance"))
        #expect(message { _ = try LDoG<Double>(parameterCount: 2, weightDecay: -1) }.contains("weightDecay"))
        #expect(message { _ = try DAdaptSGD<Double>(parameterCount: 2, initialDistance: 0) }.contains("d0"))
        #expect(message { _ = try DAdaptSGD<Double>(parameterCount: 2, momentum: 1) }.contains("momentum"))
        #expect(message { _ = try DAdaptSGD<Double>(parameterCount: 2, growthRate: 0.5) }.contains("growthRate"))
        let mixed = [ParameterGroup(name: "a", range: 0..<1), ParameterGroup(name: "b", range: 1..<2, learningRateScale: 0.5)]
        #expect(message { _ = try DAdaptSGD<Double>(parameterCount: 2, groups: mixed) }.contains("learningRateScale"))
        #expect(message { _ = try ScheduleFreeSGD<Double>(parameterCount: 2, momentum: 0) }.contains("momentum"))
        #expect(message { _ = try ScheduleFreeSGD<Double>(parameterCount: 2, warmupSteps: -1) }.contains("warmupSteps"))
        #expect(message { _ = try LFM<Double>(parameterCount: 2, momentum: 1) }.contains("momentum"))
        #expect(message { _ = try LFM<Double>(parameterCount: 2, epsilon: -1) }.contains("epsilon"))
        #expect(message { _ = try PolynomialAveraging(DoG<Double>(parameterCount: 2), gamma: -1) }.contains("gamma"))
        var dog = try! DoG<Double>(parameterCount: 2)
        #expect(dog.momentum == nil)
        #expect(throws: OptimizerError.self) { try dog.setMomentum(0.9) }
    }
}
