import Foundation
import Testing

/// The README's classification walk-through, run as written: every `$ ` command of the code block
/// that starts with the `awk` command writing `exams.csv`, compared line by line with what the
/// README shows under it, by `ReadmeHouseExampleTests`'s rules (the `seconds` column is not
/// compared, numbers agree to 1e-9 relative, "  …" stands for any lines).
@Suite struct ReadmeClassificationExampleTests {
    @Test func walkThroughPrintsWhatTheReadmeShows() throws {
        let steps = try ReadmeHouseExampleTests.steps(generating: "exams.csv")
        let commands = steps.map(\.command)
        // The walk-through trains a classifier, prints probabilities and classes, and evaluates it.
        for part in ["descent train ", "descent predict --model classifier.json --data students.csv --proba",
                     "descent predict --model classifier.json --data students.csv --classes", "descent evaluate "] {
            #expect(commands.contains { $0.hasPrefix(part) }, "no command starting “\(part)” in \(commands)")
        }
        try ReadmeHouseExampleTests.run(steps)
    }
}
