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
    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Optimizer") var optimizer: OptimizerOptions
    @OptionGroup(title: "Training") var training: TrainingOptions
    @OptionGroup(title: "Computation") var compute: ComputeOptions
    @OptionGroup(title: "Output") var output: OutputOptions

    func run() throws {
        try training.validate()
        try output.validate()
        try compute.apply()
        switch compute.dtype {
        case .float: try TrainRun<Float>(command: self).run()
        case .double: try TrainRun<Double>(command: self).run()
        }
    }
}
