import Foundation

/// Command-line settings of `sgd-epoch` (hand-parsed: the benchmark package depends on Descent only).
struct Options {
    var problem = "P1"
    var xPath = ""
    var yPath = ""
    /// "float32", "float64" or both, comma-separated.
    var dtypes = ["float32"]
    var threads = 1
    /// Batch sizes; 0 stands for the full batch.
    var batches = [32, 256, 1024, 8192, 0]
    var reps = 3
    /// Learning rate of the equivalent PyTorch `MSELoss` run (converted to Descent's loss below).
    var lr = 0.01
    var momentum = 0.9
    var seed: UInt64 = 42
    /// When set: one epoch in file order (no shuffle) at the first batch size, parameters written here.
    var checkOut: String?
    /// "supervised" (the library's SupervisedObjective, default) or "lean" (LeanLinearObjective, a what-if).
    var objective = "supervised"

    static let usage = """
        usage: sgd-epoch --x X.npy --y Y.npy [--problem P1] [--dtype float32,float64] [--threads 1]
                         [--batches 32,256,1024,8192,full] [--reps 3] [--lr 0.01] [--momentum 0.9]
                         [--seed 42] [--check-out weights.npy] [--objective supervised|lean]
        --lr is the learning rate of PyTorch's MSELoss; Descent's squared error is ½·Σ_k r² per sample,
        so Descent runs with η = 2·lr/k (k outputs) and takes the same steps.
        --objective lean: the same math in LeanLinearObjective (benchmark-only what-if, see its doc comment).
        --check-out: 1 epoch, no shuffle, first batch size only; writes the final parameters (W out×in, then b).
        """

    init(_ args: [String]) throws {
        var i = 0
        func value() throws -> String {
            i += 1
            guard i < args.count else { throw UsageError("\(args[i - 1]) needs a value") }
            return args[i]
        }
        while i < args.count {
            switch args[i] {
            case "--problem": problem = try value()
            case "--x": xPath = try value()
            case "--y": yPath = try value()
            case "--dtype": dtypes = try value().split(separator: ",").map(String.init)
            case "--threads": threads = try Self.int(value(), "--threads")
            case "--batches":
                batches = try value().split(separator: ",").map { $0 == "full" ? 0 : try Self.int(String($0), "--batches") }
            case "--reps": reps = try Self.int(value(), "--reps")
            case "--lr": lr = try Self.double(value(), "--lr")
            case "--momentum": momentum = try Self.double(value(), "--momentum")
            case "--seed": seed = UInt64(try Self.int(value(), "--seed"))
            case "--check-out": checkOut = try value()
            case "--objective": objective = try value()
            case "-h", "--help": throw UsageError("")
            default: throw UsageError("unknown argument \(args[i])")
            }
            i += 1
        }
        guard !xPath.isEmpty, !yPath.isEmpty else { throw UsageError("--x and --y are required") }
        guard threads >= 1, reps >= 1, !batches.isEmpty else { throw UsageError("--threads, --reps ≥ 1 and at least one batch") }
        guard objective == "supervised" || objective == "lean" else { throw UsageError("--objective: supervised or lean") }
        for d in dtypes where d != "float32" && d != "float64" { throw UsageError("--dtype \(d): float32 or float64") }
    }

    static func int(_ s: String, _ name: String) throws -> Int {
        guard let v = Int(s), v >= 0 else { throw UsageError("\(name): '\(s)' is not a count") }
        return v
    }
    static func double(_ s: String, _ name: String) throws -> Double {
        guard let v = Double(s), v.isFinite, v >= 0 else { throw UsageError("\(name): '\(s)' is not a number ≥ 0") }
        return v
    }
}

struct UsageError: Error { let message: String; init(_ m: String) { message = m } }
