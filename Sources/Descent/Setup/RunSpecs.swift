import Training

/// How the training data is prepared before a run: the validation split, standardisation, and
/// the seed of the split and of random start points.
public struct PreparationSpec: Sendable, Equatable {
    /// Which columns are standardised by the training part's mean and deviation.
    public enum Standardize: String, Sendable, Codable, CaseIterable { case none, features, all }

    /// The fraction of rows held out for validation (0 = none).
    public var validationSplit: Double
    public var standardize: Standardize
    public var seed: UInt64

    public init(validationSplit: Double = 0, standardize: Standardize = .none, seed: UInt64 = 0) {
        self.validationSplit = validationSplit; self.standardize = standardize; self.seed = seed
    }
}

/// The model of a run: its kind, the loss, and the start point.
public struct ModelSpec: Sendable {
    public enum Kind: String, Sendable, Codable, CaseIterable { case linear, mlp }

    public var kind: Kind
    /// Hidden layer sizes of an MLP.
    public var hidden: [Int]
    /// Whether a linear model has an intercept.
    public var intercept: Bool
    public var loss: Loss
    /// "zeros", "random" or a model file's path; nil picks zeros for a linear model, random for an MLP.
    public var initial: String?

    public init(kind: Kind = .linear, hidden: [Int] = [32], intercept: Bool = true, loss: Loss = .squaredError, initial: String? = nil) {
        self.kind = kind; self.hidden = hidden; self.intercept = intercept; self.loss = loss; self.initial = initial
    }

    /// The shape for `inputs` features and `outputs` targets.
    public func shape(inputs: Int, outputs: Int) -> ModelShape {
        switch kind {
        case .linear: .linear(inputs: inputs, outputs: outputs, intercept: intercept)
        case .mlp: .mlp(inputs: inputs, hidden: hidden, outputs: outputs)
        }
    }
}
