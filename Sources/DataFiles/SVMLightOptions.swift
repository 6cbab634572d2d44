import LinearAlgebra

/// How to read an svmlight / libsvm text file (`SVMLightReader`).
public struct SVMLightOptions: Sendable, Equatable {
    /// How feature indices count. `.auto` is scikit-learn's `zero_based="auto"`: the file is
    /// 1-based unless it holds an index 0 (or no feature at all).
    public enum IndexBase: Sendable, Equatable {
        /// Index 0 is the first column.
        case zeroBased
        /// Index 1 is the first column.
        case oneBased
        /// 1-based unless the file holds an index 0 (or no feature).
        case auto
    }

    /// How feature indices count (`.auto` by default).
    public var indexBase: IndexBase
    /// The feature count (matrix width) to use instead of the largest index + 1; a file with a
    /// larger index is an error. Nil: from the file.
    public var featureCount: Int?
    /// Labels are comma-separated lists (`1,3 1:0.5`), possibly empty (`1:0.5`), read into
    /// `SVMLightData.labelLists`, each sorted, as scikit-learn's `multilabel=True` does.
    public var multilabel: Bool

    /// Options with these settings; by default scikit-learn's: indices detected, width from the file, one label
    /// per line.
    public init(indexBase: IndexBase = .auto, featureCount: Int? = nil, multilabel: Bool = false) {
        self.indexBase = indexBase; self.featureCount = featureCount; self.multilabel = multilabel
    }
}

/// What `SVMLightReader` returns: the features as CSR and the labels.
public struct SVMLightData<Scalar: BLASScalar>: Sendable {
    /// One row per data line; column indices sorted and unique within each row (the file must have
    /// them increasing), explicitly written zeros kept.
    public var features: SparseMatrix<Scalar>
    /// One label per row (empty when reading with `multilabel`).
    public var labels: [Scalar]
    /// With `multilabel`: each row's labels in increasing order (empty otherwise).
    public var labelLists: [[Scalar]]
    /// Whether the indices were read as 0-based (`.auto` resolved).
    public var zeroBased: Bool
}
