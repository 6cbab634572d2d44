import Descent
import _TestSupport

// Test-local pieces for the training-loop tests: a least-squares objective written directly with
// BLAS.gemv, a plain gradient step, a heavy-ball optimizer with saveable state, and small schedules.
// (The library's own SGD, losses and schedules land separately; these keep the loop tests self-contained.)

/// Linear least squares `f(w, b) = (1/2m)·Σᵢ (xᵢ·w + b − yᵢ)²` over a batch of m rows; parameters
/// are the d weights followed by the intercept. Optionally records what each call saw.
struct LoopLeastSquares<T: BLASScalar>: Objective {
    typealias Scalar = T
    let x: Matrix<T>
    let y: [T]
    var gathered: Matrix<T>
    var gatheredY: [T]
    var residual: [T]
    var recording = false
    var seenBatches: [[Int]] = []
    var seenParameters: [[T]] = []
    var seenLosses: [(loss: Double, count: Int)] = []

    init(x: Matrix<T>, y: [T], recording: Bool = false) {
        precondition(x.rows == y.count, "X is \(x.shape) but y has \(y.count) elements")
        self.x = x; self.y = y; self.recording = recording
        gathered = Matrix(rows: x.rows, cols: x.cols)
        gatheredY = [T](repeating: 0, count: x.rows)
        residual = [T](repeating: 0, count: x.rows)
    }

    var parameterCount: Int { x.cols + 1 }
    var sampleCount: Int { x.rows }
    var maximumBatchSize: Int { x.rows }

    mutating func lossAndGradient(parameters: UnsafeBufferPointer<T>, gradient: UnsafeMutableBufferPointer<T>,
                                  batch: Batch) -> Double {
        let d = x.cols, m = batch.count
        if recording {
            switch batch {
            case .rows(let r): seenBatches.append(Array(r))
            case .indices(let i): seenBatches.append(Array(i))
            }
            seenParameters.append(Array(parameters))
        }
        let w = UnsafeBufferPointer(rebasing: parameters[0..<d]), b = parameters[d]
        let loss: Double = residual.withUnsafeMutableBufferPointer { rAll in
            let r = UnsafeMutableBufferPointer(rebasing: rAll[0..<m])
            switch batch {
            case .rows(let range):
                return x.withView { v in y.withUnsafeBufferPointer { yAll in
                    Self.lossAndGradient(v.rows(range), UnsafeBufferPointer(rebasing: yAll[range]), w, b, r, gradient)
                } }
            case .indices(let idx):
                x.gatherRows(idx, into: &gathered)
                for (k, i) in idx.enumerated() { gatheredY[k] = y[i] }
                return gathered.withView { v in gatheredY.withUnsafeBufferPointer { yAll in
                    Self.lossAndGradient(v.rows(0..<m), UnsafeBufferPointer(rebasing: yAll[0..<m]), w, b, r, gradient)
                } }
            }
        }
        if recording { seenLosses.append((loss, m)) }
        return loss
    }

    /// The math on m rows `xb`, targets `yb`: r = X_b·w + b − y_b, loss = ‖r‖²/(2m), ∇w = X_bᵀr/m,
    /// ∇b = Σr/m (gradient = [∇w, ∇b]); `r` is scratch of length m.
    static func lossAndGradient(_ xb: MatrixView<T>, _ yb: UnsafeBufferPointer<T>, _ w: UnsafeBufferPointer<T>, _ b: T,
                                _ r: UnsafeMutableBufferPointer<T>, _ gradient: UnsafeMutableBufferPointer<T>) -> Double {
        let m = xb.rows, d = xb.cols
        BLAS.gemv(xb, .none, w, into: r)
        var loss = 0.0
        var sumR: T = 0
        for i in 0..<m {
            r[i] += b - yb[i]
            loss += Double(r[i]) * Double(r[i])
            sumR += r[i]
        }
        BLAS.gemv(xb, .transpose, r.readOnly, into: UnsafeMutableBufferPointer(rebasing: gradient[0..<d]), alpha: 1 / T(m))
        gradient[d] = sumR / T(m)
        return loss / (2 * Double(m))
    }

    /// The full-data loss at `p` (for validation-style evaluators and checks).
    func fullLoss(_ p: UnsafeBufferPointer<T>) -> Double {
        var s = 0.0
        for i in 0..<x.rows {
            var r = Double(p[x.cols]) - Double(y[i])
            for j in 0..<x.cols { r += Double(x[i, j]) * Double(p[j]) }
            s += r * r
        }
        return s / (2 * Double(x.rows))
    }
}

/// A regression problem `y = X·w* + b* + σ·noise` and its exact least-squares fit (LAPACK).
struct LoopProblem<T: BLASScalar> {
    let x: Matrix<T>
    let y: [T]
    /// The least-squares solution, weights then intercept.
    let solution: [T]

