import ArgumentParser
import Descent

/// `descent train`: fit a model, print a per-epoch table, write the model and optional metrics,
/// plot and checkpoints.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model (on the built-in problem when no --data is given).",
        discussion: """
        Without --data, trains a linear model on a built-in regression problem (20 000 samples, 20 \
        correlated features) with mini-batch SGD, momentum 0.9 and a cosine schedule, then compares \
        the result with the exact least-squares solution.

        Examples:
          descent train
          descent train --data houses.csv --target price --standardize all \\
                        --epochs 30 --output model.json
          descent train --data x.npy --targets y.npy --model mlp --hidden 64,32 \\
                        --optimizer dog
          descent train --data big.svm --loss logistic --optimizer adagrad \\
                        --standardize features
          descent train --data d.csv --lr auto --schedule onecycle:steps=2000 \\
                        --metrics m.csv --plot loss.svg
          descent train --data d.csv --optimizer sgd_optimizer --momentum 0.9 \\
                        --nag --weight_decay 1e-4
          descent train --data d.csv --checkpoint run.ckpt --checkpoint-every 5 \\
                        --output model.json
          descent train --data d.csv --checkpoint run.ckpt --resume run.ckpt \\
                        --output model.json

        \(ExitStatus.help)
        """)

    @OptionGroup(title: "Data") var data: DataOptions
    @OptionGroup(title: "Weights") var weights: WeightOptions
    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Optimizer") var optimizer: OptimizerOptions
    @OptionGroup(title: "Training") var training: TrainingOptions
    @OptionGroup(title: "Computation") var compute: ComputeOptions
    @OptionGroup(title: "Output") var output: OutputOptions
    @OptionGroup(title: "Distributed training") var distribution: DistributedOptions

    func run() throws {
        try training.validate()
        try output.validate()
        try distribution.validate()
        if let message = SparseTrainRun<Double>.unsupported(self), try data.spec().isSparse { throw CLIError(message) }
        var group: ProcessGroup? = nil
        if distribution.distributed {
            group = try ProcessGroup.open(distribution)
        } else if let n = ProcessGroup.launchedProcesses, n > 1 {
            Terminal.note("warning: this is one of \(n) processes started by a launcher, but --distributed is not given: "
                          + "\(n) independent copies of the same run are training (and writing the same files)")
        }
        var compute = compute
        if group != nil, compute.threads == nil { compute.threads = ProcessGroup.defaultThreads }
        try compute.apply()
        do {
            try compute.run(Precision(command: self, compute: compute, group: group))
        } catch {
            // Errors every process meets alike are reported once, by process 0; a process's own
            // failure is reported by that process.
            guard let group, !group.isRoot else { throw error }
            switch error {
            case is PeerFailure, is DivergenceError: throw QuietFailure(status: DescentCommand.status(for: error))
            default: throw ProcessFailure(rank: group.rank, error: error)
            }
        }
    }
}

/// `train` in one precision.
private struct Precision: PrecisionGeneric {
    let command: Train, compute: ComputeOptions, group: ProcessGroup?
    func run<Scalar: BLASScalar>(_: Scalar.Type) throws {
        try TrainRun<Scalar>(command: command, compute: compute, group: group).run()
    }
}
