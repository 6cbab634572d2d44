import LinearAlgebra

/// Uniform weight initialisations, drawn in storage order as w = (2u − 1)·bound with u from
/// `SeededGenerator.nextUnit()` (same seed ⇒ same weights for Float and Double up to rounding).
///
/// - He (Kaiming) uniform, for layers followed by a ReLU: bound = √(6 / fan_in), i.e. variance
///   2/fan_in (He et al., "Delving Deep into Rectifiers", 2015, eq. 10; PyTorch
///   `kaiming_uniform_(nonlinearity="relu")`, Keras `he_uniform`).
/// - Xavier/Glorot uniform, for the linear output layer: bound = √(6 / (fan_in + fan_out)), i.e.
///   variance 2/(fan_in + fan_out) (Glorot & Bengio 2010, eq. 16; PyTorch `xavier_uniform_`, Keras
///   `glorot_uniform`).
///
/// Note: PyTorch's default `nn.Linear` initialisation is different (bound 1/√fan_in for weights and
/// biases); to compare a run with PyTorch, copy the parameters rather than the seed.
public enum WeightInitialization {
    /// He's uniform bound √(6/fan_in).
    public static func heUniformBound(fanIn: Int) -> Double {
        precondition(fanIn >= 1, "fan-in must be at least 1, got \(fanIn)")
        return (6 / Double(fanIn)).squareRoot()
    }

    /// Glorot's uniform bound √(6/(fan_in + fan_out)).
    public static func xavierUniformBound(fanIn: Int, fanOut: Int) -> Double {
        precondition(fanIn + fanOut >= 1, "fan-in + fan-out must be at least 1")
        return (6 / Double(fanIn + fanOut)).squareRoot()
    }

    /// Fills `buffer` with independent U(−bound, bound) draws.
    static func fillUniform<S: BLASScalar>(_ buffer: UnsafeMutableBufferPointer<S>, bound: Double,
                                           generator: inout SeededGenerator) {
        for i in buffer.indices { buffer[i] = S((2 * generator.nextUnit() - 1) * bound) }
    }
}
