import Foundation
import Testing
import Descent

/// docs/model-file.md's numpy code ("Predicting with numpy") reproduces `descent predict`:
/// scripts/check_model_snippet.py trains four small models with the built command and compares the
/// snippet's predictions, probabilities and classes with `predict`, `--proba` and `--classes`.
/// Needs python3 with numpy (CI installs python3-numpy); without them the test is not run.
struct ModelFileNumpySnippetTests {
    static let hasNumpy: Bool = {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import numpy"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }()

    @Test(.enabled(if: hasNumpy, "python3 with numpy is not installed"))
    func snippetMatchesPredict() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", CLI.packageRoot.appendingPathComponent("scripts/check_model_snippet.py").path,
                       "--binary", CLI.executable.path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "scripts/check_model_snippet.py failed:\n\(text)")
        #expect(text.contains(" passed, 0 failed"), "\(text)")
    }
}
