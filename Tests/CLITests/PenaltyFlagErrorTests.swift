import Foundation
import Testing

/// `--penalty`, `--alpha` and `--l1-ratio` on `train`: a bad name, a value out of range (negative
/// values are read as values and rejected with the range, not taken for unknown flags), and the
/// combinations that contradict each other are one-line errors with a non-zero exit; the valid
/// forms train.
@Suite struct PenaltyFlagErrorTests {
    static let cases: [([String], String)] = [
        (["--penalty", "l3"], "error: The value 'l3' is invalid for '--penalty <penalty>'. Please provide one of 'none', 'l2', 'l1' or 'elasticnet'."),
        (["--penalty", "l2", "--alpha", "-1"], "error: --alpha must be a finite number ≥ 0 (scikit-learn's alpha), got -1.0"),
        (["--penalty", "l1", "--alpha", "nan"], "error: --alpha must be a finite number ≥ 0 (scikit-learn's alpha), got nan"),
        (["--penalty", "l1", "--alpha", "inf"], "error: --alpha must be a finite number ≥ 0 (scikit-learn's alpha), got inf"),
        (["--penalty", "elasticnet", "--l1-ratio", "1.5"], "error: --l1-ratio must be in [0, 1] (scikit-learn's l1_ratio), got 1.5"),
        (["--penalty", "elasticnet", "--l1-ratio", "-0.1"], "error: --l1-ratio must be in [0, 1] (scikit-learn's l1_ratio), got -0.1"),
        (["--penalty", "elasticnet", "--l1-ratio", "x"], "error: The value 'x' is invalid for '--l1-ratio <l1-ratio>'"),
        (["--alpha", "0.1"], "error: --alpha is the strength of --penalty; give --penalty l2, l1 or elasticnet, or use --weight-decay"),
        (["--l1-ratio", "0.2"], "error: --l1-ratio needs --penalty elasticnet"),
        (["--penalty", "l1", "--l1-ratio", "0.5"], "error: --l1-ratio applies to --penalty elasticnet only, not l1"),
        (["--penalty", "l2", "--weight-decay", "0.1"], "error: --penalty l2 and --weight-decay both set the weight decay; give one"),
        (["--penalty", "elasticnet", "--decay-mode", "shrink-after-step"],
         "error: --penalty elasticnet is scikit-learn's coupled decay; --decay-mode shrink-after-step contradicts it"),
        (["--penalty", "l1", "--optimizer", "dog"], "error: --penalty l1 does not apply to dog"),
    ]

    @Test func badPenaltyFlagsAreOneLineErrors() throws {
        let dir = try TempDirectory()
        try dir.write("d.csv", "a,y\n1,2\n2,3\n3,5\n4,4\n")
        for (flags, prefix) in Self.cases {
            let r = try CLI.run(["train", "--data", "d.csv", "--epochs", "1", "--quiet"] + flags, in: dir.url)
            #expect(r.status != 0 && r.stderr.hasPrefix(prefix), "\(flags): \(r.stderr)")
            #expect(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1, "\(flags): \(r.stderr)")
        }
        // The valid forms train (so the errors above are about the values, not the flags).
        for flags in [["--penalty", "l1", "--alpha", "0"], ["--penalty", "elasticnet", "--l1-ratio", "0", "--alpha", "0.01"],
                      ["--penalty", "elasticnet", "--l1-ratio", "1"], ["--penalty", "none"]] {
            let r = try CLI.run(["train", "--data", "d.csv", "--epochs", "1", "--quiet"] + flags, in: dir.url)
            #expect(r.status == 0, "\(flags): \(r.stderr)")
        }
    }
}
