import Foundation
import Testing
import Descent

/// save → restore → continue reproduces an uninterrupted run bit for bit. Exact `==` is the
/// specification here: both runs perform the same operations on the same bits.
struct SGDStateTests {
    func resume<T: BLASScalar, O: Optimizer>(_ make: () throws -> O, _: T.Type) throws where O.Scalar == T {
        let lrs: [Double] = [0.05, 0.04, 0.03, 0.02, 0.01, 0.01]
        var straight = try make()
        let full: [[T]] = SGDTestProblem.run(&straight, learningRates: lrs)

        var first = try make()
        let head: [[T]] = SGDTestProblem.run(&first, learningRates: Array(lrs[..<3]))
        let saved = first.saveState()
        // Through JSON, as a checkpoint file would carry it.
        let decoded = try JSONDecoder().decode(OptimizerState.self, from: JSONEncoder().encode(saved))
        #expect(decoded == saved)
        var resumed = try make()
        try resumed.restore(decoded)
        #expect(resumed.saveState() == saved)
        let tail: [[T]] = SGDTestProblem.run(&resumed, learningRates: Array(lrs[3...]), from: head[2])
        #expect(head + tail == full, "\(O.self): resumed run differs")
    }

    func all<T: BLASScalar>(_: T.Type) throws {
        try resume({ try SGD<T>(parameterCount: 4, momentum: 0.9, dampening: 0.5, weightDecay: 0.1) }, T.self)
        try resume({ try SGD<T>(parameterCount: 4, momentum: 0.9, nesterov: true) }, T.self)
        try resume({ try SGD<T>(parameterCount: 4) }, T.self)
        try resume({ try SGD<T>(parameterCount: 4, weightDecay: 0.1, l1Penalty: 0.3) }, T.self)
        try resume({ try SGD<T>(parameterCount: 4, momentum: 0.9, l1Penalty: 0.2) }, T.self)
        try resume({ try SGD<T>.microsoftML(parameterCount: 4, momentum: 0.5, weightDecay: 0.1) }, T.self)
        try resume({ try AdaDelta<T>(parameterCount: 4, weightDecay: 0.1) }, T.self)
    }

    @Test func resumeDouble() throws { try all(Double.self) }
    @Test func resumeFloat() throws { try all(Float.self) }

    /// A set momentum and the step count are part of the state.
    @Test func momentumAndStepsAreSaved() throws {
        var a = try SGD<Double>(parameterCount: 4, momentum: 0.9)
        _ = SGDTestProblem.run(&a, learningRates: [0.05, 0.05])
        try a.setMomentum(0.7)
        var b = try SGD<Double>(parameterCount: 4, momentum: 0.9)
        try b.restore(a.saveState())
        #expect(b.momentum == 0.7 && b.stepCount == 2)
    }

    /// The cumulative L1's u and q are saved exactly when the SGD has an L1 penalty, and must fit.
    @Test func l1StateIsSavedAndChecked() throws {
        var l1 = try SGD<Double>(parameterCount: 4, l1Penalty: 0.3)
        _ = SGDTestProblem.run(&l1, learningRates: [0.05, 0.04])
        let saved = l1.saveState()
        var plain = try SGD<Double>(parameterCount: 4)
        #expect(throws: OptimizerError.self) { try plain.restore(saved) }
        var other = try SGD<Double>(parameterCount: 4, l1Penalty: 0.3)
        #expect(throws: OptimizerError.self) { try other.restore(plain.saveState()) }
        try other.restore(saved)
        #expect(other.l1Total == l1.l1Total && other.l1Total > 0)
    }

    @Test func restoreRejectsMismatches() throws {
        var sgd = try SGD<Double>(parameterCount: 4, momentum: 0.9)
        let before = sgd.saveState()
        #expect(throws: OptimizerError.self) { try sgd.restore(AdaDelta<Double>(parameterCount: 4).saveState()) }
        #expect(throws: OptimizerError.self) { try sgd.restore(SGD<Double>(parameterCount: 5, momentum: 0.9).saveState()) }
        #expect(throws: OptimizerError.self) { try sgd.restore(SGD<Double>(parameterCount: 4).saveState()) }
        #expect(sgd.saveState() == before)  // failed restores leave the optimizer unchanged

        var plain = try SGD<Double>(parameterCount: 4)
        var withBuffer = try SGD<Double>(parameterCount: 4, momentum: 0.9)
        _ = SGDTestProblem.run(&withBuffer, learningRates: [0.05])
        #expect(throws: OptimizerError.self) { try plain.restore(withBuffer.saveState()) }

        var ada = try AdaDelta<Float>(parameterCount: 4)
        #expect(throws: OptimizerError.self) { try ada.restore(AdaDelta<Float>(parameterCount: 3).saveState()) }
        #expect(throws: OptimizerError.self) { try ada.restore(sgd.saveState()) }
    }
}
