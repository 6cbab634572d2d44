/// Every kind `parseSchedule` knows, in the table's order.
public let scheduleKinds = ["constant", "linear", "step", "multistep", "exp", "multiplicative", "poly", "cosine", "restarts", "cyclic", "onecycle",
                            "plateau", "invscaling", "optimal", "adaptive", "mml"]

/// Parses the compact text form of a schedule, as the CLI takes it (`--schedule`).
///
///     kind[:field=value,field=value,…]
///
/// Learning rates not given in the text come from `baseLearningRate` (the CLI's `--lr`).
/// Every schedule's `description` is its text form, and parsing it back gives the same schedule.
///
/// | kind | fields (defaults) |
/// |---|---|
/// | `constant` | factor (1), iters (0), unit (epoch) |
/// | `linear` | start (1/3), end (1), iters (5), unit (epoch) |
/// | `step` | size (required), gamma (0.1), unit (epoch) |
/// | `multistep` | at (required, `30/80/150`), gamma (0.1), unit (epoch) |
/// | `exp` | gamma (required), unit (epoch) |
/// | `multiplicative` | factor (required), unit (epoch) — torch's MultiplicativeLR with a constant lambda |
/// | `poly` | iters (5), power (1), unit (epoch) |
/// | `cosine` | T (required), min (0), unit (epoch) |
/// | `restarts` | T0 (required), mult (1), min (0), unit (epoch) |
/// | `cyclic` | base (lr), max (required), up (2000), down (up), mode (triangular / triangular2 / exp_range), gamma (1), scale-mode (cycle / iterations; default the mode's own, as PyTorch), momentum (off; `base/max` turns cycling on), unit (batch) |
/// | `onecycle` | max (lr), steps (required, or `epochs` × `steps-per-epoch` as torch's OneCycleLR takes them), pct (0.3), anneal (cos / linear), div (25), final (1e4), phases (2 / 3), momentum (off; `base/max`), unit (batch) |
/// | `plateau` | mode (min / max), factor (0.1), patience (10), threshold (1e-4), threshold_mode (rel / abs), cooldown (0), min_lr (0), eps (1e-8) |
/// | `invscaling` | eta0 (lr), power (0.25) — per sample |
/// | `optimal` | alpha (1e-4), loss (squared / hinge / log) — per sample |
/// | `adaptive` | eta0 (lr), n (5), tol (1e-3, or `none`) — per epoch |
/// | `mml` | ratio (1), freq (100), error (0) — per epoch |
///
/// Composition: `A then@m B then@n C` runs A, then B from step m, then C from step n
/// (`SequentialSchedule`); `A * B` multiplies factors (`ChainedSchedule`); `*` binds tighter.
/// Errors are `ScheduleError`s whose `field` is `kind.field` (e.g. `cosine.T`).
///
/// `peak`, when given (a learning-rate range test's suggestion, handed over by value), is the
/// peak of a lone `cyclic` or `onecycle` whose text has no `max`: `cyclic` then cycles between
/// max/divisor and max unless the text sets `base`, and `onecycle` starts at max/divisor unless the
/// text sets `div` (Smith's rule). Other kinds and composed schedules ignore it.
public func parseSchedule(_ text: String, baseLearningRate: Double, peak: SchedulePeak? = nil) throws -> any LearningRateSchedule {
    let trimmed = text.trimmedSpaces()
    if trimmed.isEmpty { throw ScheduleError(field: "schedule", "is empty") }
    let parts = trimmed.split(separator: " then@", omittingEmptySubsequences: false)
    if parts.count > 1 {
        var children: [any LearningRateSchedule] = [try parseChain(String(parts[0]), baseLearningRate)]
        var milestones: [Int] = []
        for part in parts.dropFirst() {
            let pieces = part.trimmedSpaces().split(separator: " ", maxSplits: 1)
            guard pieces.count == 2, let m = Int(pieces[0]) else {
                throw ScheduleError(field: "then", "expected `then@<step> <schedule>`, got `then@\(part)`")
            }
            milestones.append(m)
            children.append(try parseChain(String(pieces[1]), baseLearningRate))
        }
        return try SequentialSchedule(children, milestones: milestones)
    }
    if let peak, !trimmed.contains(" * ") { return try parseLeaf(trimmed, baseLearningRate, peak: peak) }
    return try parseChain(trimmed, baseLearningRate)
}

