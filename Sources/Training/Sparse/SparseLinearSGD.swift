import CKernels
import LinearAlgebra

/// The learning rate of each update of `SparseLinearSGD`: one constant η, or η_t for the 0-based
/// update t (a closure; later it will come from the project's schedules).
///
/// Constant-rate momentum is lazy (O(nnz) per update); per-step rates with momentum fall back to
/// a dense O(features) update (see `SparseLinearSGD`).
public enum SparseLearningRate {
    /// The same rate η at every update.
    case constant(Double)
    /// η_t for the 0-based update t.
    case perStep((Int) -> Double)

    /// η_t, checked finite and ≥ 0 (a constant rate was checked once, by `SparseLinearSGD.init`).
    @inline(__always)
    func at(_ step: Int) -> Double {
        switch self {
        case .constant(let eta): return eta
        case .perStep(let f):
            let eta = f(step)
            precondition(eta.isFinite && eta >= 0, "sparse SGD: learning rate \(eta) at step \(step) is not a finite number ≥ 0")
            return eta
        }
    }

    var isConstant: Bool { if case .constant = self { true } else { false } }
}

/// Iterate averaging for `SparseLinearSGD`, the rule of `PolynomialAveraging`: from the kernel's
/// update `start` on (0-based), the τ-th averaged point enters with weight w_τ = (1 + γ)/(τ + γ)
/// (γ = 0: the running mean, scikit-learn's `average=a` is γ = 0, start = a − 1).
public struct SparseAveraging: Sendable, Equatable {
    /// γ of the weights (1 + γ)/(τ + γ) (0: the running mean).
    public var gamma: Double
    /// The first averaged update (0-based).
    public var start: Int
    /// Averaging with these settings (by default the mean of every iterate).
    public init(gamma: Double = 0, start: Int = 0) { self.gamma = gamma; self.start = start }
}

/// An invalid `SparseLinearSGD` setting.
public struct SparseLinearSGDError: Error, CustomStringConvertible, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Whether `SparseLinearSGD`'s epoch loop compares each column index with the feature count.
protocol SparseColumnCheck { static var enabled: Bool { get } }
/// Columns from raw CSR arrays: each is checked.
enum CheckedColumns: SparseColumnCheck { static var enabled: Bool { true } }
/// Columns of a `SparseMatrix`, checked when it was made.
enum TrustedColumns: SparseColumnCheck { static var enabled: Bool { false } }

/// Per-sample SGD of a one-output linear model ŷ = w·x + b on CSR rows, one update costing O(nnz
/// of the row), not O(features).
///
/// The update at step t (0-based) on row x with target y and rate η = η_t is Descent's `SGD`
/// (PyTorch's rule, dampening 0, no Nesterov) with coupled L2 weight decay λ on w only (never on b)
/// and batch size 1:
/// ```
/// ŷ = w·x + b,  ℓ, δ = ℓ(ŷ, y), ∂ℓ/∂ŷ        (the project's per-sample loss kernels, `SparseSampleLoss`)
/// g_j = δ·x_j + λ·w_j                        (every j: the decay touches coordinates the row does not)
/// g_b = c·δ                                  (c = `interceptDecay`, 1 except to mimic scikit-learn's sparse 0.01)
/// μ = 0:  w ← w − η·g,  b ← b − η·g_b
/// μ > 0:  m ← μ·m + g,  w ← w − η·m  (and likewise the bias with its own buffer)
/// ```
/// How each case is made sparse:
///
/// - **μ = 0** (any rate schedule): w = s·v (scikit-learn's `WeightVector`, Bottou's trick).
///   Per update s ← s·(1 − ηλ) and v_j ← v_j − ηδx_j/s for the row's j; v ← s·v, s ← 1 when s <
///   `renormalizationThreshold` (1e-9, larger with averaging). This is scikit-learn's `penalty='l2'` order (shrink, then add the gradient taken at the
///   old weights) and equals the coupled step (1 − ηλ)w − ηδx to rounding.
/// - **μ > 0, constant η** (lazy): between two touches coordinate j follows the linear recurrence
///   (w, m) ← M·(w, m), M = [[1 − ηλ, −ημ], [λ, μ]] (for λ = 0 the geometric decay of m). The kernel
///   keeps the step at which each coordinate was last brought up to date and, when a row touches
///   it, applies M^k for the k skipped steps from a table of powers built at initialisation
///   (`lazyTableLength` entries; longer gaps apply the table's largest power repeatedly), then the
///   update with the row's gradient. At the end of `epoch` and on `synchronize()` every coordinate
///   is caught up in place; the readers (`weights`, `copyWeights`) compute the caught-up values
///   without changing the state.
/// - **μ > 0, per-step η** (lazy in blocks): between touches coordinate j follows
///   (w, m) ← M(η_t)·(w, m). With P_k = M(η_{b+k−1})···M(η_b) the products since the block's first
///   update b (one 2×2 product per update, tabulated), a coordinate current at update a is brought
///   to c by P_c·P_a⁻¹ (det M = μ ≠ 0). P_a⁻¹ grows like μ^−(a−b), which multiplies the rounding, so
///   a block lasts K updates with μ^K ≥ ε^(1/8) (K = 42 for μ = 0.9 in Double, 18 in Float; at most
///   `lazyTableLength`), after which every coordinate is caught up (O(features) once per K updates:
///   amortised O(nnz + features/K) per update, not O(nnz)). Plain prefix sums of η_t·μ^t (λ = 0)
///   would cancel catastrophically in the same way, without the blocks. With
///   `lazyScheduledMomentum: false` (or when K < 2) the kernel takes the dense update of every
///   coordinate per step, O(features).
/// - **Averaging** (`SparseAveraging`, μ = 0 only): the running average is ā = (u + A·v)/B with
///   u a vector and A, B numbers (scikit-learn's `aw`, `average_a`, `average_b`): with weight w_τ,
///   B ← B/(1 − w_τ) (not on the first averaged update), u_j ← u_j − A·Δv_j on the row's j (A before
///   the update), then A ← A + w_τ·s·B. It is folded (u ← ā, A ← 0, B ← 1, O(features)) when s is
///   renormalised and when B exceeds 1e15; the intercept's average is updated densely (one number).
///
/// Rows are CSR: row i's entries are `columns[rowStarts[i]..<rowStarts[i+1]]` and the same range of
/// `values`, columns in 0..<features (checked, one comparison per entry). With μ > 0 the columns of one row must be distinct (canonical
/// CSR; not checked). Buffers are allocated at initialisation; an update allocates nothing.
///
/// Speed (μ = 0): the row's dot is summed in eight interleaved partial sums (`rowDot`), `epoch`
/// prefetches the weights of the row three updates ahead from inside the scatter loop, and v sits
/// on huge pages when large; the per-entry work is then one gather-multiply-add and one scatter-add,
/// with cache misses overlapped. Without momentum and averaging, `epoch` keeps s, b and the step
/// count in locals across rows, and the per-row factor −η/s is computed off the dot → δ chain.
/// `epoch(_:targets:order:losses:)` on a `SparseMatrix` skips the per-entry column check (the
/// matrix checked its columns when it was made).
public final class SparseLinearSGD<Scalar: BLASScalar> {
    /// d, the number of columns.
    public let features: Int
    /// The per-sample loss (one output).
    public let loss: Loss
    /// The rate of each update.
    public let learningRate: SparseLearningRate
    /// λ, the coupled L2 weight decay on w.
    public let weightDecay: Double
    /// μ, the momentum.
    public let momentum: Double
    /// Whether the model has the intercept b.
    public let fitIntercept: Bool
    /// c, the factor of the intercept's gradient.
    public let interceptDecay: Double
    /// Iterate averaging, nil for none.
    public let averaging: SparseAveraging?
    /// s below this renormalises w = s·v: scikit-learn's 1e-9 without averaging; with averaging
    /// ε^(1/8) of the training precision (0.011 for Double, 0.14 for Float). The average
    /// ā = (u + A·v)/B cancels terms of size ā·(mean s since the last fold)/s, so the error of ā
    /// grows like ε/threshold (measured: about 7ε/threshold); the larger threshold keeps it near 1e-13 (Double) and 1e-5
    /// (Float) relative, at the cost of an O(features) fold each time s falls by that factor.
    public let renormalizationThreshold: Double
    /// Completed updates.
    public private(set) var stepCount = 0

