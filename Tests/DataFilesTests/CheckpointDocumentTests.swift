import Foundation
import Testing
import Descent

struct CheckpointDocumentTests {
    struct ScheduleState: Codable, Equatable, Sendable { var metrics: [Double]; var bestEpoch: Int }
    typealias Checkpoint = CheckpointDocument<OptimizerState, ScheduleState>

    func sample() -> Checkpoint {
        let model = ModelDocument(kind: .linear, inputCount: 2, outputCount: 1,
                                  layers: [.init(weights: [[0.1], [-3e-300]], bias: [2.5])], loss: "mse", createdBy: "t")
        let optimizer = OptimizerState(kind: "sgd", scalars: ["t": 12], vectors: ["velocity": [0.1, 1 / 3, -0.0]])
        return Checkpoint(model: model, optimizer: optimizer, schedule: ScheduleState(metrics: [1.5, 0.7], bestEpoch: 1),
                          rngState: SeededGenerator(seed: 99).state + [UInt64.max, 1 << 63 + 1],
                          epoch: 3, step: 120, configurationFingerprint: "abc123")
    }

    @Test func roundTripIsExact() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.path("ckpt.json")
        let c = sample()
        try c.save(to: url)
        let back = try Checkpoint.load(from: url)
        #expect(back.rngState == c.rngState)                       // 64-bit integers survive JSON exactly
        #expect(back.model == c.model && back.optimizer == c.optimizer && back.schedule == c.schedule)
        #expect(back.epoch == 3 && back.step == 120 && back.configurationFingerprint == "abc123")
        #expect(back.optimizer.vectors["velocity"]!.map(\.bitPattern) == [0.1, 1 / 3, -0.0].map(\.bitPattern))
        #expect(SeededGenerator(state: Array(back.rngState.prefix(4))) == SeededGenerator(seed: 99))
        #expect(dir.contents == ["ckpt.json"])
    }

    /// Trainer and optimizer states can hold ±∞/NaN (early stopping's best before the first epoch,
    /// a buffer after a divergence); they must survive a checkpoint, not make it unwritable.
    @Test func nonFiniteStateRoundTrips() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.path("ckpt.json")
        var c = sample()
        c.optimizer.scalars["best"] = .infinity
        c.optimizer.vectors["velocity"] = [-.infinity, .nan, 1]
        try c.save(to: url)
        let back = try Checkpoint.load(from: url)
        #expect(back.optimizer.scalars["best"] == .infinity)
        let v = back.optimizer.vectors["velocity"]!
        #expect(v[0] == -.infinity && v[1].isNaN && v[2] == 1)
    }

    @Test func errors() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.path("ckpt.json")
        try sample().save(to: url)
        let text = try String(contentsOf: url, encoding: .utf8)
        try text.replacingOccurrences(of: "\"formatVersion\" : 1,\n  \"model\"", with: "\"formatVersion\" : 7,\n  \"model\"")
            .write(to: url, atomically: false, encoding: .utf8)
        #expect(dataError { try Checkpoint.load(from: url) }?.description
                == "\(url.path): checkpoint format version 7 is newer than the version this program reads (1)")
        #expect(dataError { try sample().checkFingerprint("zzz", file: "c.json") }?.description
                == "c.json: the checkpoint was written with other data or settings (fingerprint abc123, this run's is zzz); resume with the settings that wrote it")
        var bad = sample()
        bad.model.layers[0].bias = [1, 2]
        let target = dir.path("bad.json")
        #expect(dataError { try bad.save(to: target) }?.description == "\(target.path): layers[0].bias: expected 1 values, found 2")
        #expect(!FileManager.default.fileExists(atPath: target.path))
        let nowhere = dir.path("missing/ckpt.json")
        #expect(dataError { try sample().save(to: nowhere) }?.kind == .unwritable)
    }
}
