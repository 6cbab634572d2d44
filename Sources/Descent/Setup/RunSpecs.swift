import Training

/// How the training data is prepared before a run: the validation split, standardisation, and
/// the seed of the split and of random start points.
public struct PreparationSpec: Sendable, Equatable {
    /// Which columns are standardised by the training part's mean and deviation.
    public enum Standardize: String, Sendable, Codable, CaseIterable {
        /// Nothing is standardised.
        case none
        /// The features are standardised.
        case features
        /// The features and the targets are standardised.
        case all
    }

    /// The fraction of rows held out for validation (0 = none).
    public var validationSplit: Double
    /// Which columns are standardised (none by default).
    public var standardize: Standardize
    /// The seed of the validation split and of a random start point.
    public var seed: UInt64

    /// A preparation with the given split fraction, standardisation and seed.
    public init(validationSplit: Double = 0, standardize: Standardize = .none, seed: UInt64 = 0) {
        self.validationSplit = validationSplit; self.standardize = standardize; self.seed = seed
    }
}

/// The model of a run: its kind, the loss, and the start point.
public struct ModelSpec: Sendable {
    /// A linear model, or an MLP with ReLU hidden layers.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A linear model.
        case linear
        /// A multilayer perceptron with ReLU hidden layers.
        case mlp
    }

    /// Linear model or MLP.
    public var kind: Kind
    /// Hidden layer sizes of an MLP.
    public var hidden: [Int]
    /// Whether a linear model has an intercept.
    public var intercept: Bool
    /// The training loss.
    public var loss: Loss
    /// "zeros", "random" or a model file's path; nil picks zeros for a linear model, random for an MLP.
    public var initial: String?

    /// A model spec; by default a linear model with an intercept, the squared error, and the default start
    /// point.
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
