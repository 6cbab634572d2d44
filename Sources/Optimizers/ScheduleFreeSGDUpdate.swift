import LinearAlgebra

/// One Schedule-Free SGD step of one parameter group, and the maps between y and x (see
/// `ScheduleFreeSGD`), with k the step (from 0), c_lr the group's multiplier (learning rate × its
/// scale) and λ its weight decay:
///
/// ```
/// γ = c_lr·min(1, (k+1)/warmupSteps)                                      rate(_:)
/// γ_max ← max(γ_max, γ);  w = (k+1)^r·γ_max^weightLRPower;  W ← W + w;  c = w/W (0 if W = 0)
///                                                                         averagingWeight(…)
/// g ← g + λy
/// y ← (1−c)·y;  y ← y + c·z;  y ← y + γ·(β(1−c) − 1)·g;  z ← z − γ·g          apply(…)
/// ```
/// γ_max and W are the group's state (`Double`).
struct ScheduleFreeUpdate<Scalar: BLASScalar> {
    /// k, counted from 0.
    let step: Int
    let warmupSteps: Int
    /// β
    let beta: Double
    /// r
    let averagingPower: Double
    let weightLRPower: Double

    /// γ for the group multiplier c_lr (linear warm-up over `warmupSteps`).
    func rate(_ multiplier: Double) -> Double {
        let warm = step < warmupSteps ? Double(step + 1) / Double(warmupSteps) : 1
        return multiplier * warm
    }

    /// c, the weight of z in this step's average, updating γ_max and W.
    func averagingWeight(rate: Double, maxRate: inout Double, weightSum: inout Double) -> Double {
        maxRate = Swift.max(maxRate, rate)
        let w = Self.power(Double(step + 1), averagingPower) * Self.power(maxRate, weightLRPower)
        weightSum += w
        return weightSum == 0 ? 0 : w / weightSum
    }

    /// The in-place update of y and z for one group, the weight decay taken at y.
    func apply(y: UnsafeMutableBufferPointer<Scalar>, gradient g: UnsafeMutableBufferPointer<Scalar>,
               z: UnsafeMutableBufferPointer<Scalar>, rate: Double, averagingWeight c: Double, weightDecay: CoupledL2<Scalar>) {
        weightDecay.apply(to: g, at: y)
        BLAS.scal(Scalar(1 - c), y)
        BLAS.axpy(Scalar(c), z, y)
        BLAS.axpy(Scalar(rate * (beta * (1 - c) - 1)), g, y)
        BLAS.axpy(Scalar(-rate), g, z)
    }

    /// a^b with 0^0 = 1 (Python's `**`).
    static func power(_ a: Double, _ b: Double) -> Double { b == 0 ? 1 : Double.pow(a, b) }

    /// x = (y − (1−β)·z)/β, in place over the whole buffer: y ← y/β;  y ← y − ((1−β)/β)·z.
    static func average(fromTrainingPoint buffer: UnsafeMutableBufferPointer<Scalar>, z: UnsafeBufferPointer<Scalar>, beta: Double) {
        BLAS.scal(Scalar(1 / beta), buffer)
        BLAS.axpy(Scalar(-(1 - beta) / beta), z, buffer)
    }

    /// y = β·x + (1−β)·z, in place over the whole buffer: x ← β·x;  x ← x + (1−β)·z.
    static func trainingPoint(fromAverage buffer: UnsafeMutableBufferPointer<Scalar>, z: UnsafeBufferPointer<Scalar>, beta: Double) {
        BLAS.scal(Scalar(beta), buffer)
        BLAS.axpy(Scalar(1 - beta), z, buffer)
    }
}
