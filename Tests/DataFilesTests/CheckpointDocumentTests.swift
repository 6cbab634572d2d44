import Foundation
import Testing
import _TestSupport
import Descent

struct CheckpointDocumentTests {
    /// A loop state of the caller's own, as the CLI's `LoopCheckpointState` is: the checkpoint holds it once.
    struct LoopState: Codable, Equatable, Sendable {
        var optimizer: OptimizerState
        var metrics: [Double]
        var bestEpoch: Int
        var rngState: [UInt64]
        var epoch: Int
        var step: Int
    }
    typealias Checkpoint = CheckpointDocument<LoopState>

    func sample() -> Checkpoint {
        let model = ModelDocument(kind: .linear, inputCount: 2, outputCount: 1,
                                  layers: [.init(weights: [[0.1], [-3e-300]], bias: [2.5])], loss: "mse", createdBy: "t")
        let optimizer = OptimizerState(kind: "sgd", version: 1, payload: ["t": 12, "velocity": .numbers([0.1, 1 / 3, -0.0])])
        let state = LoopState(optimizer: optimizer, metrics: [1.5, 0.7], bestEpoch: 1,
                              rngState: SeededGenerator(seed: 99).state + [UInt64.max, 1 << 63 + 1], epoch: 3, step: 120)
        return Checkpoint(model: model, state: state, configurationFingerprint: "abc123")
    }

    @Test func roundTripIsExact() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.path("ckpt.json")
        let c = sample()
        try c.save(to: url)
        let back = try Checkpoint.load(from: url)
        #expect(back.state.rngState == c.state.rngState)                 // 64-bit integers survive JSON exactly
        #expect(back.model == c.model && back.state == c.state)
        #expect(back.state.epoch == 3 && back.state.step == 120 && back.configurationFingerprint == "abc123")
        let velocity: [UInt64]? = back.state.optimizer.payload["velocity"]?.numbers?.map { $0.bitPattern }
        #expect(velocity == [0.1, 1 / 3, -0.0].map { (v: Double) in v.bitPattern })
        #expect(SeededGenerator(state: Array(back.state.rngState.prefix(4))) == SeededGenerator(seed: 99))
        #expect(dir.contents == ["ckpt.json"])
    }

    /// Trainer and optimizer states can hold ±∞/NaN (early stopping's best before the first epoch,
    /// a buffer after a divergence); they must survive a checkpoint, not make it unwritable.
    @Test func nonFiniteStateRoundTrips() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.path("ckpt.json")
        var c = sample()
        c.state.optimizer.payload["best"] = StateValue.number(Double.infinity)
        c.state.optimizer.payload["velocity"] = StateValue.numbers([-Double.infinity, Double.nan, 1])
        try c.save(to: url)
        let back = try Checkpoint.load(from: url)
        #expect(back.state.optimizer.payload["best"] == StateValue.number(Double.infinity))
        let v = try #require(back.state.optimizer.payload["velocity"]?.numbers)
        #expect(v[0] == -.infinity && v[1].isNaN && v[2] == 1)
    }

    /// The optimizer state is a nested object `{kind, version, payload: {…}}` in the file.
    @Test func optimizerStateIsANestedObject() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.path("ckpt.json")
        try sample().save(to: url)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let state = try #require(document["state"] as? [String: Any])
        #expect(Set(document.keys) == ["checksum", "configurationFingerprint", "formatVersion", "model", "state"])   // one copy of each part
        let optimizer = try #require(state["optimizer"] as? [String: Any])
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
        var state = try #require(document["state"] as? [String: Any])
        state["optimizer"] = ["kind": "sgd", "scalars": ["steps": 3, "momentum": 0.9, "bufferInitialized": 1],
                              "vectors": ["momentumBuffer": [0.5, -0.25]]]
        document["state"] = state
        try sealedCheckpoint(document).write(to: url)
        let error = try #require(dataError { try Checkpoint.load(from: url) })
        #expect(error.kind == DataError.Kind.decoding)
        #expect(error.description == "\(url.path): state.optimizer: \(OptimizerState.formatBeforeVersion1)")
        #expect(error.description.contains("format before version 1 (string-keyed scalars/vectors)"))
        #expect(error.description.contains("cannot be resumed by this build"))
    }

    @Test func errors() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.path("ckpt.json")
        try sample().save(to: url)
        let text = try String(contentsOf: url, encoding: .utf8)
        try text.replacingOccurrences(of: "\"formatVersion\" : 3,", with: "\"formatVersion\" : 7,")
            .write(to: url, atomically: false, encoding: .utf8)
        #expect(dataError { try Checkpoint.load(from: url) }?.description
                == "\(url.path): checkpoint format version 7 is newer than the version this program reads (3)")
        // Format 1 (the loop state stored twice, string-keyed optimizer states) is named.
        try text.replacingOccurrences(of: "\"formatVersion\" : 3,", with: "\"formatVersion\" : 1,")
            .write(to: url, atomically: false, encoding: .utf8)
        let old = dataError { try Checkpoint.load(from: url) }
        #expect(old?.kind == DataError.Kind.unsupportedVersion && old?.description.contains("format 1") == true
                && old?.description.contains("start the run again") == true)
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