/// A peak learning rate handed to `parseSchedule` by value (see there).
public struct SchedulePeak: Sendable, Equatable {
    /// The peak learning rate.
    public var max: Double
    /// The start is max/divisor (Smith's rule: 4).
    public var divisor: Double
    /// A peak at `max`, starting from max/`divisor`.
    public init(max: Double, divisor: Double = 4) { self.max = max; self.divisor = divisor }
}

private func parseChain(_ text: String, _ lr: Double) throws -> any LearningRateSchedule {
    let parts = text.split(separator: " * ")
    if parts.count > 1 {
        return try ChainedSchedule(baseLearningRate: lr, parts.map { try parseLeaf(String($0), lr) })
    }
    return try parseLeaf(text, lr)
}

extension StringProtocol {
    fileprivate func trimmedSpaces() -> String {
        var s = Substring(String(self))
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}

/// The `field=value` list of one schedule, with typed accessors that name the field on error
/// and a final check that every given field was understood.
private struct Fields {
    let kind: String
    var values: [String: String] = [:]
    var used: Set<String> = []

    init(kind: String, list: Substring?) throws {
        self.kind = kind
        guard let list, !list.isEmpty else { return }
        for item in list.split(separator: ",", omittingEmptySubsequences: false) {
            let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(kv[0]).trimmedSpaces()
            guard kv.count == 2, !key.isEmpty else {
                throw ScheduleError(field: "\(kind)", "expected `field=value`, got `\(item)`")
            }
            if values[key] != nil { throw ScheduleError(field: "\(kind).\(key)", "is given twice") }
            values[key] = String(kv[1]).trimmedSpaces()
        }
    }

    func error(_ key: String, _ message: String) -> ScheduleError { ScheduleError(field: "\(kind).\(key)", message) }

    mutating func raw(_ key: String) -> String? {
        used.insert(key)
        return values[key]
    }

    mutating func double(_ key: String, _ fallback: Double? = nil) throws -> Double {
        guard let text = raw(key) else {
            if let fallback { return fallback }
            throw error(key, "is required")
        }
        guard let v = Double(text), v.isFinite else { throw error(key, "expected a number, got `\(text)`") }
        return v
    }

    mutating func int(_ key: String, _ fallback: Int? = nil) throws -> Int {
        guard let text = raw(key) else {
            if let fallback { return fallback }
            throw error(key, "is required")
        }
        guard let v = Int(text) else { throw error(key, "expected an integer, got `\(text)`") }
        return v
    }

    mutating func choice<T>(_ key: String, _ fallback: T, _ options: [(String, T)]) throws -> T {
        guard let text = raw(key) else { return fallback }
        if let match = options.first(where: { $0.0 == text }) { return match.1 }
        throw error(key, "expected one of \(options.map(\.0).joined(separator: ", ")), got `\(text)`")
    }

    mutating func unit(_ fallback: ScheduleUnit) throws -> ScheduleUnit {
        try choice("unit", fallback, [("batch", .batch), ("epoch", .epoch), ("sample", .sample)])
    }

    mutating func momentum() throws -> MomentumCycle? {
        guard let text = raw("momentum") else { return nil }
        let p = text.split(separator: "/")
        guard p.count == 2, let b = Double(p[0]), let m = Double(p[1]) else {
            throw error("momentum", "expected `base/max`, e.g. 0.85/0.95, got `\(text)`")
        }
        do { return try MomentumCycle(base: b, max: m) } catch let e as ScheduleError { throw error("momentum", e.message) }
    }

