import Foundation
import Testing
import Descent
import _TestSupport

/// `SparseLinearSGD` (per-sample SGD of a one-output linear model on CSR rows) against
/// (a) an independent dense loop over the same rows written here, (b) Descent's dense `Trainer`
/// with `SGD` (batch 1, shuffle none; `PolynomialAveraging` for averaging), and (c) scikit-learn's
/// `SGDRegressor` on a scipy CSR matrix (`SparseSGDSklearnFixtures`).
struct SparseLinearSGDTests {
    /// A random CSR matrix: density ~8%, rows 3, 11 and 27 empty, columns 2, 9 and 17 never touched.
    struct Data {
        let rows: Int, features: Int
        let rowStarts: [Int], columns: [Int32], values: [Double]
        let regressionTargets: [Double], labels: [Double]

        init(rows: Int = 40, features: Int = 30, density: Double = 0.08, seed: UInt64 = 7) {
            var g = SeededGenerator(seed: seed)
            var starts = [0], cols: [Int32] = [], vals: [Double] = []
            let empty: Set<Int> = [3, 11, 27], untouched: Set<Int> = [2, 9, 17]
            for i in 0..<rows {
                if !empty.contains(i) {
                    for j in 0..<features where !untouched.contains(j) && Double.random(in: 0..<1, using: &g) < density {
                        cols.append(Int32(j)); vals.append(Double.random(in: -2...2, using: &g))
                    }
                }
                starts.append(cols.count)
            }
            self.rows = rows; self.features = features
            rowStarts = starts; columns = cols; values = vals
            regressionTargets = (0..<rows).map { _ in Double.random(in: -3...3, using: &g) }
            labels = (0..<rows).map { _ in Double.random(in: 0..<1, using: &g) < 0.5 ? 0 : 1 }
        }

        func dense<T: BLASScalar>(_: T.Type) -> [[T]] {
            (0..<rows).map { i in
                var row = [T](repeating: 0, count: features)
                for k in rowStarts[i]..<rowStarts[i + 1] { row[Int(columns[k])] = T(values[k]) }
                return row
            }
        }
        func targets(_ loss: Loss) -> [Double] { loss == .binaryLogistic ? labels : regressionTargets }
    }

    struct Setting: CustomStringConvertible {
        var loss: Loss = .squaredError
        var lambda = 0.0, momentum = 0.0
        var eta = 0.05, invscaling: Double? = nil      // η_t = η/(t+1)^p when set
        var averaging: SparseAveraging? = nil
        var epochs = 3
        var lazyScheduled = true
        var description: String {
            "\(loss) λ=\(lambda) μ=\(momentum) η=\(eta)\(invscaling.map { " invscaling \($0)" } ?? "")\(lazyScheduled ? "" : " dense")\(averaging.map { " average γ=\($0.gamma) from \($0.start)" } ?? "")"
        }
        func rate(_ t: Int) -> Double { invscaling.map { eta / pow(Double(t + 1), $0) } ?? eta }
        var sparseRate: SparseLearningRate { invscaling == nil ? .constant(eta) : .perStep { rate($0) } }
    }

    struct Run<T: BLASScalar> { var weights: [T]; var intercept: T; var losses: [Double] }

    // MARK: (a) the dense loop written here

