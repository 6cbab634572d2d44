import Foundation
import Testing

/// The README's sparse-data walk-through, run as written: every `$ ` command of the code block that
/// starts with the `awk` command writing `reviews.svm`, compared line by line with what the README
/// shows under it, by `ReadmeHouseExampleTests`'s rules.
@Suite struct ReadmeSparseExampleTests {
    @Test func walkThroughPrintsWhatTheReadmeShows() throws {
        let steps = try ReadmeHouseExampleTests.steps(generating: "reviews.svm")
        let commands = steps.map(\.command)
        for part in ["descent train --data reviews.svm", "descent predict --model sparse.json", "descent evaluate --model sparse.json"] {
            #expect(commands.contains { $0.hasPrefix(part) }, "no command starting “\(part)” in \(commands)")
        }
        try ReadmeHouseExampleTests.run(steps)
    }
}
