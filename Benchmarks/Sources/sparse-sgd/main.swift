// One measurement of Descent on sparse data, as one JSON line, for Benchmarks/run-sparse.sh:
//
//   sparse-sgd load FILE                      read an svmlight file into CSR (SVMLightReader)
//   sparse-sgd epoch FILE LOSS ETA ALPHA      one epoch of per-sample SGD in file order
//                                             (SparseLinearSGD: L2 by the scale-factor trick,
//                                             constant rate, intercept decay 0.01 as scikit-learn's
//                                             sparse SGD), after an untimed load
//
// LOSS is squared or logistic (labels 0/1 or ±1: ±1 are mapped to 0/1). Each run is its own
// process, so `maxRSS` is that task's peak resident memory; `csrBytes` is the CSR arrays' size
// (row starts as Int, column indices as Int32, values as Double).
import Descent
import Foundation

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
func maxRSSBytes() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Int(usage.ru_maxrss) * 1024
}
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

let args = CommandLine.arguments
guard args.count >= 3 else { fail("usage: sparse-sgd load FILE | epoch FILE squared|logistic ETA ALPHA") }
let clock = ContinuousClock()
let url = URL(fileURLWithPath: args[2])
var data: SVMLightData<Double>! = nil
let loadTime = try clock.measure { data = try SVMLightReader.read(url, as: Double.self) }
let x = data.features
let csrBytes = (x.rows + 1) * MemoryLayout<Int>.stride + x.nonzeroCount * (MemoryLayout<Int32>.stride + MemoryLayout<Double>.stride)

switch args[1] {
case "load":
    print("{\"impl\": \"descent\", \"task\": \"load\", \"seconds\": \(seconds(loadTime)), \"rows\": \(x.rows), \"features\": \(x.cols), "
          + "\"nonzeros\": \(x.nonzeroCount), \"maxRSS\": \(maxRSSBytes()), \"csrBytes\": \(csrBytes)}")
case "epoch":
    guard args.count == 6, let eta = Double(args[4]), let alpha = Double(args[5]) else { fail("epoch FILE LOSS ETA ALPHA") }
    let loss: Loss = args[3] == "logistic" ? .binaryLogistic : .squaredError
    var targets = data.labels
    if loss == .binaryLogistic { targets = targets.map { $0 > 0 ? 1 : 0 } }
    let sgd = try SparseLinearSGD<Double>(features: x.cols, loss: loss, learningRate: .constant(eta), weightDecay: alpha,
                                          interceptDecay: 0.01)
    var meanLoss = 0.0
    let epochTime = x.rowStarts.withUnsafeBufferPointer { r in
        x.columnIndices.withUnsafeBufferPointer { c in
            x.values.withUnsafeBufferPointer { v in
                targets.withUnsafeBufferPointer { y in
                    clock.measure { meanLoss = sgd.epoch(rowStarts: r, columns: c, values: v, targets: y) }
                }
            }
        }
    }
    let w = sgd.weights
    let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
    print("{\"impl\": \"descent\", \"task\": \"epoch-\(args[3])\", \"seconds\": \(seconds(epochTime)), \"meanLoss\": \(meanLoss), "
          + "\"weightNorm\": \(norm), \"intercept\": \(sgd.intercept), \"rows\": \(x.rows), \"maxRSS\": \(maxRSSBytes())}")
default:
    fail("unknown task \(args[1])")
}