    /// The equation, every coordinate every step: ŷ = w·x + b, δ = ℓ′(ŷ), g = δx + λw (b: δ),
    /// m ← μm + g, w ← w − ηm (μ = 0: w ← w − ηg), then the polynomial average.
    func reference<T: BLASScalar>(_ data: Data, _ c: Setting, _: T.Type) -> Run<T> {
        let x = data.dense(T.self), y = data.targets(c.loss).map { T($0) }
        let d = data.features
        var w = [T](repeating: 0, count: d), b: T = 0, m = w, mb: T = 0
        var avg = w, avgB: T = 0, tau = 1
        var losses: [Double] = [], t = 0
        let (lam, mu) = (T(c.lambda), T(c.momentum))
        for _ in 0..<c.epochs {
            for i in 0..<data.rows {
                var p: T = b
                for j in 0..<d { p += w[j] * x[i][j] }
                let r = p - y[i]
                let delta: T, value: Double
                switch c.loss {
                case .squaredError: delta = r; value = Double(r * r) / 2
                case .huber(let h):
                    let hd = T(h); delta = min(max(r, -hd), hd)
                    value = abs(r) <= hd ? Double(r * r) / 2 : Double(hd * (abs(r) - hd / 2))
                case .absoluteError: delta = r > 0 ? 1 : (r < 0 ? -1 : 0); value = Double(abs(r))
                default:
                    let pd = Double(p); delta = T(1 / (1 + exp(-pd))) - y[i]
                    value = max(pd, 0) - Double(y[i]) * pd + log1p(exp(-abs(pd)))
                }
                losses.append(value)
                let eta = T(c.rate(t))
                for j in 0..<d {
                    let g = delta * x[i][j] + lam * w[j]
                    if c.momentum > 0 { m[j] = mu * m[j] + g; w[j] -= eta * m[j] } else { w[j] -= eta * g }
                }
                if c.momentum > 0 { mb = mu * mb + delta; b -= eta * mb } else { b -= eta * delta }
                t += 1
                if let a = c.averaging, t > a.start {
                    let wt = (1 + a.gamma) / (Double(tau) + a.gamma)
                    for j in 0..<d { avg[j] = T(1 - wt) * avg[j] + T(wt) * w[j] }
                    avgB = T(1 - wt) * avgB + T(wt) * b
                    tau += 1
                }
            }
        }
        if c.averaging != nil && tau > 1 { return Run(weights: avg, intercept: avgB, losses: losses) }
        return Run(weights: w, intercept: b, losses: losses)
    }

    // MARK: The sparse kernel

    func sparse<T: BLASScalar>(_ data: Data, _ c: Setting, _: T.Type, interceptDecay: Double = 1) throws -> Run<T> {
        let sgd = try SparseLinearSGD<T>(features: data.features, loss: c.loss, learningRate: c.sparseRate, weightDecay: c.lambda,
                                         momentum: c.momentum, interceptDecay: interceptDecay, averaging: c.averaging,
                                         lazyScheduledMomentum: c.lazyScheduled)
        let values = data.values.map { T($0) }, targets = data.targets(c.loss).map { T($0) }
        var losses = [Double](repeating: .nan, count: data.rows * c.epochs)
        for e in 0..<c.epochs {
            data.rowStarts.withUnsafeBufferPointer { rs in
                data.columns.withUnsafeBufferPointer { cols in
                    values.withUnsafeBufferPointer { vals in
                        targets.withUnsafeBufferPointer { ys in
                            losses.withUnsafeMutableBufferPointer { ls in
                                _ = sgd.epoch(rowStarts: rs, columns: cols, values: vals, targets: ys,
                                              losses: UnsafeMutableBufferPointer(rebasing: ls[(e * data.rows)...]))
                            }
                        }
                    }
                }
            }
        }
        return Run(weights: sgd.averagedWeights, intercept: sgd.averagedIntercept, losses: losses)
    }

    // MARK: (b) Descent's Trainer

