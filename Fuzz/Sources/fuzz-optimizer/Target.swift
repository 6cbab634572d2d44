// The optimizer text parser (`OptimizerSettings(parsing:)`, `descent train --optimizer`), then
// what a run does with valid settings: build the optimizer (with and without iterate averaging)
// and take a few steps. The text form must parse back to equal settings (documented).
import Descent
import FuzzSupport

func steps<O: Optimizer>(_ optimizer: O) where O.Scalar == Double {
    var o = optimizer
    var parameters: [Double] = [0.5, -1, 2, 0, 1e-3]
    for k in 0..<4 {
        var gradient = parameters.enumerated().map { i, p in p * Double(k + 1) - Double(i) }
        o.step(parameters: &parameters, gradient: &gradient, learningRate: k == 3 ? 0 : 0.1)
    }
    if let m = o.momentum { try? o.setMomentum(m / 2) }
    let state = o.saveState()
    try? o.restore(state)
    _ = o.name
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOptimizer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = FuzzInput(data, size).text
    return accept {
        let settings = try OptimizerSettings(parsing: text)
        let back: OptimizerSettings
        do { back = try OptimizerSettings(parsing: settings.description) } catch {
            return expect(false, "the text form \"\(settings.description)\" of \"\(text)\" does not parse: \(error)")
        }
        expect(back == settings, "\"\(settings.description)\" parses back as \"\(back.description)\"")
        let groups = [ParameterGroup(name: "weights", range: 0..<3), ParameterGroup(name: "bias", range: 3..<5, weightDecay: 0)]
        let lr = settings.defaultLearningRate
        steps(try settings.make(Double.self, groups: groups, learningRate: lr))
        steps(try settings.make(Double.self, groups: ParameterGroup.all(5), learningRate: lr, averageFrom: 2))
    }
}