    enum Mode { case scaled, lazyMomentum, blockMomentum, denseMomentum }
    let mode: Mode
    let sampleLoss: SparseSampleLoss<Scalar>
    let decay: Scalar, mu: Scalar
    let decayOn: Bool

    /// v (scaled mode) or w (momentum modes).
    let v: UnsafeMutablePointer<Scalar>
    /// The scale s of w = s·v (1 in the momentum modes).
    var s: Double = 1
    /// b, the current intercept.
    public private(set) var intercept: Scalar = 0
    /// Momentum buffers (d; nil when μ = 0) and the intercept's buffer.
    let m: UnsafeMutablePointer<Scalar>?
    var interceptBuffer: Scalar = 0
    /// Lazy momentum: the update count at which each coordinate is current, and M^k, k = 0…K
    /// (constant rate) or the block's products P_k = M(η_{b+k−1})···M(η_b), k = 0…K (per-step rate,
    /// b = `blockStart`).
    let last: UnsafeMutablePointer<Int>?
    let powers: UnsafeMutablePointer<Double>?
    let tableLength: Int
    /// Per-step-rate lazy momentum: the block's first update and its largest length K.
    var blockStart = 0
    /// K, the longest block of per-step-rate lazy momentum.
    public let blockLength: Int
    /// Dense-momentum scratch gradient (d).
    let scratch: UnsafeMutablePointer<Scalar>?
    /// Averaging: u (d), A, B, the next average index τ, the intercept's average.
    let u: UnsafeMutablePointer<Scalar>?
    var averageA: Double = 0, averageB: Double = 1
    var tau = 1
    var averagedInterceptValue: Scalar = 0
    /// The first averaged update (`Int.max` without averaging).
    let averageStart: Int

