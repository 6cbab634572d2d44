import LinearAlgebra
import Optimizers

/// Mini-batch training of a `SparseLinearObjective` with the lazy form of SGD, AdaGrad, RMSProp, Adam
/// or AdamW (`LazyAdaptive`): each update reads, differentiates and updates only the coordinates its
/// batch touches (the weights of the columns stored in its rows, for every output, and the
/// intercepts), each first brought up to date on the updates it missed. The parameters after
/// `synchronize()` equal those of the dense run (`Trainer`, or the objective and the dense
/// optimizer's `step` over every coordinate) on the same batches and rates, to rounding.
///
/// Costs per update: O(k · nnz of the batch), plus the missed updates that `LazyAdaptive` replays
/// (none for plain SGD and AdaGrad without weight decay, one power for plain RMSProp). Memory: the parameters, a
/// dense gradient buffer (only its touched entries are written and cleared) and two integers per
/// parameter for the touched set. Nothing is allocated per update once the rates' room
/// (`reservingSteps`) is not exceeded.
public struct LazySparseTraining<Scalar: BLASScalar> {
    /// The objective trained on.
    public private(set) var objective: SparseLinearObjective<Scalar>
    /// The lazy optimizer and its state.
    public private(set) var optimizer: LazyAdaptive<Scalar>
    /// The parameters; coordinates not touched lately lag behind until `synchronize()`.
    public private(set) var parameters: [Scalar]
    var gradient: [Scalar]
    /// The touched set of the current batch: `touched[0..<touchedCount]`, deduplicated by `stamp`.
    var touched: [Int]
    var touchedCount = 0
    var stamp: [Int]
    var batchNumber = 0

    /// `optimizer`: a fresh SGD, AdaGrad, RMSProp, Adam or AdamW over the objective's parameters (e.g.
    /// `OptimizerSettings.make`). Throws `LazyOptimizerError` for another optimizer.
    public init(objective: SparseLinearObjective<Scalar>, optimizer: any Optimizer<Scalar>, initialParameters: [Scalar],
                reservingSteps: Int = 0) throws(LazyOptimizerError) {
        precondition(initialParameters.count == objective.parameterCount,
                     "LazySparseTraining: \(initialParameters.count) initial parameters, the model has \(objective.parameterCount)")
        precondition(optimizer.parameterCount == objective.parameterCount,
                     "LazySparseTraining: the optimizer has \(optimizer.parameterCount) parameters, the model \(objective.parameterCount)")
        self.objective = objective
        self.optimizer = try LazyAdaptive(optimizer, reservingSteps: reservingSteps)
        parameters = initialParameters
        let p = objective.parameterCount
        gradient = [Scalar](repeating: 0, count: p)
        touched = [Int](repeating: 0, count: p)
        stamp = [Int](repeating: -1, count: p)
    }

    /// Collects the coordinates `batch` touches into `touched[0..<touchedCount]`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    mutating func collectTouched(_ batch: Batch) {
        let model = objective.model
        let (d, k) = (model.inputCount, model.outputCount)
        let id = batchNumber
        batchNumber += 1
        var count = 0
        stamp.withUnsafeMutableBufferPointer { seen in
            touched.withUnsafeMutableBufferPointer { list in
                objective.x.allRows.withUnsafeStorage { starts, columns, _ in
                    for i in batch {
                        for t in starts[i]..<starts[i + 1] {
                            let j = Int(columns[t])
                            guard seen[j] != id else { continue }
                            for o in 0..<k { seen[o * d + j] = id; list[count] = o * d + j; count += 1 }
                        }
                    }
                }
                if let bias = model.biasRange { for c in bias { list[count] = c; count += 1 } }
            }
        }
        touchedCount = count
    }

    /// One update on `batch` at `learningRate`; returns the batch's mean loss (before the update).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func step(batch: Batch, learningRate: Double) -> Double {
        collectTouched(batch)
        let n = touchedCount
        return parameters.withUnsafeMutableBufferPointer { theta in
            gradient.withUnsafeMutableBufferPointer { g in
                touched.withUnsafeBufferPointer { all in
                    let list = UnsafeBufferPointer(rebasing: all[0..<n])
                    optimizer.bringUpToDate(list, parameters: theta)
                    for c in list { g[c] = 0 }
                    let loss = objective.accumulateLossAndGradient(parameters: UnsafeBufferPointer(theta), gradient: g, batch: batch)
                    optimizer.step(parameters: theta, gradient: g, touched: list, learningRate: learningRate)
                    return loss
                }
            }
        }
    }

    /// One epoch of `sampler`'s batches, update u at `learningRate(u)` (u counts from 0 over the
    /// run); returns the mean batch loss. The parameters are not synchronised.
    public mutating func epoch(sampler: inout BatchSampler, learningRate: (Int) -> Double) -> Double {
        sampler.startEpoch()
        var total = 0.0
        let batches = sampler.batchesPerEpoch
        for j in 0..<batches {
            let u = optimizer.stepCount
            total += sampler.withBatch(j) { step(batch: $0, learningRate: learningRate(u)) }
        }
        return total / Double(Swift.max(1, batches))
    }

    /// Brings every coordinate up to date: `parameters` are then the dense run's.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func synchronize() {
        parameters.withUnsafeMutableBufferPointer { optimizer.synchronize(parameters: $0) }
    }
}
