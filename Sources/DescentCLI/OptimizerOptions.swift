import ArgumentParser
import Descent

/// The update rule and its hyper-parameters: `--optimizer` in the library's text form
/// (`OptimizerSettings`, e.g. `sgd:momentum=0.9,nesterov`), and the per-field flags (PyTorch's and
/// microsoftml's names) that set the same fields through the optimizer's `OptimizerSpec`. A flag
/// for a field the chosen optimizer does not have is an error.
struct OptimizerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Optimizer, as a name or in text form (name:field=value,flag,…): \(OptimizerRegistry.all.map { $0.aliases.isEmpty ? $0.name : "\($0.name) (or \($0.aliases.joined(separator: ", ")))" }.joined(separator: ", ")). Its fields are listed by `descent train --help`.",
        discussion: OptimizerOptions.fieldHelp, valueName: "name[:fields]"))
    var optimizer: String = "sgd"

    @Option(name: .long, help: "Momentum μ (sgd, mml-sgd, dadapt-sgd); β for schedule-free and lfm.")
    var momentum: Double?

    @Flag(name: [.long, .customLong("nag")], help: "Nesterov momentum (sgd, mml-sgd; microsoftml: nag).")
    var nesterov = false

    @Option(name: .long, help: "Dampening τ of the momentum buffer (sgd).")
    var dampening: Double?

    @Option(name: [.long, .customLong("weight_decay")], help: "Weight decay λ (L2 in the gradient; mml-sgd: shrink by 1 − γλ after each step).")
    var weightDecay: Double?

    @Option(name: .long, help: "Where sgd applies weight decay: coupled (λθ added to the gradient: PyTorch, and scikit-learn's l2 without momentum) or shrink-after-step (θ ← (1 − γλ)θ after the step, which scales the gradient step too: microsoftml, not scikit-learn's l2); shrink is accepted for shrink-after-step.")
    var decayMode: DecayMode?

    @Option(name: .long, help: "scikit-learn's penalty for sgd: none, l2 (weight_decay=α, coupled), l1 (l1=α, cumulative clip) or elasticnet (weight_decay=(1−ρ)α, l1=ρα); never on the biases. Instead of --weight-decay.")
    var penalty: ScikitLearnPenalty?

    // Unconditional: a negative value (--alpha -1) is read as the value and rejected by
    // `checkPenalty` with the range, not taken for an unknown flag.
    @Option(name: .long, parsing: .unconditional, help: "scikit-learn's regularisation strength α of --penalty, finite and ≥ 0 (default 1e-4).")
    var alpha: Double?

    @Option(name: .long, parsing: .unconditional, help: "scikit-learn's elastic-net mixing ρ of --penalty elasticnet, in [0, 1] (default 0.15).")
    var l1Ratio: Double?

    @Flag(name: .long, help: "No weight decay on the biases (every optimizer).")
    var noBiasDecay = false

    @Option(name: .long, help: "AdaDelta decay ρ (default 0.95).")
    var decay: Double?

    @Option(name: [.long, .customLong("cond")], help: "AdaDelta ε (microsoftml: cond; default 1e-6); dog/ldog/lfm ε (default 1e-8).")
    var epsilon: Double?

    @Option(name: .long, help: "dog/ldog/lfm relative initial distance reps_rel.")
    var repsRel: Double?

    @Option(name: .long, help: "dog/ldog first step size (init_eta); replaces reps_rel.")
    var initEta: Double?

    @Option(name: .long, help: "Polynomial iterate averaging γ for dog/ldog (0 turns it off).")
    var averageGamma: Double?

    @Option(name: .long, help: "dadapt-sgd initial distance d0.")
    var d0: Double?

    @Option(name: .long, help: "dadapt-sgd growth rate (default unlimited).")
    var growthRate: Double?

    @Option(name: .long, help: "schedule-free warm-up steps.")
    var warmupSteps: Int?

    @Option(name: .long, help: ArgumentHelp("Average the iterates (Polyak–Ruppert) from this update on, 0-based (scikit-learn average=a is a-1; every optimizer; dog/ldog keep their polynomial weights, average_gamma).", valueName: "step"))
    var averageFrom: Int?

    enum DecayMode: String, ExpressibleByArgument, CaseIterable {
        case coupled, shrinkAfterStep = "shrink-after-step", shrink
        static var allValueStrings: [String] { ["coupled", "shrink-after-step"] }
    }

    /// Every optimizer's fields, for `--help`.
    static let fieldHelp: String = OptimizerRegistry.all.map { spec in
        "\(spec.name): \(spec.summary); fields: " + spec.fields.map { f in
            switch f.defaultValue {
            case .some(.flag(false)): f.name
            case .some(let v): "\(f.name)=\(v)"
            case nil: "\(f.name) (unset)"
            }
        }.joined(separator: ", ")
    }.joined(separator: "\n")

    /// The per-field flags that were given: (flag as typed, field name, value).
    var givenFlags: [(flag: String, field: String, value: OptimizerValue)] {
        var out: [(String, String, OptimizerValue)] = []
        func add(_ flag: String, _ field: String, _ v: Double?) { if let v { out.append((flag, field, .number(v))) } }
        add("--momentum", "momentum", momentum)
        if nesterov { out.append(("--nesterov", "nesterov", .flag(true))) }
        add("--dampening", "dampening", dampening)
        add("--weight-decay", "weight_decay", weightDecay)
        if let m = decayMode { out.append(("--decay-mode", "decay_mode", .word(m.rawValue))) }
        if let p = penalty, let fields = try? p.sgdFields(alpha: alpha ?? 1e-4, l1Ratio: l1Ratio ?? 0.15) {
            for (field, value) in fields { out.append(("--penalty \(p.rawValue)", field, .number(value))) }
        }
        add("--decay", "rho", decay)
        add("--epsilon", "eps", epsilon)
        add("--reps-rel", "reps_rel", repsRel)
        add("--init-eta", "init_eta", initEta)
        add("--average-gamma", "average_gamma", averageGamma)
        add("--d0", "d0", d0)
        add("--growth-rate", "growth_rate", growthRate)
        add("--warmup-steps", "warmup_steps", warmupSteps.map(Double.init))
        return out
    }

    /// The fields the text form of --optimizer writes (canonical names).
    func textFields(_ spec: any OptimizerSpec) -> Set<String> {
        guard let colon = optimizer.firstIndex(of: ":") else { return [] }
        let keys = optimizer[optimizer.index(after: colon)...].split(separator: ",").map {
            String($0.split(separator: "=", maxSplits: 1).first ?? "").trimmingCharacters(in: .whitespaces)
        }
        return Set(keys.compactMap { spec.field(named: $0)?.name })
    }

    /// The optimizer settings from --optimizer and the field flags, with `defaults` for fields
    /// neither sets (the built-in problem's momentum). Errors are one line naming the option.
    func settings(defaults: [String: OptimizerValue] = [:]) throws -> OptimizerSettings {
        try checkPenalty()
        var s: OptimizerSettings
        do { s = try OptimizerSettings(parsing: optimizer) } catch { throw CLIError("--optimizer: \(error)") }
        let spec = s.spec
        let written = textFields(spec)
        for (flag, field, value) in givenFlags {
            guard let f = spec.field(named: field) else {
                throw CLIError("\(flag) does not apply to \(spec.name) (its fields: \(spec.fieldList))")
            }
            guard !written.contains(f.name) else {
                throw CLIError("\(flag) sets \(spec.name).\(f.name), which --optimizer \"\(optimizer)\" sets too; give it once")
            }
            do { try s.set(f.name, value) } catch { throw CLIError("\(flag): \(error)") }
        }
        for (field, value) in defaults where !gives(field, spec) && spec.field(named: field) != nil {
            try s.set(field, value)
        }
        return s
    }

    /// --penalty's companions: --alpha and --l1-ratio only with it (--l1-ratio only with
    /// elasticnet), valid values, and no second source of the weight decay (--weight-decay, or
    /// --decay-mode shrink-after-step, which is not scikit-learn's l2).
    func checkPenalty() throws {
        if let a = alpha, !(a.isFinite && a >= 0) { throw CLIError("--alpha must be a finite number ≥ 0 (scikit-learn's alpha), got \(a)") }
        if let r = l1Ratio, !(r >= 0 && r <= 1) { throw CLIError("--l1-ratio must be in [0, 1] (scikit-learn's l1_ratio), got \(r)") }
        guard let p = penalty else {
            if alpha != nil { throw CLIError("--alpha is the strength of --penalty; give --penalty l2, l1 or elasticnet, or use --weight-decay") }
            if l1Ratio != nil { throw CLIError("--l1-ratio needs --penalty elasticnet") }
            return
        }
        if l1Ratio != nil && p != .elasticnet { throw CLIError("--l1-ratio applies to --penalty elasticnet only, not \(p.rawValue)") }
        if weightDecay != nil {
            throw CLIError("--penalty \(p.rawValue) and --weight-decay both set the weight decay; give one (--penalty l2 --alpha A is --weight-decay A --no-bias-decay)")
        }
        if let m = decayMode, m != .coupled {
            throw CLIError("--penalty \(p.rawValue) is scikit-learn's coupled decay; --decay-mode \(m.rawValue) contradicts it")
        }
        do { _ = try p.sgdFields(alpha: alpha ?? 1e-4, l1Ratio: l1Ratio ?? 0.15) } catch { throw CLIError("--penalty: \(error)") }
    }

    /// The settings for a run: on the built-in problem, SGD trains with momentum
    /// (`EmbeddedProblem.momentum`) unless the command sets it.
    func settings(embedded: Bool) throws -> OptimizerSettings {
        let plain = try settings()
        guard embedded, plain.name == "sgd" else { return plain }
        return try settings(defaults: ["momentum": .number(EmbeddedProblem.momentum)])
    }

    /// Whether --optimizer's text or a flag sets `field`.
    func gives(_ field: String, _ spec: any OptimizerSpec) -> Bool {
        guard let f = spec.field(named: field) else { return false }
        return textFields(spec).contains(f.name) || givenFlags.contains { spec.field(named: $0.field)?.name == f.name }
    }
}

extension ScikitLearnPenalty: ExpressibleByArgument {}
