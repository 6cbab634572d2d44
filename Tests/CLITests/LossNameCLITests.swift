import Foundation
import Testing
import Descent

/// The command line and model files use the library's loss names: `train` writes the canonical
/// name whichever spelling `--loss` was given, and files holding the short names still load.
@Suite struct LossNameCLITests {
    @Test func writesCanonicalNamesAndReadsAliases() throws {
        let dir = try TempDirectory()
        let (x, y) = Problems.linear(n: 40, weights: [1, 2], bias: 0, noise: 0.1, seed: 1)
        try dir.write("d.csv", Problems.csv(x, y))
        for (given, written) in [("squared", "squared-error"), ("squared-error", "squared-error"), ("absolute", "absolute-error"),
                                 ("absolute-error", "absolute-error"), ("huber:0.5", "huber:0.5")] {
            let r = try CLI.run(["train", "--data", "d.csv", "--epochs", "1", "--loss", given, "-o", "m.json"], in: dir.url)
            #expect(r.status == 0, "\(given): \(r.stderr)")
            #expect(r.stdout.contains("loss \(written),"), "\(given): \(r.stdout)")
            let doc = try ModelDocument.load(from: URL(fileURLWithPath: dir.path("m.json")))
            #expect(doc.loss == written)
            #expect(try Loss(parsing: doc.loss) == Loss(parsing: given))
            // evaluate reads it back with the same loss.
            let e = try CLI.run(["evaluate", "--model", "m.json", "--data", "d.csv"], in: dir.url)
            #expect(e.status == 0 && e.stdout.contains("loss \(written))"), "\(e.stdout)\(e.stderr)")
        }
        // A model file with an old short name loads, and an unknown one is a one-line error.
        var doc = try ModelDocument.load(from: URL(fileURLWithPath: dir.path("m.json")))
        doc.loss = "absolute"
        try doc.save(to: URL(fileURLWithPath: dir.path("old.json")))
        let old = try CLI.run(["evaluate", "--model", "old.json", "--data", "d.csv"], in: dir.url)
        #expect(old.status == 0 && old.stdout.contains("loss absolute-error)"), "\(old.stdout)\(old.stderr)")
        doc.loss = "hinge"
        try doc.save(to: URL(fileURLWithPath: dir.path("bad.json")))
        let bad = try CLI.run(["evaluate", "--model", "bad.json", "--data", "d.csv"], in: dir.url)
        #expect(bad.status == 1 && bad.stderr.hasPrefix("error: bad.json: loss \"hinge\""), "\(bad.stderr)")
        let option = try CLI.run(["train", "--data", "d.csv", "--loss", "hinge"], in: dir.url)
        #expect(option.status == 1 && option.stderr.hasPrefix("error: --loss: unknown loss 'hinge'"), "\(option.stderr)")
    }
}