    init(rows n: Int, features d: Int, noise: Double, seed: UInt64) throws {
        x = randomMatrix(n, d, seed: seed)
        var g = SeededGenerator(seed: seed &+ 1000)
        let wTrue: [Double] = (0..<d).map { j in
            let sign: Double = j % 2 == 0 ? 1 : -1
            return Double(j + 1) * sign * 0.5
        }
        let xs = x
        y = (0..<n).map { i in
            var s = 0.3
            for j in 0..<d { s += Double(xs[i, j]) * wTrue[j] }
            return T(s + noise * g.nextGaussian())
        }
        let fit = try LeastSquares.solve(x, Matrix(rows: n, cols: 1, elements: y))
        solution = fit.weights.elements + fit.bias
    }

    func objective(recording: Bool = false) -> LoopLeastSquares<T> {
        LoopLeastSquares(x: x, y: y, recording: recording)
    }
}

/// `x ← x − η·g`.
struct PlainGradientStep<T: BLASScalar>: Optimizer {
    typealias Scalar = T
    let parameterCount: Int
    var name: String { "plain-gd" }

    mutating func step(parameters: UnsafeMutableBufferPointer<T>, gradient: UnsafeMutableBufferPointer<T>,
                       learningRate: Double) {
        BLAS.axpy(-T(learningRate), gradient.readOnly, parameters)
    }

    func saveState() -> OptimizerState { OptimizerState(kind: name) }
    mutating func restore(_ state: OptimizerState) throws { try state.expect(kind: name) }
}

/// Heavy ball: `v ← μ·v + g`, `x ← x − η·v` (v₀ = 0), with its velocity saved and restored.
struct HeavyBall<T: BLASScalar>: Optimizer {
    typealias Scalar = T
    let parameterCount: Int
    var mu: Double
    var velocity: [T]
    var name: String { "heavy-ball" }

    init(parameterCount: Int, momentum: Double) {
        self.parameterCount = parameterCount; mu = momentum
        velocity = [T](repeating: 0, count: parameterCount)
    }

    var momentum: Double? { mu }
    mutating func setMomentum(_ value: Double) throws { mu = value }

    mutating func step(parameters: UnsafeMutableBufferPointer<T>, gradient: UnsafeMutableBufferPointer<T>,
                       learningRate: Double) {
        velocity.withUnsafeMutableBufferPointer { v in
            BLAS.scal(T(mu), v)
            BLAS.axpy(1, gradient.readOnly, v)
            BLAS.axpy(-T(learningRate), v.readOnly, parameters)
        }
    }

    private struct Saved: Codable { var momentum: Double; var velocity: [Double] }

    func saveState() -> OptimizerState {
        OptimizerState(kind: name, version: 1, encoding: Saved(momentum: mu, velocity: velocity.map { Double($0) }))
    }

    mutating func restore(_ state: OptimizerState) throws {
        try state.expect(kind: name)
        let saved = try state.decodePayload(Saved.self)
        guard saved.velocity.count == velocity.count else { throw OptimizerError("heavy-ball state has \(saved.velocity.count) velocities") }
        mu = saved.momentum
        velocity = saved.velocity.map { T($0) }
    }
}

/// `η(t) = η₀ / (1 + κ·t)` in a chosen unit.
struct InverseDecay: LearningRateSchedule {
    var unit: ScheduleUnit = .batch
    var initial: Double
    var decay: Double
    func learningRate(at step: Int, metrics: [Double]) throws -> Double { initial / (1 + decay * Double(step)) }
}

/// Halves the rate after every epoch whose metric is not below the previous epoch's (a pure fold
/// over the metric history), and cycles momentum between two values by update parity.
struct HalveOnRiseWithMomentum: LearningRateSchedule {
    var unit: ScheduleUnit { .batch }
    var initial: Double
    var cycleMomentum: Bool
    var usesMetrics: Bool { true }
    func learningRate(at step: Int, metrics: [Double]) throws -> Double {
        var lr = initial
        for k in metrics.indices.dropFirst() where metrics[k] >= metrics[k - 1] { lr /= 2 }
        return lr
    }
    func momentum(at step: Int, metrics: [Double]) throws -> Double? {
        cycleMomentum ? (step % 2 == 0 ? 0.5 : 0.7) : nil
    }
}

/// Throws past `total` updates, like OneCycle.
struct BoundedSchedule: LearningRateSchedule {
    var unit: ScheduleUnit { .batch }
    var total: Int
    struct PastEnd: Error {}
    func learningRate(at step: Int, metrics: [Double]) throws -> Double {
        guard step < total else { throw PastEnd() }
        return 0.1
    }
}