    func trainer<T: BLASScalar>(_ data: Data, _ c: Setting, _: T.Type) throws -> Run<T> {
        let dataset = try Dataset(x: Matrix(data.dense(T.self)), y: Matrix(data.targets(c.loss).map { [T($0)] }))
        let objective = try SupervisedObjective(dataset: dataset, model: LinearModel<T>(inputs: data.features, outputs: 1),
                                                loss: c.loss, maximumBatchSize: 1)
        let sgd = try SGD<T>(parameterCount: objective.parameterCount, groups: objective.parameterGroups.withoutDecayOnBiases(),
                             learningRate: c.eta, momentum: c.momentum, weightDecay: c.lambda)
        let schedule: any LearningRateSchedule = try c.invscaling.map { try InverseScalingSchedule(baseLearningRate: c.eta, power: $0) }
            ?? TrainingConfiguration.constant(c.eta)
        let configuration = TrainingConfiguration(epochs: c.epochs, batchSize: .size(1), shuffle: .none, schedule: schedule)
        let initial = [T](repeating: 0, count: objective.parameterCount)
        var losses: [Double] = []
        let result: TrainingResult<T>
        if let a = c.averaging {
            let t = try Trainer(objective: objective, optimizer: try PolynomialAveraging(sgd, gamma: a.gamma, start: a.start),
                                configuration: configuration, initialParameters: initial)
            t.onStep = { losses.append($0.batchLoss); return .continue }
            result = try t.run()
        } else {
            let t = try Trainer(objective: objective, optimizer: sgd, configuration: configuration, initialParameters: initial)
            t.onStep = { losses.append($0.batchLoss); return .continue }
            result = try t.run()
        }
        let model = LinearModel<T>(inputs: data.features, outputs: 1)
        return Run(weights: model.weights(in: result.parameters).elements, intercept: model.bias(in: result.parameters)[0], losses: losses)
    }

    // MARK: Comparison

    /// max over elements of |a − b| / max(|a|, |b|, floor), floor = 10⁻³·max|b|: an element that
    /// cancels to nearly 0 (a weight that momentum swings through 0, a per-step loss of 1e-6 when
    /// the others are ~1) is compared at a thousandth of the vector's scale. Without the floor, the
    /// lazy-momentum case μ = 0.9 measured 1.7e-13 on a weight of −0.0054 (|Δ| = 9e-16) and 1.8e-12
    /// on a step loss of 7.9e-7 (|Δ| = 1.4e-18): rounding at the scale of the numbers around them.
    static func relative<T: BLASScalar>(_ a: [T], _ b: [T]) -> Double {
        precondition(a.count == b.count)
        let scale = b.reduce(0.0) { max($0, abs(Double($1))) }
        var worst = 0.0
        for (x, y) in zip(a, b) where x != y {
            let (dx, dy) = (Double(x), Double(y))
            guard dx.isFinite && dy.isFinite else { return .infinity }
            worst = max(worst, abs(dx - dy) / max(abs(dx), abs(dy), 1e-3 * scale, 1e-300))
        }
        return worst
    }

