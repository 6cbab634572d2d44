import Foundation
import Testing
import Descent

struct CheckpointDocumentTests {
    struct ScheduleState: Codable, Equatable, Sendable { var metrics: [Double]; var bestEpoch: Int }
    typealias Checkpoint = CheckpointDocument<OptimizerState, ScheduleState>

    func sample() -> Checkpoint {
        let model = ModelDocument(kind: .linear, inputCount: 2, outputCount: 1,
                                  layers: [.init(weights: [[0.1], [-3e-300]], bias: [2.5])], loss: "mse", createdBy: "t")
        let optimizer = OptimizerState(kind: "sgd", version: 1, payload: ["t": 12, "velocity": .numbers([0.1, 1 / 3, -0.0])])
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
        #expect(back.optimizer.payload["velocity"]?.numbers?.map(\.bitPattern) == [0.1, 1 / 3, -0.0].map(\.bitPattern))
        #expect(SeededGenerator(state: Array(back.rngState.prefix(4))) == SeededGenerator(seed: 99))
        #expect(dir.contents == ["ckpt.json"])
    }

    /// Trainer and optimizer states can hold ±∞/NaN (early stopping's best before the first epoch,
    /// a buffer after a divergence); they must survive a checkpoint, not make it unwritable.
    @Test func nonFiniteStateRoundTrips() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.path("ckpt.json")
        var c = sample()
        c.optimizer.payload["best"] = .number(.infinity)
        c.optimizer.payload["velocity"] = .numbers([-.infinity, .nan, 1])
        try c.save(to: url)
        let back = try Checkpoint.load(from: url)
        #expect(back.optimizer.payload["best"] == .number(.infinity))
        let v = try #require(back.optimizer.payload["velocity"]?.numbers)
        #expect(v[0] == -.infinity && v[1].isNaN && v[2] == 1)
    }

    /// The optimizer state is a nested object `{kind, version, payload: {…}}` in the file.
    @Test func optimizerStateIsANestedObject() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.path("ckpt.json")
        try sample().save(to: url)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let optimizer = try #require(document["optimizer"] as? [String: Any])
        #expect(optimizer["kind"] as? String == "sgd" && optimizer["version"] as? Int == 1)
        let payload = try #require(optimizer["payload"] as? [String: Any])
        #expect(payload["t"] as? Int == 12 && (payload["velocity"] as? [Double])?.count == 3)
    }

    /// A checkpoint written before typed optimizer states (`{kind, scalars, vectors}`) is refused
    /// with a message that names the old format, not a bare "payload is missing".
    @Test func optimizerStateBeforeVersion1IsNamed() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.path("ckpt.json")
        try sample().save(to: url)
        var document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        document["optimizer"] = ["kind": "sgd", "scalars": ["steps": 3, "momentum": 0.9, "bufferInitialized": 1],
                                 "vectors": ["momentumBuffer": [0.5, -0.25]]]
        try JSONSerialization.data(withJSONObject: document).write(to: url)
        let error = try #require(dataError { try Checkpoint.load(from: url) })
        #expect(error.kind == .decoding)
        #expect(error.description == "\(url.path): optimizer: \(OptimizerState.formatBeforeVersion1)")
        #expect(error.description.contains("format before version 1 (string-keyed scalars/vectors)"))
        #expect(error.description.contains("cannot be resumed by this build"))
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