    /// - Parameters:
    ///   - features: the number of columns d.
    ///   - loss: squared error, Huber, absolute error or binary logistic (one output).
    ///   - weightDecay: coupled L2 λ ≥ 0 on w (never on b).
    ///   - momentum: μ ≥ 0 (PyTorch's SGD, dampening 0).
    ///   - interceptDecay: the factor c of the intercept's gradient (1; scikit-learn uses 0.01 for sparse input).
    ///   - averaging: iterate averaging (μ = 0 only).
    ///   - lazyTableLength: the largest power of M tabulated for lazy momentum (and the longest block).
    ///   - lazyScheduledMomentum: per-step rates with momentum lazy in blocks (true) or dense (false).
    public init(features: Int, loss: Loss, learningRate: SparseLearningRate, weightDecay: Double = 0, momentum: Double = 0,
                fitIntercept: Bool = true, interceptDecay: Double = 1, averaging: SparseAveraging? = nil,
                lazyTableLength: Int = 4096, lazyScheduledMomentum: Bool = true) throws {
        guard features >= 0 else { throw SparseLinearSGDError("sparse SGD: negative feature count \(features)") }
        guard let sampleLoss = SparseSampleLoss<Scalar>(loss) else {
            throw SparseLinearSGDError("sparse SGD: \(loss) needs more than one output; the sparse kernel has one")
        }
        for (value, name) in [(weightDecay, "weight decay"), (momentum, "momentum"), (interceptDecay, "intercept decay")] {
            guard value.isFinite && value >= 0 else { throw SparseLinearSGDError("sparse SGD: \(name) must be finite and ≥ 0, got \(value)") }
        }
        if case .constant(let eta) = learningRate, !(eta.isFinite && eta >= 0) {
            throw SparseLinearSGDError("sparse SGD: learning rate must be finite and ≥ 0, got \(eta)")
        }
        if let a = averaging {
            guard a.gamma.isFinite && a.gamma >= 0, a.start >= 0 else {
                throw SparseLinearSGDError("sparse SGD: averaging needs γ ≥ 0 and start ≥ 0, got γ \(a.gamma), start \(a.start)")
            }
            guard momentum == 0 else { throw SparseLinearSGDError("sparse SGD: averaging is implemented without momentum only") }
        }
        guard lazyTableLength >= 1 else { throw SparseLinearSGDError("sparse SGD: lazyTableLength must be ≥ 1") }
        self.features = features; self.loss = loss; self.learningRate = learningRate
        self.weightDecay = weightDecay; self.momentum = momentum
        self.fitIntercept = fitIntercept; self.interceptDecay = interceptDecay; self.averaging = averaging
        self.averageStart = averaging?.start ?? Int.max
        self.sampleLoss = sampleLoss
        self.renormalizationThreshold = averaging == nil ? 1e-9 : Double.pow(Double(Scalar.ulpOfOne), 0.125)
        self.decay = Scalar(weightDecay); self.decayOn = Scalar(weightDecay) != 0
        self.mu = Scalar(momentum)
        // Per-step rate: blocks of K updates with μ^K ≥ ε^(1/8) (P_a⁻¹ has norm about μ^−a, which
        // multiplies the rounding of the catch-up P_c·P_a⁻¹), at most `lazyTableLength`.
        let threshold = Double.pow(Double(Scalar.ulpOfOne), 0.125), mom = Double(Scalar(momentum))
        let block = mom <= 0 ? 0 : (mom >= 1 ? lazyTableLength : min(lazyTableLength, Int((Double.log(threshold) / Double.log(mom)).rounded(.down))))
        self.mode = momentum == 0 ? .scaled
            : (learningRate.isConstant ? .lazyMomentum : (lazyScheduledMomentum && block >= 2 ? .blockMomentum : .denseMomentum))
        self.blockLength = mode == .blockMomentum ? block : 0
        func zeros<T: Numeric>(_ n: Int, _: T.Type) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: max(n, 1)); p.initialize(repeating: 0, count: max(n, 1)); return p
        }
        // v on huge pages when it is large (`AlignedAllocation`): rows read it at random columns,
        // and on 4 KiB pages most of those reads would also miss the TLB.
        guard let raw = AlignedAllocation.allocate(byteCount: max(features, 1) * MemoryLayout<Scalar>.stride) else {
            throw SparseLinearSGDError("sparse SGD: cannot allocate \(features) weights")
        }
        v = raw.bindMemory(to: Scalar.self, capacity: max(features, 1))
        v.initialize(repeating: 0, count: max(features, 1))
        m = momentum > 0 ? zeros(features, Scalar.self) : nil
        scratch = mode == .denseMomentum ? zeros(features, Scalar.self) : nil
        u = averaging != nil ? zeros(features, Scalar.self) : nil
        if mode == .lazyMomentum, case .constant(let eta) = learningRate {
            last = zeros(features, Int.self)
            tableLength = lazyTableLength
            let t = zeros(4 * (lazyTableLength + 1), Double.self)
            // M = [[1 − ηλ, −ημ], [λ, μ]] in Double with the training precision's λ and μ; M⁰ = I.
            let (lam, mom) = (Double(Scalar(weightDecay)), Double(Scalar(momentum)))
            let (a, b, c, d) = (1 - eta * lam, -eta * mom, lam, mom)
            t[0] = 1; t[1] = 0; t[2] = 0; t[3] = 1
            for k in 1...lazyTableLength {
                let p = t + 4 * (k - 1), q = t + 4 * k
                q[0] = a * p[0] + b * p[2]; q[1] = a * p[1] + b * p[3]
                q[2] = c * p[0] + d * p[2]; q[3] = c * p[1] + d * p[3]
            }
            powers = t
        } else if mode == .blockMomentum {
            last = zeros(features, Int.self)
            tableLength = block
            let t = zeros(4 * (block + 1), Double.self)
            t[0] = 1; t[3] = 1
            powers = t
        } else {
            last = nil; powers = nil; tableLength = 0
        }
    }

    deinit {
        AlignedAllocation.deallocate(UnsafeMutableRawPointer(v)); m?.deallocate(); scratch?.deallocate(); u?.deallocate(); last?.deallocate(); powers?.deallocate()
    }

    // MARK: Updates

    /// One update on the row with entries `columns`/`values` (the row's slices of the CSR arrays)
    /// and target y; returns ℓ at the weights before the update (what the Trainer reports as the
    /// step's loss). O(nnz) except in the dense-momentum fallback.
    @_specialize(where Scalar == Float, Column == Int32)
    @_specialize(where Scalar == Double, Column == Int32)
    @_specialize(where Scalar == Float, Column == Int)
    @_specialize(where Scalar == Double, Column == Int)
    public func step<Column: FixedWidthInteger>(columns: UnsafeBufferPointer<Column>, values: UnsafeBufferPointer<Scalar>,
                                                target: Scalar) -> Double {
        precondition(columns.count == values.count, "sparse SGD: \(columns.count) columns but \(values.count) values")
        let c = Self.base(columns)
        return update(c, Self.base(values), columns.count, target, ahead: c, 0)
    }

    /// One update on row `row` of the CSR arrays.
    @_specialize(where Scalar == Float, Column == Int32)
    @_specialize(where Scalar == Double, Column == Int32)
    @_specialize(where Scalar == Float, Column == Int)
    @_specialize(where Scalar == Double, Column == Int)
    public func step<Column: FixedWidthInteger>(rowStarts: UnsafeBufferPointer<Int>, columns: UnsafeBufferPointer<Column>,
                                                values: UnsafeBufferPointer<Scalar>, row: Int, target: Scalar) -> Double {
        precondition(row >= 0 && row + 1 < rowStarts.count, "sparse SGD: row \(row) of \(rowStarts.count - 1)")
        let (lo, hi) = (rowStarts[row], rowStarts[row + 1])
        precondition(0 <= lo && lo <= hi && hi <= columns.count && columns.count == values.count, "sparse SGD: bad CSR row \(row)")
        let c = Self.base(columns)
        return update(c + lo, Self.base(values) + lo, hi - lo, target, ahead: c, 0)
    }

    /// One pass over the rows in `order` (file order when nil): Σ/n of the per-step losses (each at
    /// the weights before its update), written one per step into `losses` when given. Without
    /// `losses`, the scaled form (μ = 0, no averaging) sums the logistic loss's log1p terms as the
    /// logarithm of their product (`SparseLossSum`), equal to rounding. Every coordinate is caught
    /// up at the end (lazy momentum).
    @_specialize(where Scalar == Float, Column == Int32)
    @_specialize(where Scalar == Double, Column == Int32)
    @_specialize(where Scalar == Float, Column == Int)
    @_specialize(where Scalar == Double, Column == Int)
    @discardableResult
    public func epoch<Column: FixedWidthInteger>(rowStarts: UnsafeBufferPointer<Int>, columns: UnsafeBufferPointer<Column>,
                                                 values: UnsafeBufferPointer<Scalar>, targets: UnsafeBufferPointer<Scalar>,
                                                 order: UnsafeBufferPointer<Int>? = nil,
                                                 losses: UnsafeMutableBufferPointer<Double>? = nil) -> Double {
        // No `??`, `Optional.map` or `== nil` here: unoptimised, their closures allocated (twice per epoch).
        let rows = rowStarts.count - 1
        precondition(rows >= 0 && targets.count == rows, "sparse SGD: \(targets.count) targets for \(rows) rows")
        precondition(columns.count == values.count && (rows < 0 || rowStarts[rows] <= columns.count), "sparse SGD: bad CSR arrays")
        return run(rowStarts: rowStarts, columns: columns, values: values, targets: targets, order: order, losses: losses,
                   check: CheckedColumns.self)
    }

    /// One pass over the rows of `x` in `order` (file order when nil), as
    /// `epoch(rowStarts:columns:values:targets:order:losses:)`. A `SparseMatrix` has checked its
    /// column indices when it was made, so the updates do not check them again (a little faster).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @discardableResult
    public func epoch(_ x: SparseMatrix<Scalar>, targets: [Scalar], order: [Int]? = nil,
                      losses: UnsafeMutableBufferPointer<Double>? = nil) -> Double {
        precondition(x.cols == features, "sparse SGD: a \(x.shape) matrix for \(features) features")
        precondition(targets.count == x.rows, "sparse SGD: \(targets.count) targets for \(x.rows) rows")
        return x.rowStarts.withUnsafeBufferPointer { r in
            x.columnIndices.withUnsafeBufferPointer { c in
                x.values.withUnsafeBufferPointer { v in
                    targets.withUnsafeBufferPointer { y in
                        if let order {
                            return order.withUnsafeBufferPointer { o in
                                run(rowStarts: r, columns: c, values: v, targets: y, order: o, losses: losses, check: TrustedColumns.self)
                            }
                        }
                        return run(rowStarts: r, columns: c, values: v, targets: y, order: nil, losses: losses, check: TrustedColumns.self)
                    }
                }
            }
        }
    }

    /// The loop of both `epoch`s; `Check` says whether each column is compared with `features` (a
    /// type, so that each choice is its own specialised loop with the test folded away).
    /// Without momentum and averaging, the scale s, the intercept and the step count are held in
    /// locals across the rows (written back at the end and before a renormalisation), instead of
    /// being read from and written to the object on every update.
    @inline(__always)
    func run<Column: FixedWidthInteger, Check: SparseColumnCheck>(
        rowStarts: UnsafeBufferPointer<Int>, columns: UnsafeBufferPointer<Column>, values: UnsafeBufferPointer<Scalar>,
        targets: UnsafeBufferPointer<Scalar>, order: UnsafeBufferPointer<Int>?, losses: UnsafeMutableBufferPointer<Double>?,
        check: Check.Type
    ) -> Double {
        let checked = Check.enabled
        if let losses {
            var count = rowStarts.count - 1
            if let order { count = order.count }
            precondition(losses.count >= count, "sparse SGD: the loss buffer holds fewer than \(count) steps")
        }
        var sum = SparseLossSum<Scalar>()
        if mode == .scaled && averaging == nil {
            var (s, b, t) = (self.s, intercept, stepCount)
            let count = forEachRow(rowStarts: rowStarts, columns: columns, targets: targets, order: order) {
                i, cols, n, lo, target, ahead, aheadCount in
                let (prediction, partial, known) = scaledUpdate(cols + lo, Self.base(values) + lo, n, target, learningRate.at(t),
                                                                s: &s, b: &b, averagingNow: false, ahead: ahead, aheadCount,
                                                                checked: checked)
                if let losses {
                    let value = sampleLoss.value(prediction: prediction, target: target, partial: partial, value: known)
                    losses[i] = value
                    sum.add(value)
                } else {
                    sum.add(sampleLoss, prediction: prediction, target: target, partial: partial, value: known)
                }
                t &+= 1
                if s < renormalizationThreshold { self.s = s; renormalize(); s = 1 }
            }
            self.s = s; intercept = b; stepCount = t
            return count > 0 ? sum.total / Double(count) : 0
        }
        let count = forEachRow(rowStarts: rowStarts, columns: columns, targets: targets, order: order) {
            i, cols, n, lo, target, ahead, aheadCount in
            let value = update(cols + lo, Self.base(values) + lo, n, target, ahead: ahead, aheadCount, checked: checked)
            if let losses { losses[i] = value }
            sum.add(value)
        }
        catchUpAll()
        return count > 0 ? sum.total / Double(count) : 0
    }

    /// Calls `body(i, columns, n, lo, target, ahead, aheadCount)` for the i-th update of the pass,
    /// one per row in `order` (file order when nil), with the row's n entries at offset lo of the
    /// CSR arrays and the columns of the row `prefetchDistance` updates ahead (none near the end);
    /// returns the number of updates (0 when there are no rows).
    @inline(__always)
    func forEachRow<Column: FixedWidthInteger>(rowStarts: UnsafeBufferPointer<Int>, columns: UnsafeBufferPointer<Column>,
                                               targets: UnsafeBufferPointer<Scalar>, order: UnsafeBufferPointer<Int>?,
                                               _ body: (Int, UnsafePointer<Column>, Int, Int, Scalar, UnsafePointer<Column>, Int) -> Void) -> Int {
        let rows = rowStarts.count - 1
        guard rows > 0 else { return 0 }
        var count = rows
        if let order { count = order.count }
        let cols = Self.base(columns)
        for i in 0..<count {
            var r = i
            if let order { r = order[i] }
            precondition(UInt(bitPattern: r) < UInt(rows), "sparse SGD: row \(r) of \(rows) in the order")
            // The weights of the row `prefetchDistance` updates ahead are asked for during this
            // update, so that their cache misses overlap this update's work instead of stalling
            // that one's dot.
            var (ahead, aheadCount) = (cols, 0)
            if i + Self.prefetchDistance < count {
                var q = i + Self.prefetchDistance
                if let order { q = order[q] }
                if UInt(bitPattern: q) < UInt(rows) { (ahead, aheadCount) = (cols + rowStarts[q], rowStarts[q + 1] - rowStarts[q]) }
            }
            let lo = rowStarts[r]
            body(i, cols, rowStarts[r + 1] - lo, lo, targets[r], ahead, aheadCount)
        }
        return count
    }

    /// How many rows ahead `epoch` prefetches the weights a row will read (measured on the sparse
    /// benchmark's data: 2 and 3 rows of 50 entries beat 1; 3 with the prefetches in the scatter loop).
    static var prefetchDistance: Int { 3 }

    /// Prefetches w_j (and, with momentum, m_j) for the row's columns (hints only: a column
    /// outside 0..<features is clamped, and a bad one is reported by the update itself).
    @inline(__always)
    func prefetchRow<Column: FixedWidthInteger>(_ cols: UnsafePointer<Column>, _ n: Int, checked: Bool = true) {
        let bound = UInt(features)
        for k in 0..<n {
            let j = Int(truncatingIfNeeded: cols[k])
            let safe = !checked || UInt(bitPattern: j) < bound ? j : 0
            descent_prefetch(v + safe)
            if let m { descent_prefetch(m + safe) }
        }
    }

    /// Σ_k v[cols[k]]·vals[k] in eight interleaved partial sums s₀…s₇ (entry k into s_(k mod 8) in
    /// whole blocks of 8, then a block of 4 and the last entries into s₀…s₃ and s₀; then
    /// ((s₀ + s₄) + (s₁ + s₅)) + ((s₂ + s₆) + (s₃ + s₇))): eight independent chains of additions
    /// instead of one, so the dot of a 50-entry row is about 11 addition latencies long (8 on s₀,
    /// then 3 to combine), not 50; the row's δ, and so its update, waits on it. Checks every
    /// column against `features` when `checked`.
    @inline(__always)
    func rowDot<Column: FixedWidthInteger>(_ cols: UnsafePointer<Column>, _ vals: UnsafePointer<Scalar>, _ n: Int,
                                           checked: Bool) -> Scalar {
        let bound = UInt(features)
        func widest(_ a: Int, _ b: Int, _ c: Int, _ d: Int) -> UInt {
            max(max(UInt(bitPattern: a), UInt(bitPattern: b)), max(UInt(bitPattern: c), UInt(bitPattern: d)))
        }
        var (s0, s1, s2, s3): (Scalar, Scalar, Scalar, Scalar) = (0, 0, 0, 0)
        var (s4, s5, s6, s7): (Scalar, Scalar, Scalar, Scalar) = (0, 0, 0, 0)
        var k = 0
        while k &+ 8 <= n {
            let (j0, j1, j2, j3) = (Int(cols[k]), Int(cols[k &+ 1]), Int(cols[k &+ 2]), Int(cols[k &+ 3]))
            let (j4, j5, j6, j7) = (Int(cols[k &+ 4]), Int(cols[k &+ 5]), Int(cols[k &+ 6]), Int(cols[k &+ 7]))
            if checked {
                precondition(max(widest(j0, j1, j2, j3), widest(j4, j5, j6, j7)) < bound,
                             "sparse SGD: a column index is outside 0..<features")
            }
            s0 += v[j0] * vals[k]; s1 += v[j1] * vals[k &+ 1]
            s2 += v[j2] * vals[k &+ 2]; s3 += v[j3] * vals[k &+ 3]
            s4 += v[j4] * vals[k &+ 4]; s5 += v[j5] * vals[k &+ 5]
            s6 += v[j6] * vals[k &+ 6]; s7 += v[j7] * vals[k &+ 7]
            k &+= 8
        }
        if k &+ 4 <= n {
            let (j0, j1, j2, j3) = (Int(cols[k]), Int(cols[k &+ 1]), Int(cols[k &+ 2]), Int(cols[k &+ 3]))
            if checked { precondition(widest(j0, j1, j2, j3) < bound, "sparse SGD: a column index is outside 0..<features") }
            s0 += v[j0] * vals[k]; s1 += v[j1] * vals[k &+ 1]
            s2 += v[j2] * vals[k &+ 2]; s3 += v[j3] * vals[k &+ 3]
            k &+= 4
        }
        while k < n {
            let j = Int(cols[k])
            if checked { precondition(UInt(bitPattern: j) < bound, "sparse SGD: a column index is outside 0..<features") }
            s0 += v[j] * vals[k]
            k &+= 1
        }
        return ((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7))
    }

    /// v[cols[k]] += c·vals[k] for the row, with the prefetches of the row ahead (`prefetchRow`)
    /// in the same loop: one loop of both instead of two, whose loads and hints then overlap
    /// (measured on the sparse benchmark's data: about a fifth off the epoch against a separate
    /// prefetch loop).
    @inline(__always)
    func scatterPrefetching<Column: FixedWidthInteger>(_ cols: UnsafePointer<Column>, _ vals: UnsafePointer<Scalar>, _ n: Int,
                                                       _ c: Scalar, ahead: UnsafePointer<Column>, _ aheadCount: Int,
                                                       checked: Bool) {
        let bound = UInt(features), both = Swift.min(n, aheadCount)
        var k = 0
        while k < both {
            v[Int(cols[k])] += c * vals[k]
            let j = Int(truncatingIfNeeded: ahead[k])
            descent_prefetch(v + (!checked || UInt(bitPattern: j) < bound ? j : 0))
            k &+= 1
        }
        while k < n { v[Int(cols[k])] += c * vals[k]; k &+= 1 }
        if k < aheadCount { prefetchRow(ahead + k, aheadCount - k, checked: checked) }
    }

    /// The buffer's start, or a dummy aligned pointer for an empty buffer (never dereferenced).
    @inline(__always)
    static func base<T>(_ b: UnsafeBufferPointer<T>) -> UnsafePointer<T> {
        b.baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<T>.alignment)!
    }

    @inline(__always)
    func update<Column: FixedWidthInteger>(_ cols: UnsafePointer<Column>, _ vals: UnsafePointer<Scalar>, _ n: Int,
                                           _ target: Scalar, ahead: UnsafePointer<Column>, _ aheadCount: Int,
                                           checked: Bool = true) -> Double {
        let eta = learningRate.at(stepCount)
        switch mode {
        case .scaled:
            var (s, b) = (self.s, intercept)
            let (prediction, partial, known) = scaledUpdate(cols, vals, n, target, eta, s: &s, b: &b,
                                                            averagingNow: stepCount >= averageStart,
                                                            ahead: ahead, aheadCount, checked: checked)
            self.s = s; intercept = b
            let value = sampleLoss.value(prediction: prediction, target: target, partial: partial, value: known)
            if stepCount >= averageStart { updateAverages() }
            stepCount += 1
            if s < renormalizationThreshold { renormalize() } else if averageB > 1e15 { foldAverage() }
            return value
        case .lazyMomentum, .blockMomentum:
            prefetchRow(ahead, aheadCount)
            return lazyMomentumUpdate(cols, vals, n, target, eta)
        case .denseMomentum: return denseMomentumUpdate(cols, vals, n, target, eta)
        }
    }

    /// The intercept's step: b ← b − η·c·δ (μ = 0) or m_b ← μm_b + c·δ, b ← b − η·m_b.
    @inline(__always)
    func updateIntercept(_ delta: Scalar, _ step: Scalar, _ b: inout Scalar) {
        guard fitIntercept else { return }
        let g = interceptDecay == 1 ? delta : Scalar(interceptDecay) * delta
        if m != nil {
            interceptBuffer = mu * interceptBuffer + g
            b += step * interceptBuffer
        } else {
            b += step * g
        }
    }

    /// μ = 0: w = s·v, one update with the scale s and the intercept b passed in and out (the
    /// caller keeps them, the step count and the averages); returns what ℓ is finished from
    /// (`SparseSampleLoss.value` or `SparseLossSum.add`). The new scale s·(1 − ηλ) and −η/s
    /// depend on s only, so they are computed while the dot's loads are in flight, and the step
    /// factor c = δ·(−η/s) is one multiplication after δ, not a division.
    @inline(__always)
    func scaledUpdate<Column: FixedWidthInteger>(_ cols: UnsafePointer<Column>, _ vals: UnsafePointer<Scalar>, _ n: Int,
                                                 _ target: Scalar, _ eta: Double, s: inout Double, b: inout Scalar,
                                                 averagingNow: Bool,
                                                 ahead: UnsafePointer<Column>, _ aheadCount: Int,
                                                 checked: Bool) -> (prediction: Scalar, partial: Scalar, value: Double) {
        let scale = Scalar(s)
        if decayOn { s *= 1 - eta * Double(decay) }
        let factor = -eta / s
        let dot = rowDot(cols, vals, n, checked: checked)
        let prediction = scale * dot + b
        let (delta, partial, known) = sampleLoss.derivative(prediction: prediction, target: target)
        if delta != 0 && n > 0 {
            let c = Scalar(Double(delta) * factor)
            if averagingNow, let u {
                prefetchRow(ahead, aheadCount, checked: checked)
                let a = Scalar(averageA)
                for k in 0..<n {
                    let j = Int(cols[k]), change = c * vals[k]
                    v[j] += change
                    u[j] -= a * change
                }
            } else {
                scatterPrefetching(cols, vals, n, c, ahead: ahead, aheadCount, checked: checked)
            }
        } else {
            prefetchRow(ahead, aheadCount, checked: checked)
        }
        updateIntercept(delta, Scalar(-eta), &b)
        // ℓ is finished by the caller, after the scatter: it is not on the path to the next row's
        // dot (see `derivative`).
        return (prediction, partial, known)
    }

    /// The averages' numbers after an averaged update (`SparseAveraging`'s weight w_τ): B ← B/(1 − w_τ)
    /// (not on the first), A ← A + w_τ·s·B, the intercept's average, τ ← τ + 1.
    func updateAverages() {
        guard let a = averaging else { return }
        let w = (1 + a.gamma) / (Double(tau) + a.gamma)
        if tau > 1 { averageB /= 1 - w }
        averageA += w * s * averageB
        averagedInterceptValue = Scalar(1 - w) * averagedInterceptValue + Scalar(w) * intercept
        tau += 1
    }

    /// u ← ā = (u + A·v)/B, A ← 0, B ← 1 (O(features)).
    func foldAverage() {
        guard let u else { return }
        let (a, b) = (averageA, averageB)
        for j in 0..<features { u[j] = Scalar((Double(u[j]) + a * Double(v[j])) / b) }
        averageA = 0; averageB = 1
    }

    /// v ← s·v, s ← 1 (the average folded first).
    func renormalize() {
        foldAverage()
        let sc = Scalar(s)
        for j in 0..<features { v[j] *= sc }
        s = 1
    }

    /// (w_j, m_j) of a coordinate current at update `from`, brought to update `to`: M^k for the
    /// k = to − from skipped updates (constant rate; the table's largest power repeatedly for long
    /// gaps), or P_to·P_from⁻¹ from the block's products (per-step rate; both in the current block).
    @inline(__always)
    func advanced(_ w: Double, _ b: Double, from a: Int, to t: Int) -> (Double, Double) {
        guard let powers, t > a else { return (w, b) }
        if mode == .blockMomentum {
            let p = powers + 4 * (a - blockStart), q = powers + 4 * (t - blockStart)
            let det = p[0] * p[3] - p[1] * p[2]
            let (i0, i1, i2, i3) = (p[3] / det, -p[1] / det, -p[2] / det, p[0] / det)
            let (x, y) = (i0 * w + i1 * b, i2 * w + i3 * b)
            return (q[0] * x + q[1] * y, q[2] * x + q[3] * y)
        }
        var (w, b, gap) = (w, b, t - a)
        while gap > 0 {
            let k = min(gap, tableLength)
            let p = powers + 4 * k
            (w, b) = (p[0] * w + p[1] * b, p[2] * w + p[3] * b)
            gap -= k
        }
        return (w, b)
    }

    /// Brings coordinate j from its last update to update t.
    @inline(__always)
    func catchUp(_ j: Int, to t: Int) {
        guard let last, let m else { return }
        if last[j] == t { return }
        let (w, b) = advanced(Double(v[j]), Double(m[j]), from: last[j], to: t)
        v[j] = Scalar(w); m[j] = Scalar(b); last[j] = t
    }

    /// μ > 0, constant η: catch the row's coordinates up, then the update on them only.
    @inline(__always)
    func lazyMomentumUpdate<Column: FixedWidthInteger>(_ cols: UnsafePointer<Column>, _ vals: UnsafePointer<Scalar>, _ n: Int,
                                                       _ target: Scalar, _ eta: Double) -> Double {
        if mode == .blockMomentum && stepCount - blockStart == blockLength { catchUpAll() }   // a new block
        let t = stepCount
        var dot: Scalar = 0
        for k in 0..<n {
            let j = Int(cols[k])
            precondition(UInt(bitPattern: j) < UInt(features), "sparse SGD: a column index is outside 0..<features")
            catchUp(j, to: t)
            dot += v[j] * vals[k]
        }
        let (value, delta) = sampleLoss.valueAndDerivative(prediction: dot + intercept, target: target)
        let step = Scalar(-eta), (lam, mom) = (decay, mu)
        if let m, let last {
            for k in 0..<n {
                let j = Int(cols[k])
                var g = delta * vals[k]
                if decayOn { g += lam * v[j] }
                let bj = mom * m[j] + g
                m[j] = bj
                v[j] += step * bj
                last[j] = t + 1
            }
        }
        updateIntercept(delta, step, &intercept)
        if mode == .blockMomentum, let powers {
            // P_{k+1} = M(η_t)·P_k, M(η) = [[1 − ηλ, −ημ], [λ, μ]].
            let (lam, mo) = (Double(decay), Double(mu))
            let (a, b, c, d) = (1 - eta * lam, -eta * mo, lam, mo)
            let p = powers + 4 * (t - blockStart), q = p + 4
            q[0] = a * p[0] + b * p[2]; q[1] = a * p[1] + b * p[3]
            q[2] = c * p[0] + d * p[2]; q[3] = c * p[1] + d * p[3]
        }
        stepCount += 1
        return value
    }

    /// μ > 0, per-step η without `lazyScheduledMomentum` (or μ so small that blocks would be 1
    /// update long): the dense update of every coordinate (O(features)).
    func denseMomentumUpdate<Column: FixedWidthInteger>(_ cols: UnsafePointer<Column>, _ vals: UnsafePointer<Scalar>, _ n: Int,
                                                        _ target: Scalar, _ eta: Double) -> Double {
        var dot: Scalar = 0
        for k in 0..<n {
            let j = Int(cols[k])
            precondition(UInt(bitPattern: j) < UInt(features), "sparse SGD: a column index is outside 0..<features")
            dot += v[j] * vals[k]
        }
        let (value, delta) = sampleLoss.valueAndDerivative(prediction: dot + intercept, target: target)
        let step = Scalar(-eta), (lam, mom) = (decay, mu)
        if let g = scratch, let m {
            g.update(repeating: 0, count: features)
            for k in 0..<n { g[Int(cols[k])] += delta * vals[k] }
            if decayOn {
                for j in 0..<features { let gj = g[j] + lam * v[j]; let bj = mom * m[j] + gj; m[j] = bj; v[j] += step * bj }
            } else {
                for j in 0..<features { let bj = mom * m[j] + g[j]; m[j] = bj; v[j] += step * bj }
            }
        }
        updateIntercept(delta, step, &intercept)
        stepCount += 1
        return value
    }

    /// Lazy momentum: every coordinate up to the current step.
    func catchUpAll() {
        guard mode == .lazyMomentum || mode == .blockMomentum else { return }
        for j in 0..<features { catchUp(j, to: stepCount) }
        if mode == .blockMomentum, let powers {
            blockStart = stepCount
            powers[0] = 1; powers[1] = 0; powers[2] = 0; powers[3] = 1
        }
    }

    /// Brings the stored state to its plain form: lazy momentum catches every coordinate up; the
    /// scaled form folds s into v (w = v, s = 1) and the average into u. O(features). Optional:
    /// the readers below compute the same numbers without it.
    public func synchronize() {
        catchUpAll()
        if mode == .scaled { renormalize() }
    }

    // MARK: Reading

    /// w_j now (caught up, scale applied), without changing the state.
    @inline(__always)
    func weight(_ j: Int) -> Scalar {
        switch mode {
        case .scaled: return s == 1 ? v[j] : Scalar(s) * v[j]
        case .denseMomentum: return v[j]
        case .lazyMomentum, .blockMomentum:
            guard let last, let m else { return v[j] }
            return Scalar(advanced(Double(v[j]), Double(m[j]), from: last[j], to: stepCount).0)
        }
    }

    /// The current weights w (d), written into `destination`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func copyWeights(into destination: UnsafeMutableBufferPointer<Scalar>) {
        precondition(destination.count == features, "sparse SGD: \(destination.count) slots for \(features) weights")
        for j in 0..<features { destination[j] = weight(j) }
    }

    /// ā_j = (u_j + A·v_j)/B for every j, written into `destination` (d slots).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func copyAveragedWeights(into destination: UnsafeMutableBufferPointer<Scalar>) {
        guard let u else { return copyWeights(into: destination) }
        for j in 0..<features { destination[j] = Scalar((Double(u[j]) + averageA * Double(v[j])) / averageB) }
    }

    /// A d-element array filled by `fill` (specialised, so reading a million weights is one pass of
    /// arithmetic rather than a generic call per element).
    func array(_ fill: (UnsafeMutableBufferPointer<Scalar>) -> Void) -> [Scalar] {
        [Scalar](unsafeUninitializedCapacity: features) { buffer, count in
            fill(UnsafeMutableBufferPointer(rebasing: buffer[0..<features]))
            count = features
        }
    }

    /// The current weights w.
    public var weights: [Scalar] { array { copyWeights(into: $0) } }

    /// Whether an averaged update has happened (before it, the averages are the current weights).
    public var hasAverage: Bool { averaging != nil && tau > 1 }

    /// The averaged weights ā = (u + A·v)/B (the current weights before the first averaged update or without averaging).
    public var averagedWeights: [Scalar] {
        guard hasAverage else { return weights }
        return array { copyAveragedWeights(into: $0) }
    }

    /// The averaged intercept (the current intercept before the first averaged update or without averaging).
    public var averagedIntercept: Scalar { hasAverage ? averagedInterceptValue : intercept }
}
