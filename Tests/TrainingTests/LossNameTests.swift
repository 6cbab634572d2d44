import Testing
import Descent

/// One naming scheme for losses: `description` is the only name written; `init(parsing:)` reads it
/// back and also every alias (the command line's short names, which older model files hold).
struct LossNameTests {
    @Test func canonicalNamesRoundTrip() throws {
        let all: [Loss] = [.squaredError, .absoluteError, .binaryLogistic, .softmaxCrossEntropy, .huber(delta: 1), .huber(delta: 0.25)]
        #expect(all.map(\.description) == ["squared-error", "absolute-error", "logistic", "softmax-cross-entropy", "huber:1.0", "huber:0.25"])
        for loss in all { #expect(try Loss(parsing: loss.description) == loss) }
    }

    @Test func aliasesParse() throws {
        let expected: [(String, Loss)] = [
            ("squared", .squaredError), ("mse", .squaredError), ("squared_error", .squaredError), ("squaredError", .squaredError),
            ("absolute", .absoluteError), ("l1", .absoluteError), ("mae", .absoluteError),
            ("log", .binaryLogistic), ("bce", .binaryLogistic),
            ("softmax", .softmaxCrossEntropy), ("cross-entropy", .softmaxCrossEntropy), ("ce", .softmaxCrossEntropy),
            ("huber", .huber(delta: 1)), ("huber:2", .huber(delta: 2)),
        ]
        for (text, loss) in expected { #expect(try Loss(parsing: text) == loss, "\(text)") }
        #expect(Set(Loss.aliases.keys) == Set(expected.map(\.0).filter { !$0.hasPrefix("huber") }))
        // An alias never takes a parameter, and unknown names are errors naming the canonical ones.
        #expect(throws: TrainingDataError.self) { try Loss(parsing: "squared:2") }
        #expect(throws: TrainingDataError.self) { try Loss(parsing: "huber:0") }
        #expect(throws: TrainingDataError.self) { try Loss(parsing: "huber:x") }
        do { _ = try Loss(parsing: "hinge"); Issue.record("hinge parsed") } catch {
            #expect("\(error)".contains("expected squared-error, huber[:delta], absolute-error, logistic or softmax-cross-entropy"))
        }
    }
}