    static func losses(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "\(a.count) vs \(b.count) losses")
        return relative(a, b)
    }

    static let settings: [Setting] = [
        Setting(),
        Setting(lambda: 0.1),
        Setting(loss: .huber(delta: 0.8), lambda: 0.05, invscaling: 0.3),
        Setting(loss: .absoluteError, lambda: 0.02, eta: 0.03),
        Setting(loss: .binaryLogistic, lambda: 0.2, eta: 0.3),
        Setting(loss: .binaryLogistic, lambda: 0.01, eta: 0.5, invscaling: 0.25),
        // Renormalisation of w = s·v: (1 − 0.45·0.9)^n reaches 1e-9 after about 40 steps.
        Setting(lambda: 0.9, eta: 0.45, epochs: 4),
        // Lazy momentum (constant η): λ = 0 (geometric decay of the buffer) and λ > 0 (2×2 recurrence).
        Setting(momentum: 0.9, eta: 0.02),
        Setting(lambda: 0.1, momentum: 0.8, eta: 0.03),
        Setting(loss: .huber(delta: 1), lambda: 0.3, momentum: 0.5, eta: 0.05),
        Setting(loss: .binaryLogistic, lambda: 0.05, momentum: 0.9, eta: 0.1),
        // Per-step rate with momentum: lazy in blocks (μ^K ≥ ε^(1/8): K = 12 for μ = 0.7 in Double,
        // 42 for 0.9, 5 and 18 in Float), and the dense fallback.
        Setting(lambda: 0.1, momentum: 0.7, eta: 0.05, invscaling: 0.25),
        Setting(momentum: 0.9, eta: 0.02, invscaling: 0.2, epochs: 4),
        Setting(loss: .binaryLogistic, lambda: 0.05, momentum: 0.9, eta: 0.2, invscaling: 0.3),
        Setting(loss: .huber(delta: 1), lambda: 0.3, momentum: 0.95, eta: 0.02, invscaling: 0.1),
        Setting(lambda: 0.1, momentum: 0.7, eta: 0.05, invscaling: 0.25, lazyScheduled: false),
        // Averaging (μ = 0): running mean from update 0 and from 25, polynomial γ = 8, with renormalisation.
        Setting(lambda: 0.05, averaging: SparseAveraging()),
        Setting(loss: .huber(delta: 0.5), lambda: 0.1, invscaling: 0.25, averaging: SparseAveraging(start: 25)),
        Setting(loss: .binaryLogistic, lambda: 0.02, eta: 0.2, averaging: SparseAveraging(gamma: 8, start: 3)),
        Setting(lambda: 0.9, eta: 0.45, averaging: SparseAveraging(gamma: 2, start: 10), epochs: 4),
    ]

    func check<T: BLASScalar>(_ index: Int, _: T.Type, tolerance: Double) throws {
        let c = Self.settings[index], data = Data()
        let s = try sparse(data, c, T.self), r = reference(data, c, T.self), t = try trainer(data, c, T.self)
        let (wr, wt) = (Self.relative(s.weights, r.weights), Self.relative(s.weights, t.weights))
        let (br, bt) = (Self.relative([s.intercept], [r.intercept]), Self.relative([s.intercept], [t.intercept]))
        let (lr, lt) = (Self.losses(s.losses, r.losses), Self.losses(s.losses, t.losses))
        let (base, baseLoss) = (Self.relative(r.weights, t.weights), Self.losses(r.losses, t.losses))
        print("sparse-sgd \(T.self) [\(c)]: weights vs loop \(wr), vs Trainer \(wt); intercept \(br), \(bt); losses \(lr), \(lt); loop vs Trainer: weights \(base), losses \(baseLoss)")
        #expect(wr <= tolerance && wt <= tolerance, "\(c) \(T.self): weights \(wr) vs the loop, \(wt) vs the Trainer")
        #expect(br <= tolerance && bt <= tolerance, "\(c) \(T.self): intercept \(br), \(bt)")
        #expect(lr <= tolerance && lt <= tolerance, "\(c) \(T.self): per-step losses \(lr), \(lt)")
        // The weights moved, and the never-touched columns stayed at exactly 0.
        #expect(s.weights.contains { $0 != 0 })
        for j in [2, 9, 17] { #expect(s.weights[j] == 0, "\(c): untouched column \(j) is \(s.weights[j])") }
    }

    @Test(arguments: 0..<settings.count)
    func matchesDenseInDouble(_ index: Int) throws { try check(index, Double.self, tolerance: 1e-12) }

    @Test(arguments: 0..<settings.count)
    func matchesDenseInFloat(_ index: Int) throws { try check(index, Float.self, tolerance: 2e-4) }

    /// One update against the equation by hand: x = (0, 2, 0, −1) at columns 1 and 3, y = 1,
    /// w₀ = 0, b₀ = 0 after a first step on x = e₀ with y = 2 (so w₀ = (2η, 0, 0, 0), b₀ = 2η).
    @Test func firstStepsFollowTheEquation() throws {
        let (eta, lam, mu) = (0.1, 0.5, 0.9)
        for momentum in [0.0, mu] {
            let sgd = try SparseLinearSGD<Double>(features: 4, loss: .squaredError, learningRate: .constant(eta),
                                                  weightDecay: lam, momentum: momentum)
            let cols: [Int32] = [0, 1, 3], vals = [1.0, 2, -1], starts = [0, 1, 3]
            let l0 = cols.withUnsafeBufferPointer { c in vals.withUnsafeBufferPointer { v in starts.withUnsafeBufferPointer { s in
                sgd.step(rowStarts: s, columns: c, values: v, row: 0, target: 2) } } }
            #expect(l0 == 2)                                            // ½(0 − 2)²
            #expect(sgd.weights == [2 * eta, 0, 0, 0] && sgd.intercept == 2 * eta)   // δ = −2
            let l1 = cols.withUnsafeBufferPointer { c in vals.withUnsafeBufferPointer { v in starts.withUnsafeBufferPointer { s in
                sgd.step(rowStarts: s, columns: c, values: v, row: 1, target: 1) } } }
            // ŷ = b = 0.2, δ = −0.8; g = δx + λw = (λ·0.2, −1.6, 0, 0.8); b's g = −0.8.
            let delta = 2 * eta - 1
            #expect(abs(l1 - 0.5 * delta * delta) < 1e-15)
            let w0 = 2 * eta, g = [lam * w0, delta * 2, 0, -delta]
            let expected: [Double], bias: Double
            if momentum == 0 {
                expected = (0..<4).map { j in (j == 0 ? w0 : 0) - eta * g[j] }
                bias = w0 - eta * delta
            } else {
                let m0 = [-2.0, 0, 0, 0]                                    // first step's buffer = its gradient
                expected = (0..<4).map { j in (j == 0 ? w0 : 0) - eta * (mu * m0[j] + g[j]) }
                bias = w0 - eta * (mu * -2 + delta)
            }
            #expect(maxScaledDifference(sgd.weights, expected) <= 1e-15, "μ=\(momentum): \(sgd.weights) vs \(expected)")
            #expect(abs(sgd.intercept - bias) <= 1e-15)
        }
    }

    @Test func rejectsWhatItCannotDo() {
        #expect(throws: SparseLinearSGDError.self) {
            try SparseLinearSGD<Double>(features: 3, loss: .softmaxCrossEntropy, learningRate: .constant(0.1))
        }
        #expect(throws: SparseLinearSGDError.self) {
            try SparseLinearSGD<Double>(features: 3, loss: .squaredError, learningRate: .constant(0.1), momentum: 0.9,
                                        averaging: SparseAveraging())
        }
        #expect(throws: SparseLinearSGDError.self) {
            try SparseLinearSGD<Float>(features: 3, loss: .squaredError, learningRate: .constant(-1))
        }
    }
}

