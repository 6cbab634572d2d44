import LinearAlgebra

extension Loss {
    /// Checks the loss's own hyper-parameters and that it fits a model with `outputCount` outputs.
    /// Throws `TrainingDataError` naming the problem (these come from user options).
    public func validate(outputCount: Int) throws {
        switch self {
        case .huber(let delta):
            guard delta.isFinite && delta > 0 else {
                throw TrainingDataError("huber delta must be a positive finite number, got \(delta)")
            }
        case .binaryLogistic:
            guard outputCount == 1 else {
                throw TrainingDataError("the logistic loss needs exactly 1 target column (a 0/1 label), got \(outputCount)")
            }
        case .softmaxCrossEntropy:
            guard outputCount >= 2 else {
                throw TrainingDataError("softmax cross-entropy needs one column of integer class labels or at least 2 target columns (one-hot or probability rows), got \(outputCount)")
            }
        case .squaredError, .absoluteError:
            break
        }
    }

    /// Checks that every target row is valid for the loss: labels in [0, 1] for the logistic loss,
    /// non-negative rows summing to 1 (within 1e-4 relative) for softmax cross-entropy.
    public func validate<Scalar: BLASScalar>(targets y: Matrix<Scalar>) throws {
        try validate(outputCount: y.cols)
        switch self {
        case .binaryLogistic:
            for i in 0..<y.rows where !(y[i, 0] >= 0 && y[i, 0] <= 1) {
                throw TrainingDataError("logistic loss: target in row \(i) is \(y[i, 0]); labels must be 0 or 1 (or a probability)")
            }
        case .softmaxCrossEntropy:
            for i in 0..<y.rows {
                var total = 0.0
                for j in 0..<y.cols {
                    guard y[i, j] >= 0 else {
                        throw TrainingDataError("softmax cross-entropy: target (\(i), \(j)) is \(y[i, j]); class columns must be non-negative")
                    }
                    total += Double(y[i, j])
                }
                guard abs(total - 1) <= 1e-4 else {
                    throw TrainingDataError("softmax cross-entropy: target row \(i) sums to \(total); rows must be one-hot or probabilities summing to 1")
                }
            }
        case .squaredError, .huber, .absoluteError:
            break
        }
    }
}

extension Loss: CustomStringConvertible {
    /// The one name of each loss, used on the command line, in model files and in messages:
    /// `squared-error`, `huber` or `huber:<delta>`, `absolute-error`, `logistic`, `softmax-cross-entropy`.
    public var description: String {
        switch self {
        case .squaredError: "squared-error"
        case .huber(let delta): "huber:\(delta)"
        case .absoluteError: "absolute-error"
        case .binaryLogistic: "logistic"
        case .softmaxCrossEntropy: "softmax-cross-entropy"
        }
    }

    /// Other spellings `init(parsing:)` accepts for the losses without a parameter: the command line's
    /// short names (model files written before the names were unified say `squared`, `absolute`,
    /// `softmax`) and common abbreviations.
    public static let aliases: [String: Loss] = [
        "squared": .squaredError, "mse": .squaredError, "squared_error": .squaredError, "squaredError": .squaredError,
        "absolute": .absoluteError, "l1": .absoluteError, "mae": .absoluteError,
        "log": .binaryLogistic, "bce": .binaryLogistic,
        "softmax": .softmaxCrossEntropy, "cross-entropy": .softmaxCrossEntropy, "ce": .softmaxCrossEntropy,
    ]

    /// Parses a name as printed by `description`, or one of the `aliases` (`huber` alone means δ = 1).
    /// Throws `TrainingDataError` for an unknown name or an invalid δ.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let name = parts.first ?? ""
        let canonical: [Loss] = [.squaredError, .absoluteError, .binaryLogistic, .softmaxCrossEntropy]
        if parts.count == 1, let loss = canonical.first(where: { $0.description == name }) ?? Self.aliases[name] {
            self = loss
        } else if name == "huber" {
            if parts.count == 1 { self = .huber(delta: 1) } else {
                guard let delta = Double(parts[1]) else {
                    throw TrainingDataError("huber delta '\(parts[1])' is not a number")
                }
                self = .huber(delta: delta)
            }
        } else {
            throw TrainingDataError("unknown loss '\(text)'; expected squared-error, huber[:delta], absolute-error, logistic or softmax-cross-entropy")
        }
        try validate(outputCount: self == .binaryLogistic ? 1 : 2)
    }
}
