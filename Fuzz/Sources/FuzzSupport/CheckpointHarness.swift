// The two checkpoint targets' shared work: read a checkpoint file the way `descent train --resume`
// does, and resume training from what it holds. The run it resumes is a small fixed one (the CSV
// below, a linear model, `descent train`'s defaults, 3 epochs, one thread); Fuzz/make-seeds.sh
// writes the seed checkpoints with the built `descent` on the same data, so their fingerprints match.
#if canImport(Glibc)
import Glibc
#endif
import Descent
import Foundation

public enum CheckpointHarness {
    /// The training data of the resumed run: 24 rows, 3 features and a target, exact decimals.
    public static let dataCSV: String = {
        var text = "x1,x2,x3,y\n"
        for i in 1...24 {
            let (a, b, c) = (i, (i * 7) % 11, (i * i) % 13 - 6)
            text += "\(a),\(b),\(c).5,\(2 * a - b + c + 1).25\n"
        }
        return text
    }()

    /// Epochs of the resumed run: one more than the seeds' 2, so a completed seed run is reopened.
    public static let epochs = 3

    static let dataPath: String = writeScratchFile("resume-data.csv", dataCSV)

    /// The prepared run for each optimizer (by its state's kind, "+average" removed), made once.
    nonisolated(unsafe) static var runs: [String: PreparedRun<Double>?] = [:]

    static func run(for kind: String) -> PreparedRun<Double>? {
        let name = kind.hasSuffix("+average") ? String(kind.dropLast("+average".count)) : kind
        if let known = runs[name] { return known }
        var prepared: PreparedRun<Double>? = nil
        if let settings = try? OptimizerSettings(name) {
            var plan = RunPlan(data: DataSpec(path: dataPath), optimizer: settings)
            plan.epochs = epochs
            plan.threads = 1
            do { prepared = try plan.prepare(Double.self) } catch {
                fatalError("fuzz harness: cannot prepare the \(name) run: \(error)")
            }
        }
        runs[name] = prepared
        return prepared
    }

    /// libFuzzer's `LLVMFuzzerInitialize`: prepares the default run before the first input, and
    /// with DESCENT_FUZZ_WRITE_DATA=<path> writes the training data there and exits (make-seeds.sh).
    public static func initialize() {
        if let path = ProcessInfo.processInfo.environment["DESCENT_FUZZ_WRITE_DATA"] {
            do { try Data(dataCSV.utf8).write(to: URL(fileURLWithPath: path)) } catch {
                fputs("cannot write \(path): \(error)\n", stderr); exit(1)
            }
            exit(0)
        }
        _ = run(for: "sgd")
    }

    /// The checkpoint at `path`: first as `descent train --resume` reads it (checksum, format,
    /// fingerprint, precision) and resumes it; then, when that refuses it, read without the
    /// fingerprint and resumed into the run of its own optimizer (so that a checkpoint another
    /// optimizer wrote, or one whose recipe was changed, still reaches the loop-state checks).
    public static func exercise(path: String) {
        let url = URL(fileURLWithPath: path)
        let sgd = run(for: "sgd")!
        do {
            let (state, _) = try sgd.resumeState(from: path)
            try resume(sgd.makeOptimizer(), sgd, state)
            return note("resumed under the fingerprint check")
        } catch { note("descent train --resume refuses it: \(error)") }
        do {
            let checkpoint = try TrainingCheckpoint<Double>.load(from: url)
            _ = try? SavedModel<Double>(document: checkpoint.model, file: path)
            if checkpoint.state.dtype == "float" {
                if let f = try? TrainingCheckpoint<Float>.load(from: url) { _ = try? SavedModel<Float>(document: f.model, file: path) }
                return
            }
            guard let prepared = run(for: checkpoint.state.trainer.optimizer.kind) else { return }
            var state = checkpoint.state.trainer
            if state.finished == .completed && state.epoch < prepared.configuration.epochs { state.finished = nil }
            try resume(prepared.makeOptimizer(), prepared, state)
            note("resumed into the \(checkpoint.state.trainer.optimizer.kind) run")
        } catch { note("refused without the fingerprint check: \(error)") }
    }

    /// With DESCENT_FUZZ_VERBOSE set (running inputs one by one), how far each input got.
    static let verbose = ProcessInfo.processInfo.environment["DESCENT_FUZZ_VERBOSE"] != nil

    static func note(_ message: @autoclosure () -> String) {
        if verbose { fputs("checkpoint harness: \(message())\n", stderr) }
    }

    /// `Trainer(…, resumingFrom:)`, at most 6 updates, and a checkpoint of where it got to.
    static func resume<O: Optimizer>(_ optimizer: O, _ prepared: PreparedRun<Double>, _ state: TrainerState<Double>) throws
    where O.Scalar == Double {
        let trainer = try Trainer(objective: prepared.objective, optimizer: optimizer, configuration: prepared.configuration,
                                  validation: prepared.validation, resumingFrom: state)
        var updates = 0
        trainer.onStep = { _ in
            updates += 1
            return updates >= 6 ? .stop : .continue
        }
        _ = try trainer.run()
        _ = try prepared.checkpoint(of: trainer).encoded()
    }

    /// The bytes with their checksum made right: when they start as a checkpoint does
    /// (`{\n  "checksum" : "crc32c:`, then 9 more bytes), those 9 become 8 hexadecimal digits and
    /// a closing quote, the digits being the CRC-32C of the bytes with them as 00000000 (the layout
    /// `CheckpointDocument` writes and verifies). Other bytes are returned as they are.
    public static func resealed(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var data = Array(bytes)
        let prefix = Array("{\n  \"checksum\" : \"crc32c:".utf8)
        guard data.count >= prefix.count + 9, data.starts(with: prefix) else { return data }
        let digits = prefix.count..<(prefix.count + 8)
        data.replaceSubrange(digits, with: Array("00000000".utf8))
        data[digits.upperBound] = UInt8(ascii: "\"")
        data.replaceSubrange(digits, with: Array(CRC32C.hex(CRC32C.checksum(data)).utf8))
        return data
    }
}
