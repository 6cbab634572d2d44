import Testing
import Descent

/// Invalid hyper-parameters are thrown `OptimizerError`s whose message names the field.
struct SGDValidationTests {
    func expectError(_ field: String, _ build: () throws -> Void) {
        let error = #expect(throws: OptimizerError.self) { try build() }
        #expect(error?.description.contains(field) == true, "message \(error?.description ?? "none") should name \(field)")
    }

    @Test func sgd() throws {
        expectError("learning rate") { _ = try SGD<Double>(parameterCount: 3, learningRate: -0.1) }
        expectError("learning rate") { _ = try SGD<Double>(parameterCount: 3, learningRate: .nan) }
        expectError("momentum") { _ = try SGD<Double>(parameterCount: 3, momentum: -0.5) }
        expectError("dampening") { _ = try SGD<Double>(parameterCount: 3, dampening: -1) }
        expectError("weight decay") { _ = try SGD<Float>(parameterCount: 3, weightDecay: -1e-4) }
        expectError("nesterov") { _ = try SGD<Double>(parameterCount: 3, nesterov: true) }
        expectError("dampening") { _ = try SGD<Double>(parameterCount: 3, momentum: 0.9, dampening: 0.1, nesterov: true) }
        let groups = [ParameterGroup(name: "bias", range: 0..<3, weightDecay: -1)]
        expectError("bias") { _ = try SGD<Double>(parameterCount: 3, groups: groups) }
        // Boundaries PyTorch accepts: all zeros; Nesterov with μ > 0, τ = 0.
        _ = try SGD<Double>(parameterCount: 3, learningRate: 0, momentum: 0, dampening: 0, weightDecay: 0)
        _ = try SGD<Double>(parameterCount: 3, momentum: 0.9, nesterov: true)
    }

    @Test func microsoftML() throws {
        expectError("momentum") { _ = try SGD<Double>.microsoftML(parameterCount: 3, momentum: 1) }
        expectError("momentum") { _ = try SGD<Double>.microsoftML(parameterCount: 3, momentum: -0.1) }
        expectError("weight_decay") { _ = try SGD<Double>.microsoftML(parameterCount: 3, weightDecay: 1) }
        expectError("weight_decay") { _ = try SGD<Double>.microsoftML(parameterCount: 3, weightDecay: -0.1) }
        expectError("nag") { _ = try SGD<Double>.microsoftML(parameterCount: 3, nag: true) }
        expectError("learning rate") { _ = try SGD<Double>.microsoftML(parameterCount: 3, learningRate: -1) }
        let ok = try SGD<Double>.microsoftML(parameterCount: 3, momentum: 0.99, nag: true, weightDecay: 0.99)
        #expect(ok.nesterov && ok.momentum == 0.99)
    }

    @Test func setMomentumNeedsMomentum() throws {
        var plain = try SGD<Double>(parameterCount: 3)
        #expect(plain.momentum == nil)
        expectError("momentum") { try plain.setMomentum(0.9) }
        #expect(plain.momentum == nil)  // not turned on silently

        var heavy = try SGD<Double>(parameterCount: 3, momentum: 0.9)
        expectError("momentum") { try heavy.setMomentum(-0.1) }
        #expect(heavy.momentum == 0.9)
        var nesterov = try SGD<Float>(parameterCount: 3, momentum: 0.9, nesterov: true)
        expectError("nesterov") { try nesterov.setMomentum(0) }
    }
}
