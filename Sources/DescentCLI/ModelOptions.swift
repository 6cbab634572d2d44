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

    @Option(name: .long, help: ArgumentHelp("Loss: squared-error (or squared: ½‖ŷ−y‖²), huber[:delta] (default δ 1), absolute-error (or absolute), logistic (binary, 0/1 targets), softmax-cross-entropy (or softmax: one-hot targets).", valueName: "loss"))
    var loss: String = "squared-error"

    @Option(name: .long, help: ArgumentHelp("Initial weights: zeros, random (seeded by --seed: He/Xavier uniform), or a model file to start from.", valueName: "zeros|random|path"))
    var initial: String?

    typealias ModelKind = ModelSpec.Kind

    /// The library's model settings (checks --hidden and --loss).
    func spec() throws -> ModelSpec {
        ModelSpec(kind: model, hidden: model == .mlp ? try hiddenSizes() : [], intercept: !noIntercept, loss: try parsedLoss(), initial: initial)
    }

    func hiddenSizes() throws -> [Int] {
        let parts = hidden.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
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

    /// The library's parser (`Loss(parsing:)`: the names model files hold, and their aliases).
    func parsedLoss() throws -> Loss {
        do { return try Loss(parsing: loss) } catch { throw CLIError("--loss: \(error)") }
    }
}

extension ModelSpec.Kind: ExpressibleByArgument {}
