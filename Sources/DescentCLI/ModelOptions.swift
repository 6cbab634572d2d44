import ArgumentParser
import Descent
import Foundation

/// The model, its loss and its starting point.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: "Model: linear, or mlp (ReLU hidden layers, see --hidden).")
    var model: ModelKind = .linear

    @Option(name: .long, help: ArgumentHelp("MLP hidden layer sizes, comma-separated (e.g. 32,16).", valueName: "sizes"))
    var hidden: String = "32"

    @Flag(name: .long, help: "Fit the linear model without an intercept.")
    var noIntercept = false

    @Option(name: .long, help: ArgumentHelp("Loss: squared (½‖ŷ−y‖²), huber[:delta] (default δ 1), absolute, logistic (binary, 0/1 targets), softmax (one-hot targets).", valueName: "loss"))
    var loss: String = "squared"

    @Option(name: .long, help: ArgumentHelp("Initial weights: zeros, random (seeded by --seed: He/Xavier uniform), or a model file to start from.", valueName: "zeros|random|path"))
    var initial: String?

    enum ModelKind: String, ExpressibleByArgument, CaseIterable { case linear, mlp }

    func hiddenSizes() throws -> [Int] {
        let parts = hidden.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let sizes = parts.compactMap { Int($0) }
        guard !parts.isEmpty, sizes.count == parts.count, sizes.allSatisfy({ $0 >= 1 }) else {
            throw CLIError("--hidden: expected positive integers separated by commas, got \"\(hidden)\"")
        }
        return sizes
    }

    func shape(inputs: Int, outputs: Int) throws -> ModelShape {
        switch model {
        case .linear: .linear(inputs: inputs, outputs: outputs, intercept: !noIntercept)
        case .mlp: .mlp(inputs: inputs, hidden: try hiddenSizes(), outputs: outputs)
        }
    }

    func parsedLoss() throws -> Loss { try LossName.parse(loss) }
}

/// Loss names on the command line and in model files.
enum LossName {
    static func parse(_ text: String) throws -> Loss {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        switch parts.first ?? "" {
        case "squared", "mse", "squared_error", "squaredError": if parts.count == 1 { return .squaredError }
        case "absolute", "l1", "mae": if parts.count == 1 { return .absoluteError }
        case "logistic", "log", "bce": if parts.count == 1 { return .binaryLogistic }
        case "softmax", "cross-entropy", "ce": if parts.count == 1 { return .softmaxCrossEntropy }
        case "huber":
            if parts.count == 1 { return .huber(delta: 1) }
            if let d = Double(parts[1]), d.isFinite, d > 0 { return .huber(delta: d) }
            throw CLIError("--loss huber:\(parts[1]): the threshold δ must be a positive number")
        default: break
        }
        throw CLIError("--loss: unknown loss \"\(text)\"; expected squared, huber[:delta], absolute, logistic or softmax")
    }

    static func name(_ loss: Loss) -> String {
        switch loss {
        case .squaredError: "squared"
        case .huber(let d): "huber:\(d)"
        case .absoluteError: "absolute"
        case .binaryLogistic: "logistic"
        case .softmaxCrossEntropy: "softmax"
        }
    }
}