    func finish() throws {
        let unknown = Set(values.keys).subtracting(used).sorted()
        if let first = unknown.first {
            throw error(first, "unknown field; \(kind) takes \(used.sorted().joined(separator: ", "))")
        }
    }
}

/// OneCycle's total steps: `steps=N`, or torch's `epochs=E,steps-per-epoch=S` (total_steps = E·S,
/// as `OneCycleLR` computes it when total_steps is None); exactly one of the two forms.
private func oneCycleTotalSteps(_ f: inout Fields) throws -> Int {
    let hasSteps = f.values["steps"] != nil
    let hasEpochs = f.values["epochs"] != nil || f.values["steps-per-epoch"] != nil
    if hasSteps && hasEpochs { throw f.error("steps", "give either steps or epochs with steps-per-epoch, not both") }
    if !hasEpochs { return try f.int("steps") }
    let epochs = try f.int("epochs"), perEpoch = try f.int("steps-per-epoch")
    if epochs < 1 { throw f.error("epochs", "must be an integer > 0, got \(epochs)") }
    if perEpoch < 1 { throw f.error("steps-per-epoch", "must be an integer > 0, got \(perEpoch)") }
    let (total, overflow) = epochs.multipliedReportingOverflow(by: perEpoch)
    if overflow { throw f.error("epochs", "epochs × steps-per-epoch overflows") }
    return total
}

private func parseLeaf(_ text: String, _ lr: Double, peak: SchedulePeak? = nil) throws -> any LearningRateSchedule {
    let trimmed = text.trimmedSpaces()
    let head = trimmed.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
    let kind = String(head[0])
    var f = try Fields(kind: kind, list: head.count > 1 ? head[1] : nil)
    let schedule: any LearningRateSchedule
    do {
        switch kind {
        case "constant":
            schedule = try ConstantSchedule(baseLearningRate: lr, factor: f.double("factor", 1), iterations: f.int("iters", 0), unit: f.unit(.epoch))
        case "linear":
            schedule = try LinearSchedule(baseLearningRate: lr, startFactor: f.double("start", 1.0 / 3), endFactor: f.double("end", 1),
                                          iterations: f.int("iters", 5), unit: f.unit(.epoch))
        case "step":
            schedule = try StepDecaySchedule(baseLearningRate: lr, stepSize: f.int("size"), gamma: f.double("gamma", 0.1), unit: f.unit(.epoch))
        case "multistep":
            guard let at = f.raw("at") else { throw f.error("at", "is required") }
            let ms = try at.split(separator: "/").map { (s: Substring) -> Int in
                guard let v = Int(s) else { throw f.error("at", "expected integers separated by `/`, got `\(at)`") }
                return v
            }
            schedule = try MultiStepDecaySchedule(baseLearningRate: lr, milestones: ms, gamma: f.double("gamma", 0.1), unit: f.unit(.epoch))
        case "exp":
            schedule = try ExponentialSchedule(baseLearningRate: lr, gamma: f.double("gamma"), unit: f.unit(.epoch))
        case "multiplicative":
            schedule = try MultiplicativeSchedule(baseLearningRate: lr, factor: f.double("factor"), unit: f.unit(.epoch))
        case "poly":
            schedule = try PolynomialSchedule(baseLearningRate: lr, iterations: f.int("iters", 5), power: f.double("power", 1), unit: f.unit(.epoch))
        case "cosine":
            schedule = try CosineAnnealingSchedule(baseLearningRate: lr, period: f.int("T"), minimumLearningRate: f.double("min", 0), unit: f.unit(.epoch))
        case "restarts":
            schedule = try CosineWarmRestartsSchedule(baseLearningRate: lr, firstPeriod: f.int("T0"), periodMultiplier: f.int("mult", 1),
                                                      minimumLearningRate: f.double("min", 0), unit: f.unit(.epoch))
        case "cyclic":
            let up = try f.int("up", 2000)
            let peakMax = f.values["max"] == nil ? peak?.max : nil
            schedule = try CyclicSchedule(baseLearningRate: peakMax.map { try f.double("base", $0 / peak!.divisor) } ?? f.double("base", lr),
                                          maxLearningRate: peakMax ?? f.double("max"), stepSizeUp: up,
                                          stepSizeDown: f.int("down", up),
                                          mode: f.choice("mode", .triangular, CyclicSchedule.Mode.allCases.map { ($0.rawValue, $0) }),
                                          gamma: f.double("gamma", 1),
                                          scaleMode: f.values["scale-mode"] == nil ? nil
                                              : f.choice("scale-mode", .cycle, CyclicSchedule.ScaleMode.allCases.map { ($0.rawValue, $0) }),
                                          cycleMomentum: f.momentum(), unit: f.unit(.batch))
        case "onecycle":
            let phases = try f.int("phases", 2)
            if phases != 2 && phases != 3 { throw f.error("phases", "expected 2 or 3, got \(phases)") }
            let peakMax = f.values["max"] == nil ? peak?.max : nil
            schedule = try OneCycleSchedule(maxLearningRate: peakMax ?? f.double("max", lr), totalSteps: oneCycleTotalSteps(&f), pctStart: f.double("pct", 0.3),
                                            annealing: f.choice("anneal", .cos, OneCycleSchedule.Annealing.allCases.map { ($0.rawValue, $0) }),
                                            divFactor: f.double("div", peakMax == nil ? 25 : peak!.divisor), finalDivFactor: f.double("final", 1e4),
                                            threePhase: phases == 3,
                                            cycleMomentum: f.momentum(), unit: f.unit(.batch))
        case "plateau":
            schedule = try PlateauSchedule(baseLearningRate: lr,
                                           mode: f.choice("mode", .min, PlateauSchedule.Mode.allCases.map { ($0.rawValue, $0) }),
                                           factor: f.double("factor", 0.1), patience: f.int("patience", 10),
                                           threshold: f.double("threshold", 1e-4),
                                           thresholdMode: f.choice("threshold_mode", .rel, PlateauSchedule.ThresholdMode.allCases.map { ($0.rawValue, $0) }),
                                           cooldown: f.int("cooldown", 0), minimumLearningRate: f.double("min_lr", 0), eps: f.double("eps", 1e-8))
        case "invscaling":
            schedule = try InverseScalingSchedule(baseLearningRate: f.double("eta0", lr), power: f.double("power", 0.25))
        case "optimal":
            let loss: OptimalSchedule.Loss
            switch f.raw("loss") {
            case nil, "squared": loss = .squaredError
            case "hinge": loss = .hinge
            case "log": loss = .log
            case let other?:
                if let d = other.hasPrefix("dloss:") ? Double(other.dropFirst(6)) : nil { loss = .derivative(d) }
                else { throw f.error("loss", "expected squared, hinge, log or dloss:<number>, got `\(other)`") }
            }
            schedule = try OptimalSchedule(alpha: f.double("alpha", 1e-4), loss: loss)
        case "adaptive":
            let tol: Double?
            if f.values["tol"] == "none" { _ = f.raw("tol"); tol = nil } else { tol = try f.double("tol", 1e-3) }
            schedule = try AdaptiveSchedule(baseLearningRate: f.double("eta0", lr), patience: f.int("n", 5), tolerance: tol)
        case "mml":
            schedule = try MicrosoftMLReductionSchedule(baseLearningRate: lr, ratio: f.double("ratio", 1), frequency: f.int("freq", 100),
                                                        errorRatio: f.double("error", 0))
        default:
            throw ScheduleError(field: "schedule", "unknown kind `\(kind)`; expected \(scheduleKinds.dropLast().joined(separator: ", ")) or \(scheduleKinds.last!)")
        }
    } catch let e as ScheduleError where !e.field.contains(".") && e.field != "schedule" {
        // A range check inside an initialiser names the bare field; qualify it with the kind.
        throw ScheduleError(field: "\(kind).\(e.field)", e.message)
    }
    try f.finish()
    return schedule
}