/// scikit-learn's `SGDRegressor(penalty='l2', shuffle=False, tol=None)` fitted on a scipy CSR matrix
/// (`scripts/reference/sparse_sgd_sklearn.py`): the kernel with scikit-learn's sparse
/// `intercept_decay` (0.01) as its `interceptDecay`, λ = α, η₀ and the per-sample invscaling rate
/// η_t = η₀/(t + 1)^p, averaging `average=a` as γ = 0 from update a − 1.
struct SparseSGDSklearnTests {
    typealias F = SparseSGDSklearnFixtures

    func fit<T: BLASScalar>(_ c: F.Case, _: T.Type, interceptDecay: Double = F.interceptDecay,
                            throughMatrix: Bool = false) throws -> ([Double], Double) {
        let loss: Loss = c.loss == "huber" ? .huber(delta: c.epsilon) : .squaredError
        let rate: SparseLearningRate = c.learningRate == "invscaling"
            ? .perStep { [eta0 = c.eta0, p = c.powerT] t in eta0 / pow(Double(t + 1), p) } : .constant(c.eta0)
        let sgd = try SparseLinearSGD<T>(features: F.features, loss: loss, learningRate: rate, weightDecay: c.alpha,
                                         interceptDecay: interceptDecay,
                                         averaging: c.average > 0 ? SparseAveraging(gamma: 0, start: c.average - 1) : nil)
        let values = F.values.map { T($0) }, targets = F.targets.map { T($0) }
        if throughMatrix {
            // The `SparseMatrix` epoch: its columns were checked when the matrix was made, so the
            // updates skip the per-entry check (a separate code path, the same arithmetic).
            let x = try SparseMatrix(rows: F.targets.count, cols: F.features, rowStarts: F.rowStarts,
                                     columnIndices: F.columns, values: values)
            for _ in 0..<c.epochs { sgd.epoch(x, targets: targets) }
            return (sgd.averagedWeights.map { Double($0) }, Double(sgd.averagedIntercept))
        }
        for _ in 0..<c.epochs {
            F.rowStarts.withUnsafeBufferPointer { rs in
                F.columns.withUnsafeBufferPointer { cols in
                    values.withUnsafeBufferPointer { vals in
                        targets.withUnsafeBufferPointer { ys in
                            _ = sgd.epoch(rowStarts: rs, columns: cols, values: vals, targets: ys)
                        }
                    }
                }
            }
        }
        return (sgd.averagedWeights.map { Double($0) }, Double(sgd.averagedIntercept))
    }

