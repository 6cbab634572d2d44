// The learning-rate-free comparison: LFM, DoG/L-DoG + averaging, D-Adaptation, Schedule-Free and
// AdaDelta against SGD + momentum tuned over a learning-rate grid, on (a) linear least squares and
// (b) a ReLU MLP regression, several seeds. Prints the markdown tables and, given a path, writes
// them between the generated-block markers of that file (the hand-written text around them stays).
//
//   swift run -c release lr-free-experiment [../docs/lr-free-experiment.md]     (or `make experiment`)
import Descent
import Foundation

BLASRuntime.threads = 1
let command = "make experiment  (cd Benchmarks && swift run -c release lr-free-experiment ../docs/lr-free-experiment.md)"
func log(_ s: String) { FileHandle.standardError.write((s + "\n").data(using: .utf8)!) }

let clock = ContinuousClock()
let begin = clock.now
var results: [ProblemResults<Double>] = []
do {
    let makers: [() throws -> Problem<Double>] = [{ try Problems.leastSquares(Double.self) }, { try Problems.mlpRegression(Double.self) }]
    for make in makers {
        var r = ProblemResults(problem: try make())
        log("problem \(r.problem.title)")
        try r.runAll(log: log)
        results.append(r)
    }
} catch {
    log("lr-free-experiment: \(error)")
    exit(1)
}
let wall = begin.duration(to: clock.now)
let markdown = Report.markdown(results, wallSeconds: Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18,
                               command: command)
print(markdown)

if CommandLine.arguments.count > 1 {
    let path = CommandLine.arguments[1]
    var text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    if let a = text.range(of: Report.begin), let b = text.range(of: Report.end, range: a.upperBound..<text.endIndex) {
        // Replace through the end marker and its newline.
        let endOfBlock = text[b.upperBound...].hasPrefix("\n") ? text.index(after: b.upperBound) : b.upperBound
        text.replaceSubrange(a.lowerBound..<endOfBlock, with: markdown)
    } else {
        text += (text.isEmpty ? "# Learning-rate-free methods against tuned SGD\n\n" : "\n") + markdown
    }
    do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
        log("lr-free-experiment: cannot write \(path): \(error)")
        exit(1)
    }
    log("wrote \(path)")
}
