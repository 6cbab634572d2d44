import Foundation
import Testing
import Descent

/// The evaluations of a run with sample and class weights are weighted: every epoch's validation
/// loss and metric and the final evaluations, on the validation split and on the training rows,
/// equal the weighted log-loss Σ wᵢℓᵢ / Σ wᵢ and accuracy Σ_{correct} wᵢ / Σ wᵢ written out here,
/// with wᵢ = the row's sample weight × its class's weight (keys the labels -1 and 3). The first
/// feature is the row's number, so the test finds each split row's weight in the file.
@Suite struct ValidationWeightsTests {
    static let n = 60
    static let x: [[Double]] = (0..<n).map { (i: Int) -> [Double] in
        let b: Double = Double((i * 37) % 23) / 11 - 1
        return [Double(i) / 10, b]
    }
    static let labels: [Int] = x.map { (r: [Double]) -> Int in
        let s: Double = r[1] + 0.2 * (r[0] - 3)
        return s > 0 ? 3 : -1
    }
    static let sampleWeights: [Double] = (0..<n).map { (i: Int) -> Double in
        if i % 11 == 4 { return 0 }
        return 0.25 + Double((i * 5) % 7) / 2
    }
    static let classWeights: [Int: Double] = [-1: 2, 3: 0.5]

    struct Truth { var logLoss: Double; var accuracy: Double }

    /// The weighted (or unweighted) log-loss and accuracy of the linear model θ = (w₀, w₁, b) on `rows`.
    static func truth(_ part: Dataset<Double>, _ theta: [Double], weighted: Bool) -> Truth {
        var loss = 0.0, correct = 0.0, total = 0.0
        for r in 0..<part.sampleCount {
            let id = Int((part.x[r, 0] * 10).rounded())
            let label = labels[id]
            let w = weighted ? sampleWeights[id] * classWeights[label]! : 1
            let z = theta[0] * part.x[r, 0] + theta[1] * part.x[r, 1] + theta[2]
            let p = 1 / (1 + exp(-z))
            loss += w * -(label == 3 ? log(p) : log(1 - p))
            correct += (z > 0) == (label == 3) ? w : 0
            total += w
        }
        return Truth(logLoss: loss / total, accuracy: correct / total)
    }

    @Test func evaluationsAreWeighted() throws {
        let dir = try TempDirectory()
        let rows: [String] = zip(Self.x, Self.labels).map { (r: [Double], l: Int) -> String in "\(r[0]),\(r[1]),\(l)" }
        try dir.write("d.csv", (["a,b,y"] + rows).joined(separator: "\n") + "\n")
        let weightLines: [String] = Self.sampleWeights.map { (w: Double) -> String in "\(w)" }
        try dir.write("w.csv", weightLines.joined(separator: "\n") + "\n")
        var plan = RunPlan(data: DataSpec(path: dir.path("d.csv")), model: ModelSpec(loss: .binaryLogistic),
                           preparation: PreparationSpec(validationSplit: 0.3, seed: 11), optimizer: try OptimizerSettings(parsing: "sgd"))
        plan.data.weights = WeightSpec(sampleWeightPath: dir.path("w.csv"), classWeights: try ClassWeights(parsing: "-1=2,3=0.5"))
        plan.learningRate = .given(0.05)
        plan.epochs = 3
        plan.batchSize = .size(4)
        let run = try plan.prepare(Double.self)
        let validation = try #require(run.setup.validation)
        let result = try run.run()
        let theta = result.parameters
        let want = Self.truth(validation, theta, weighted: true)
        let unweighted = Self.truth(validation, theta, weighted: false)
        #expect(abs(want.logLoss - unweighted.logLoss) > 1e-3, "the weights must matter: \(want) \(unweighted)")
        let last = try #require(result.history.last)
        #expect(abs(try #require(last.validationLoss) - want.logLoss) <= 1e-12, "\(last) vs \(want)")
        #expect(abs(try #require(last.validationMetric) - want.accuracy) <= 1e-12, "\(last) vs \(want)")
        let final = try run.finalEvaluation(theta)
        let v = try #require(final.validation)
        #expect(abs(v.loss - want.logLoss) <= 1e-12 && abs(v.logLoss! - want.logLoss) <= 1e-12 && abs(v.accuracy! - want.accuracy) <= 1e-12)
        let train = Self.truth(run.setup.train, theta, weighted: true)
        #expect(abs(final.training.loss - train.logLoss) <= 1e-12 && abs(final.training.accuracy! - train.accuracy) <= 1e-12,
                "\(final.training) vs \(train)")
    }
}
