import LinearAlgebra
import Optimizers

extension Trainer {
    /// The learning-rate range test (`LRRangeTest`) on this trainer's objective, a copy of its
    /// optimizer (with its current state) and of its sampler, from its current parameters: the
    /// same pieces the run would use. Nothing of the trainer changes. In data-parallel training
    /// every process must call it (the losses are reduced over the processes, so all get the same
    /// result). Pass the suggested rate on by value, e.g. as a schedule's base rate.
    public func rangeTest(_ test: LRRangeTest) throws -> LRRangeTestResult {
        var opt = optimizer
        var s = sampler
        if let parallel {
            var o = DataParallelObjective(objective, dataParallel: parallel.settings)
            return try test.run(objective: &o, optimizer: &opt, parameters: parameters, sampler: &s)
        }
        return try test.run(objective: &objective, optimizer: &opt, parameters: parameters, sampler: &s)
    }
}