    func check<T: BLASScalar>(_ name: String, _: T.Type, tol: Double, throughMatrix: Bool = false) throws {
        let c = F.all.first { $0.name == name }!
        let (coef, intercept) = try fit(c, T.self, throughMatrix: throughMatrix)
        let scale = c.coef.reduce(0.0) { max($0, abs($1)) }
        let worst = zip(coef, c.coef).reduce(0.0) { max($0, abs($1.0 - $1.1) / max(abs($1.1), 1e-6 * scale)) }
        let interceptError = abs(intercept - c.intercept) / max(abs(c.intercept), 1e-300)
        print("sparse-sgd sklearn \(name) \(T.self): coef \(worst), intercept \(interceptError)")
        #expect(worst <= tol, "\(name) \(T.self): coef \(coef) vs scikit-learn \(c.coef)")
        #expect(interceptError <= tol, "\(name) \(T.self): intercept \(intercept) vs \(c.intercept)")
    }

    @Test(arguments: SparseSGDSklearnFixtures.all.map(\.name))
    func matchesScikitLearnInDouble(_ name: String) throws { try check(name, Double.self, tol: 1e-12) }

    @Test(arguments: SparseSGDSklearnFixtures.all.map(\.name))
    func matchesScikitLearnInFloat(_ name: String) throws { try check(name, Float.self, tol: 1e-4) }

    @Test(arguments: SparseSGDSklearnFixtures.all.map(\.name))
    func matrixEpochMatchesScikitLearn(_ name: String) throws {
        try check(name, Double.self, tol: 1e-12, throughMatrix: true)
        try check(name, Float.self, tol: 1e-4, throughMatrix: true)
    }

    /// Without scikit-learn's sparse intercept decay (c = 1) the intercept is another number: the
    /// factor is what makes the two agree.
    @Test func interceptDecayMatters() throws {
        let (_, intercept) = try fit(F.l2Constant, Double.self, interceptDecay: 1)
        #expect(abs(intercept - F.l2Constant.intercept) > 1e-3)
    }
}

extension SparseLinearSGDTests {
    /// Gaps longer than the table of powers apply its largest power repeatedly: a table of 2
    /// entries gives the same run (to rounding) as the default 4096.
    @Test func shortPowerTableCatchesUpInChunks() throws {
        let data = Data(), c = Self.settings[8]       // λ = 0.1, μ = 0.8, constant η
        let values = data.values, targets = data.regressionTargets
        func run(_ table: Int) throws -> [Double] {
            let sgd = try SparseLinearSGD<Double>(features: data.features, loss: c.loss, learningRate: c.sparseRate,
                                                  weightDecay: c.lambda, momentum: c.momentum, lazyTableLength: table)
            for _ in 0..<c.epochs {
                sgd.epoch(rowStarts: data.rowStarts.withUnsafeBufferPointer { $0 }, columns: data.columns.withUnsafeBufferPointer { $0 },
                          values: values.withUnsafeBufferPointer { $0 }, targets: targets.withUnsafeBufferPointer { $0 })
            }
            return sgd.weights + [sgd.intercept]
        }
        let (short, long) = (try run(2), try run(4096))
        #expect(Self.relative(short, long) <= 1e-12, "\(short) vs \(long)")
        let r = reference(data, c, Double.self)
        #expect(Self.relative(short, r.weights + [r.intercept]) <= 1e-12)
    }

