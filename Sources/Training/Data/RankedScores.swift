/// The binary scores of an evaluated set, kept for ROC-AUC: one (score, positive, weight) entry per
/// sample in a buffer allocated by `reserve(_:)` (once per set size), sorted in place per evaluation
/// by heapsort (no allocation).
///
/// ROC-AUC is the area under the ROC curve through the points of every distinct threshold, joined
/// by straight lines (scikit-learn's `roc_auc_score` on `roc_curve`, trapezoidal rule, with tied
/// scores forming one point). With weights that equals
///   AUC = Σ_{pos i, neg j} wᵢ·wⱼ·([sᵢ > sⱼ] + ½·[sᵢ = sⱼ]) / (W₊·W₋),
/// which is computed here walking the sorted scores group by group of equal score: each group with
/// positive weight P_g and negative weight N_g adds P_g·(negative weight below it) + ½·P_g·N_g.
/// With only one class present the area is undefined: NaN (scikit-learn warns and returns NaN).
struct RankedScores: Sendable {
    struct Entry: Sendable { var score: Double; var positive: Bool; var weight: Double }
    private(set) var entries: [Entry] = []
    private(set) var count = 0

    mutating func reserve(_ n: Int) {
        if entries.count < n { entries = Array(repeating: Entry(score: 0, positive: false, weight: 0), count: n) }
    }

    mutating func reset() { count = 0 }

    mutating func append(score: Double, positive: Bool, weight: Double) {
        precondition(count < entries.count, "ROC-AUC: \(entries.count) scores reserved, adding one more")
        entries[count] = Entry(score: score, positive: positive, weight: weight)
        count += 1
    }

    var packed: [Double] {
        var p: [Double] = []
        p.reserveCapacity(3 * count)
        for e in entries[0..<count] { p += [e.score, e.positive ? 1 : 0, e.weight] }
        return p
    }

    mutating func append(packed: ArraySlice<Double>) {
        precondition(packed.count % 3 == 0, "packed scores come in triples")
        reserve(count + packed.count / 3)   // callers reserve first; this only guards
        var i = packed.startIndex
        while i < packed.endIndex {
            append(score: packed[i], positive: packed[i + 1] != 0, weight: packed[i + 2]); i += 3
        }
    }

    mutating func rocAUC() -> Double {
        let n = count
        entries.withUnsafeMutableBufferPointer { Self.heapSort($0, count: n) }
        var below = 0.0, area = 0.0, positives = 0.0
        var i = 0
        while i < n {
            var p = 0.0, q = 0.0
            let s = entries[i].score
            while i < n && entries[i].score == s {
                if entries[i].positive { p += entries[i].weight } else { q += entries[i].weight }
                i += 1
            }
            area += p * below + 0.5 * p * q
            below += q; positives += p
        }
        guard positives > 0 && below > 0 else { return .nan }
        return area / (positives * below)
    }

    /// Ascending by score, in place.
    static func heapSort(_ a: UnsafeMutableBufferPointer<Entry>, count n: Int) {
        func siftDown(_ start: Int, _ end: Int) {
            var root = start
            while 2 * root + 1 < end {
                var child = 2 * root + 1
                if child + 1 < end && a[child].score < a[child + 1].score { child += 1 }
                guard a[root].score < a[child].score else { return }
                a.swapAt(root, child); root = child
            }
        }
        guard n > 1 else { return }
        for start in stride(from: n / 2 - 1, through: 0, by: -1) { siftDown(start, n) }
        for end in stride(from: n - 1, to: 0, by: -1) { a.swapAt(0, end); siftDown(0, end) }
    }
}
