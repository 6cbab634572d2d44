import LinearAlgebra

/// Iterate averaging (averaged SGD, Polyak–Ruppert; Polyak & Juditsky 1992).
///
/// From update `start` on (0-based update index), the loop keeps the running mean of the iterates
/// that those updates produce: after update t ≥ start, with m = t − start + 1,
///
///     x̄ₘ = x̄ₘ₋₁ + (xₜ₊₁ − x̄ₘ₋₁)/m     (so x̄ₘ = (1/m)·Σ_{u=start…t} x_{u+1})
///
/// where xₜ₊₁ is the optimizer's evaluation point after the update (the parameters themselves for
/// plain SGD). While m > 0, validation, early stopping's best point and the returned parameters use
/// x̄ instead of the last iterate. This is scikit-learn's `average=k` (a mean from sample k on;
/// there t counts samples, here updates) and PyTorch's `ASGD(t0=…)` averaging without its decay.
/// Default `start = 0` averages every iterate.
public struct IterateAveraging: Codable, Equatable, Sendable {
    public var start: Int

    public init(start: Int = 0) { self.start = start }

    func validate() throws {
        guard start >= 0 else { throw TrainingError("averaging start step must be at least 0, got \(start)") }
    }

    /// `average ← average·(m−1)/m + x/m`, the running mean after its m-th term (m ≥ 1). No allocation.
    @inlinable
    public static func accumulate<Scalar: BLASScalar>(_ x: UnsafeBufferPointer<Scalar>,
                                                      into average: UnsafeMutableBufferPointer<Scalar>,
                                                      count m: Int) {
        precondition(m >= 1, "the running mean needs at least one term, got count \(m)")
        if m == 1 { BLAS.copy(x, average); return }
        let w = 1 / Scalar(m)
        BLAS.scal(Scalar(m - 1) * w, average)
        BLAS.axpy(w, x, average)
    }
}