    /// `Int` column indices give the same numbers as `Int32`, and so do single `step` calls
    /// (with the lazy coordinates read through `weights` between epochs instead of caught up).
    @Test func intColumnsAndSingleSteps() throws {
        let data = Data(), c = Self.settings[9]       // Huber, λ = 0.3, μ = 0.5
        let values = data.values, targets = data.regressionTargets, wide = data.columns.map { Int($0) }
        let a = try SparseLinearSGD<Double>(features: data.features, loss: c.loss, learningRate: c.sparseRate,
                                            weightDecay: c.lambda, momentum: c.momentum)
        let b = try SparseLinearSGD<Double>(features: data.features, loss: c.loss, learningRate: c.sparseRate,
                                            weightDecay: c.lambda, momentum: c.momentum)
        for _ in 0..<c.epochs {
            data.rowStarts.withUnsafeBufferPointer { rs in wide.withUnsafeBufferPointer { cols in values.withUnsafeBufferPointer { vals in
                targets.withUnsafeBufferPointer { ys in _ = a.epoch(rowStarts: rs, columns: cols, values: vals, targets: ys) } } } }
            for i in 0..<data.rows {
                let range = data.rowStarts[i]..<data.rowStarts[i + 1]
                let cols = Array(data.columns[range]), vals = Array(values[range])
                _ = cols.withUnsafeBufferPointer { cp in vals.withUnsafeBufferPointer { vp in b.step(columns: cp, values: vp, target: targets[i]) } }
            }
        }
        #expect(a.stepCount == b.stepCount && a.stepCount == data.rows * c.epochs)
        #expect(Self.relative(a.weights, b.weights) <= 1e-12 && a.intercept == b.intercept)
        let r = reference(data, c, Double.self)
        #expect(Self.relative(b.weights, r.weights) <= 1e-12)
        b.synchronize()
        #expect(Self.relative(a.weights, b.weights) <= 1e-12)
    }
}

extension SparseLinearSGDTests {
    /// O(nnz) per update, not O(features): 20 000 updates of 8 entries each on 2 000 000 features
    /// (a dense update would be 4·10¹⁰ multiply-adds, many seconds even optimised) finish within a
    /// generous bound in a debug build, with L2 (scaled), constant-rate lazy momentum and averaging.
    /// The O(features) work is the buffers' set-up and the one catch-up at the end of the epoch.
    @Test(arguments: 0..<3)
    func updatesCostTheRowNotTheFeatures(_ variant: Int) throws {
        let (d, rows, nnz) = (2_000_000, 20_000, 8)
        var g = SeededGenerator(seed: 11)
        var starts = [0], cols: [Int32] = [], vals: [Double] = [], ys: [Double] = []
        for _ in 0..<rows {
            for _ in 0..<nnz { cols.append(Int32(Int.random(in: 0..<d, using: &g))); vals.append(Double.random(in: -1...1, using: &g)) }
            starts.append(cols.count); ys.append(Double.random(in: -1...1, using: &g))
        }
        let sgd = try SparseLinearSGD<Double>(features: d, loss: .squaredError, learningRate: .constant(0.01), weightDecay: 1e-4,
                                              momentum: variant == 1 ? 0.9 : 0, averaging: variant == 2 ? SparseAveraging() : nil)
        let clock = ContinuousClock(), start = clock.now
        starts.withUnsafeBufferPointer { s in cols.withUnsafeBufferPointer { c in vals.withUnsafeBufferPointer { v in ys.withUnsafeBufferPointer { y in
            _ = sgd.epoch(rowStarts: s, columns: c, values: v, targets: y) } } } }
        let elapsed = start.duration(to: clock.now)
        print("sparse-sgd timing variant \(variant): \(rows) updates on \(d) features in \(elapsed)")
        #expect(elapsed < .seconds(20), "variant \(variant): \(elapsed)")
        #expect(sgd.stepCount == rows)
    }
}
