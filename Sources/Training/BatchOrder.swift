/// A given sample order for every epoch, to replay a run of another library exactly: epoch e visits
/// the training rows `indices[e·n ..< (e+1)·n]` (0-based), each epoch a permutation of 0..<n, cut
/// into batches as a shuffled order is (batch j is positions j·B ..< min((j+1)·B, n)).
///
/// PyTorch's `DataLoader(shuffle=True)` order is its batch sampler's concatenated batches
/// (`torch/utils/data/sampler.py`, `RandomSampler` under `BatchSampler`); scikit-learn's `SGD*`
/// order is drawn inside `_plain_sgd` (`sklearn/linear_model/_sgd_fast.pyx.tp`) and is known when
/// each epoch is a `partial_fit` on rows permuted beforehand.
public struct BatchOrder: Codable, Equatable, Sendable {
    /// Rows per epoch.
    public let sampleCount: Int
    /// The epochs' orders, one after another (`epochs × sampleCount` entries).
    public let indices: [Int]

    /// The number of whole epochs the order holds.
    public var epochs: Int { sampleCount == 0 ? 0 : indices.count / sampleCount }

    /// A problem with one entry: its epoch and position (0-based) and what is wrong.
    public struct Problem: Error, Sendable {
        /// The epoch (0-based) of the bad entry.
        public let epoch: Int
        /// The entry's position in its epoch, nil for a problem with the whole epoch.
        public let position: Int?
        /// What is wrong.
        public let message: String
    }

    /// Checks that each epoch is a permutation of 0..<`sampleCount`; throws the first `Problem`.
    public init(sampleCount: Int, epochs rows: [[Int]]) throws(Problem) {
        var seen = [Int](repeating: -1, count: sampleCount)
        var flat: [Int] = []
        flat.reserveCapacity(rows.count * sampleCount)
        for (e, row) in rows.enumerated() {
            for (k, i) in row.enumerated() {
                guard i >= 0 && i < sampleCount else {
                    throw Problem(epoch: e, position: k, message: "index \(i) is outside 0..<\(sampleCount) (the training rows)")
                }
                guard seen[i] != e else { throw Problem(epoch: e, position: k, message: "index \(i) appears twice in this epoch") }
                seen[i] = e
            }
            guard row.count == sampleCount else {
                throw Problem(epoch: e, position: nil, message: "\(row.count) indices, expected \(sampleCount) (one per training row)")
            }
            flat += row
        }
        self.sampleCount = sampleCount; self.indices = flat
    }
}
