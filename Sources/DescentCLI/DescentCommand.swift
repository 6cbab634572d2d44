import ArgumentParser
import Descent
import Foundation

/// The `descent` command: train regression models and small networks with the SGD family from the shell.
@main
struct DescentCommand: ParsableCommand {
    static let version = DescentVersion.current

    static let configuration = CommandConfiguration(
        commandName: "descent",
        abstract: "Train regression models and small neural networks with the SGD family on OpenBLAS.",
        discussion: """
        Start with `descent train` (no data needed: it trains on a built-in regression problem and \
        compares SGD with the exact least-squares answer).

        Examples:
          descent train
          descent train --data houses.csv --target price --output model.json
          descent lr-find --data houses.csv --target price --plot lr.svg
          descent predict --model model.json --data new.csv --output predictions.csv
          descent evaluate --model model.json --data test.csv
          descent info

        \(ExitStatus.help)
        """,
        version: version,
        subcommands: [Train.self, LRFind.self, Evaluate.self, Predict.self, Info.self, Bench.self])

    /// Parses, runs, and reports every failure as one `error: …` line on stderr with a non-zero exit
    /// (help and version requests print as usual).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch let quiet as QuietFailure {
            Foundation.exit(quiet.status)
        } catch let failure as ProcessFailure {
            Terminal.error("process \(failure.rank): " + describe(failure.error))
            Foundation.exit(status(for: failure.error))
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            Terminal.error(describe(error))
            Foundation.exit(status(for: error))
        }
    }

    /// The documented exit status for an error (see `ExitStatus`).
    static func status(for error: any Error) -> Int32 {
        if error is DivergenceError { return ExitStatus.diverged }
        return exitCode(for: error) == .validationFailure ? ExitStatus.usage : ExitStatus.failure
    }

    /// One line for any error: the library's user-facing errors carry their own message; argument
    /// errors get ArgumentParser's, with a pointer to `--help`.
    static func describe(_ error: any Error) -> String {
        switch error {
        case var e as DataError:
            // Name the file as the user typed it: paths under the working directory are shown relative.
            let cwd = FileManager.default.currentDirectoryPath + "/"
            if e.file.hasPrefix(cwd) { e.file.removeFirst(cwd.count) }
            switch e.kind {
            case .nonFinite: return e.description + " [--drop-nonfinite drops such rows]"
            case .missingValue where !e.message.contains("cannot be filled"):
                return e.description + " [--drop-missing drops such rows; train --fill-missing mean|zero fills feature cells]"
            default: return e.description
            }
        case let e as TrainingError: return e.description
        case let e as TrainingDataError: return e.description
        case let e as OptimizerError: return e.description
        case let e as ScheduleError: return "--schedule: \(e.description)"
        case let e as LRFinderError: return e.description
        case let e as LAPACKError: return e.description
        case let e as CLIError: return e.description
        case let e as DivergenceError: return e.description
        case let e as PeerFailure: return e.description
        case let e as CommunicatorError: return "MPI: \(e.description)"
        default:
            let text = message(for: error)
                .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("Usage:") && !$0.hasPrefix("See '") }
                .joined(separator: " ")
            return text + " (see `descent help`)"
        }
    }
}
