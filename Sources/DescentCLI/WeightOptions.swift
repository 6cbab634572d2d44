import ArgumentParser
import Descent

/// Per-sample and class weights (`train` and `lr-find`): the library's `WeightSpec`.
struct WeightOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Per-sample weights: a .npy vector or a one-column CSV with one weight (finite, ≥ 0) per data row, or column:NAME (or column:INDEX) for a column of the CSV data file; each sample's loss and gradient are scaled by its weight (scikit-learn's sample_weight).", valueName: "path"))
    var sampleWeight: String?

    // Unconditional: a value such as -1=2,3=0.5 starts with a dash and is still the value.
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Class weights for the logistic or softmax loss: balanced (n / (classes · count), on the training rows) or label=weight pairs, the keys being the class labels as in the targets (scikit-learn's class_weight dict), e.g. 0=1,1=4 or -1=2,3=0.5; a class left out weighs 1; they multiply the sample weights.", valueName: "balanced|label=w,…"))
    var classWeight: String?

    func spec() throws -> WeightSpec {
        let classes: ClassWeights?
        do { classes = try classWeight.map { try ClassWeights(parsing: $0) } } catch let e as TrainingDataError {
            throw CLIError("--class-weight: \(e)")
        }
        if sampleWeight == "column:" { throw CLIError("--sample-weight column: the column name or index is missing (column:NAME)") }
        return WeightSpec(sampleWeights: sampleWeight, classWeights: classes)
    }
}
