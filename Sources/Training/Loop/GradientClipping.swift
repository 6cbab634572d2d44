import LinearAlgebra

/// Gradient clipping as PyTorch defines it (`torch/nn/utils/clip_grad.py`), applied to the flat
/// gradient g of all parameters before the optimizer's step.
///
/// - **By value** (`clip_grad_value_`): every element is clamped, gᵢ ← min(max(gᵢ, −v), v).
/// - **By norm** (`clip_grad_norm_`): the total norm over all parameters, ‖g‖₂ (or ‖g‖∞ = maxᵢ|gᵢ|),
///   gives the coefficient c = max_norm / (‖g‖ + 10⁻⁶), clamped to 1; g ← c·g. As in torch the
///   gradient is scaled only when c < 1, so a gradient whose norm is at most about max_norm is left
///   exactly as it was.
///
/// When both are set, the value clamp runs first and the norm is then taken of the clamped gradient
/// (the order of the usual torch loop that calls `clip_grad_value_` and then `clip_grad_norm_`).
/// `apply` allocates nothing (BLAS nrm2 and scal, or one pass for the ∞-norm).
public struct GradientClipping: Codable, Equatable, Sendable, CustomStringConvertible {
    /// The norm `clip_grad_norm_` measures (its `norm_type`).
    public enum Norm: String, Codable, Equatable, Sendable {
        /// The Euclidean norm.
        case two = "2"
        /// The largest absolute value.
        case infinity = "inf"
    }

    /// `max_norm`, nil for no norm clipping.
    public var maxNorm: Double?
    /// The norm `maxNorm` bounds.
    public var norm: Norm
    /// `clip_value`, nil for no value clipping.
    public var maxValue: Double?

    /// Throws unless each given bound is positive and finite, and at least one is given.
    public init(maxNorm: Double? = nil, norm: Norm = .two, maxValue: Double? = nil) throws {
        for (name, v) in [("max norm", maxNorm), ("clip value", maxValue)] {
            if let v, !(v.isFinite && v > 0) {
                throw TrainingError("gradient clipping's \(name) must be a positive finite number, got \(v)")
            }
        }
        guard maxNorm != nil || maxValue != nil else {
            throw TrainingError("gradient clipping needs a max norm or a clip value")
        }
        self.maxNorm = maxNorm; self.norm = norm; self.maxValue = maxValue
    }

    /// The settings as text, e.g. `value=0.5 norm=1.0` (`norm_inf=` for the ∞-norm).
    public var description: String {
        var parts: [String] = []
        if let v = maxValue { parts.append("value=\(v)") }
        if let m = maxNorm { parts.append(norm == .two ? "norm=\(m)" : "norm_inf=\(m)") }
        return parts.joined(separator: " ")
    }

    /// Clips `gradient` in place; returns the total norm before the norm clip (of the value-clamped
    /// gradient when both are set, as torch's `clip_grad_norm_` would return), or nil without a norm clip.
    @discardableResult
    public func apply<T: BLASScalar>(to gradient: UnsafeMutableBufferPointer<T>) -> Double? {
        if let v = maxValue {
            let hi = T(v), lo = -T(v)
            for i in gradient.indices {
                let g = gradient[i]
                gradient[i] = g > hi ? hi : (g < lo ? lo : g)
            }
        }
        guard let maxNorm else { return nil }
        let total: Double
        switch norm {
        case .two:
            total = Double(BLAS.nrm2(UnsafeBufferPointer(gradient)))
        case .infinity:
            var m = T.zero
            for g in gradient { let a = abs(g); if a > m { m = a } }
            total = Double(m)
        }
        // torch computes the coefficient in the gradient's dtype: max_norm / (total + 1e-6).
        let coefficient = T(maxNorm) / (T(total) + T(1e-6))
        if coefficient < 1 { BLAS.scal(coefficient, gradient) }
        return total
    }
}
