// One measurement of Descent on sparse data, as one JSON line, for Benchmarks/run-sparse.sh:
//
//   sparse-sgd load FILE                      read an svmlight file into CSR (SVMLightReader)
//   sparse-sgd epoch FILE LOSS ETA ALPHA [REPEATS]
//                                             one epoch of per-sample SGD in file order
//                                             (SparseLinearSGD: L2 by the scale-factor trick,
//                                             constant rate, intercept decay 0.01 as scikit-learn's
//                                             sparse SGD), after an untimed load
//   sparse-sgd minibatch FILE ETA ALPHA B     one epoch of mini-batch SGD on squared error over
//                                             consecutive batches of B rows through SparseRows'
//                                             products (X_b·w, X_bᵀ·r), after an untimed load
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
    guard args.count == 6 || args.count == 7, let eta = Double(args[4]), let alpha = Double(args[5]),
          let repeats = args.count == 7 ? Int(args[6]) : 1, repeats >= 1 else { fail("epoch FILE LOSS ETA ALPHA [REPEATS]") }
    let loss: Loss = args[3] == "logistic" ? .binaryLogistic : .squaredError
    var targets = data.labels
    if loss == .binaryLogistic { targets = targets.map { $0 > 0 ? 1 : 0 } }
    var sgd: SparseLinearSGD<Double>! = nil
    var meanLoss = 0.0
    // REPEATS > 1 (for work on the kernel, not used by run-sparse.sh): that many epochs, each from
    // zero weights in the same process, and the median of their times.
    var times: [Double] = []
    for _ in 0..<repeats {
        sgd = try SparseLinearSGD<Double>(features: x.cols, loss: loss, learningRate: .constant(eta), weightDecay: alpha,
                                          interceptDecay: 0.01)
        let time = clock.measure { meanLoss = sgd.epoch(x, targets: targets) }
        times.append(seconds(time))
    }
    let epochTime = times.sorted()[times.count / 2]
    let w = sgd.weights
    let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
    print("{\"impl\": \"descent\", \"task\": \"epoch-\(args[3])\", \"seconds\": \(epochTime), \"meanLoss\": \(meanLoss), "
          + "\"weightNorm\": \(norm), \"intercept\": \(sgd.intercept), \"rows\": \(x.rows), \"maxRSS\": \(maxRSSBytes())}")
case "minibatch":
    // Mini-batch SGD on squared error over consecutive batches of B rows, through the sparse
    // products (the same arithmetic as sparse_peers.py's SciPy loop):
    // r = X_b·w + b − y_b, g = X_bᵀ·r/B + α·w, w ← w − η·g, b ← b − η·mean(r).
    guard args.count == 6, let eta = Double(args[3]), let alpha = Double(args[4]), let batch = Int(args[5]), batch > 0 else {
        fail("minibatch FILE ETA ALPHA BATCH")
    }
    let (n, d) = (x.rows, x.cols)
    var w = [Double](repeating: 0, count: d), g = [Double](repeating: 0, count: d), r = [Double](repeating: 0, count: batch)
    var b = 0.0
    let labels = data.labels
    let time = w.withUnsafeMutableBufferPointer { wb in
        g.withUnsafeMutableBufferPointer { gb in
            r.withUnsafeMutableBufferPointer { rb in
                labels.withUnsafeBufferPointer { yb in
                    clock.measure {
                        var lo = 0
                        while lo < n {
                            let hi = min(lo + batch, n), m = hi - lo
                            let xb = x.rows(lo..<hi)
                            let rm = UnsafeMutableBufferPointer(rebasing: rb[0..<m])
                            xb.multiply(UnsafeBufferPointer(wb), into: rm)
                            var sum = 0.0
                            for i in 0..<m { rm[i] += b - yb[lo + i]; sum += rm[i] }
                            xb.multiplyTransposed(UnsafeBufferPointer(rm), into: gb, alpha: 1 / Double(m))
                            for j in 0..<d { wb[j] -= eta * (gb[j] + alpha * wb[j]) }
                            b -= eta * sum / Double(m)
                            lo = hi
                        }
                    }
                }
            }
        }
    }
    let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
    print("{\"impl\": \"descent\", \"task\": \"minibatch-squared\", \"seconds\": \(seconds(time)), \"batch\": \(batch), "
          + "\"weightNorm\": \(norm), \"intercept\": \(b), \"rows\": \(x.rows), \"maxRSS\": \(maxRSSBytes())}")
default:
    fail("unknown task \(args[1])")
}
