import ArgumentParser
import Descent

/// The update rule and its hyper-parameters (PyTorch names, with microsoftml's accepted too).
struct OptimizerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("""
        sgd (PyTorch's SGD), mml-sgd (microsoftml's sgd_optimizer: weight decay as a shrink after \
        each step), adadelta (= adadelta_optimizer), dog, ldog, dadapt-sgd, schedule-free, lfm.
        """, valueName: "name"))
    var optimizer: String = "sgd"

    @Option(name: .long, help: "Momentum μ (sgd, dadapt-sgd); β for schedule-free (default 0.9) and lfm (default 0.9).")
    var momentum: Double?

    @Flag(name: [.long, .customLong("nag")], help: "Nesterov momentum (microsoftml: nag).")
    var nesterov = false

    @Option(name: .long, help: "Dampening τ of the momentum buffer (sgd).")
    var dampening: Double = 0

    @Option(name: [.long, .customLong("weight_decay")], help: "Weight decay λ (L2 in the gradient; mml-sgd: shrink by 1 − γλ after each step).")
    var weightDecay: Double = 0

    @Option(name: .long, help: "Where sgd applies weight decay: coupled (PyTorch) or shrink (microsoftml).")
    var decayMode: DecayMode = .coupled

    @Flag(name: .long, help: "No weight decay on the biases.")
    var noBiasDecay = false

    @Option(name: .long, help: "AdaDelta decay ρ (default 0.95).")
    var decay: Double = 0.95

    @Option(name: [.long, .customLong("cond")], help: "AdaDelta ε (microsoftml: cond; default 1e-6); DoG/L-DoG/LFM ε (default 1e-8).")
    var epsilon: Double?

    @Option(name: .long, help: "DoG/L-DoG/LFM relative initial distance reps_rel.")
    var repsRel: Double = 1e-6

    @Option(name: .long, help: "DoG/L-DoG first step size (init_eta); replaces reps_rel.")
    var initEta: Double?

    @Option(name: .long, help: "Polynomial iterate averaging γ for dog/ldog (0 turns it off).")
    var averageGamma: Double = 8

    @Option(name: .long, help: "D-Adaptation initial distance d0.")
    var d0: Double = 1e-6

    @Option(name: .long, help: "D-Adaptation growth rate (default unlimited).")
    var growthRate: Double = .infinity

    @Option(name: .long, help: "Schedule-Free warm-up steps.")
    var warmupSteps: Int = 0

    @Option(name: .long, help: ArgumentHelp("Average the iterates (Polyak–Ruppert) from this update on.", valueName: "step"))
    var averageFrom: Int?

    enum DecayMode: String, ExpressibleByArgument, CaseIterable { case coupled, shrink }

    /// The canonical optimizer name (microsoftml and common spellings accepted).
    func canonicalName() throws -> String {
        switch optimizer.lowercased() {
        case "sgd", "pytorch-sgd": "sgd"
        case "mml-sgd", "sgd_optimizer", "microsoftml-sgd", "microsoftml": "mml-sgd"
        case "adadelta", "adadelta_optimizer": "adadelta"
        case "dog": "dog"
        case "ldog", "l-dog": "ldog"
        case "dadapt-sgd", "dadaptation", "d-adaptation", "dadapt": "dadapt-sgd"
        case "schedule-free", "schedule-free-sgd", "schedulefree", "sf-sgd": "schedule-free"
        case "lfm": "lfm"
        default:
            throw CLIError("--optimizer: unknown optimizer \"\(optimizer)\"; expected sgd, mml-sgd, adadelta, dog, ldog, dadapt-sgd, schedule-free or lfm")
        }
    }

    /// The learning rate used when --lr is not given: 0.01 for SGD, 1 (the method's own step) for the others.
    func defaultLearningRate() throws -> Double {
        switch try canonicalName() {
        case "sgd", "mml-sgd": 0.01
        default: 1
        }
    }

    /// Builds the optimizer for `groups` (a model's parameter groups).
    func make<Scalar: BLASScalar>(_: Scalar.Type, groups: [ParameterGroup], learningRate: Double) throws -> any Optimizer<Scalar> {
        let n = groups.last?.range.upperBound ?? 0
        let groups = noBiasDecay ? groups.withoutDecayOnBiases() : groups
        func averaged<O: Optimizer>(_ o: O) throws -> any Optimizer<Scalar> where O.Scalar == Scalar {
            averageGamma > 0 ? try PolynomialAveraging(o, gamma: averageGamma) : o
        }
        switch try canonicalName() {
        case "sgd":
            return try SGD<Scalar>(parameterCount: n, groups: groups, learningRate: learningRate, momentum: momentum ?? 0,
                                   dampening: dampening, nesterov: nesterov, weightDecay: weightDecay,
                                   weightDecayMode: decayMode == .coupled ? .coupledL2 : .shrinkAfterStep)
        case "mml-sgd":
            return try SGD<Scalar>.microsoftML(parameterCount: n, groups: groups, learningRate: learningRate, momentum: momentum ?? 0,
                                               nag: nesterov, weightDecay: weightDecay)
        case "adadelta":
            return try AdaDelta<Scalar>(parameterCount: n, groups: groups, decay: decay, epsilon: epsilon ?? 1e-6,
                                        weightDecay: weightDecay, learningRate: learningRate)
        case "dog":
            return try averaged(DoG<Scalar>(parameterCount: n, groups: groups, relativeInitialDistance: repsRel,
                                            epsilon: epsilon ?? 1e-8, weightDecay: weightDecay, initialStepSize: initEta))
        case "ldog":
            return try averaged(LDoG<Scalar>(parameterCount: n, groups: groups, relativeInitialDistance: repsRel,
                                             epsilon: epsilon ?? 1e-8, weightDecay: weightDecay, initialStepSize: initEta))
        case "dadapt-sgd":
            return try DAdaptSGD<Scalar>(parameterCount: n, groups: groups, momentum: momentum ?? 0, weightDecay: weightDecay,
                                         initialDistance: d0, growthRate: growthRate)
        case "schedule-free":
            return try ScheduleFreeSGD<Scalar>(parameterCount: n, groups: groups, momentum: momentum ?? 0.9, weightDecay: weightDecay,
                                               warmupSteps: warmupSteps)
        default:
            return try LFM<Scalar>(parameterCount: n, groups: groups, momentum: momentum ?? 0.9, relativeInitialDistance: repsRel,
                                   epsilon: epsilon ?? 1e-8, weightDecay: weightDecay)
        }
    }

    /// A one-line description for the run header and the fingerprint.
    var summary: String {
        let name = (try? canonicalName()) ?? optimizer
        var parts = [name]
        if let m = momentum { parts.append("momentum=\(m)") }
        if nesterov { parts.append("nesterov") }
        if dampening != 0 { parts.append("dampening=\(dampening)") }
        if weightDecay != 0 { parts.append("weight_decay=\(weightDecay)"); parts.append("decay_mode=\(decayMode.rawValue)") }
        if noBiasDecay { parts.append("no_bias_decay") }
        switch name {
        case "adadelta": parts.append("rho=\(decay)"); parts.append("eps=\(epsilon ?? 1e-6)")
        case "dog", "ldog": parts.append("reps_rel=\(repsRel)"); parts.append("eps=\(epsilon ?? 1e-8)")
            if let e = initEta { parts.append("init_eta=\(e)") }
            parts.append("average_gamma=\(averageGamma)")
        case "lfm": parts.append("reps_rel=\(repsRel)"); parts.append("eps=\(epsilon ?? 1e-8)")
        case "dadapt-sgd": parts.append("d0=\(d0)"); parts.append("growth=\(growthRate)")
        case "schedule-free": parts.append("warmup=\(warmupSteps)")
        default: break
        }
        if let a = averageFrom { parts.append("average_from=\(a)") }
        return parts.joined(separator: " ")
    }
}
