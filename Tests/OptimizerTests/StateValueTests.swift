import Foundation
import Testing
import Descent

/// `StateValue`, the form typed optimizer states travel in: the in-memory coder keeps every bit,
/// JSON nests it as plain objects and arrays, and decoding names what is wrong.
struct StateValueTests {
    struct Inner: Codable, Equatable { var start: Int; var end: Int }
    struct Sample: Codable, Equatable {
        var count: Int
        var flag: Bool
        var name: String
        var scale: Double
        var single: Float
        var vector: [Double]
        var floats: [Float]
        var missing: [Double]?
        var present: [Double]?
        var blocks: [Inner]
        var empty: [Inner]
    }

    static let sample = Sample(count: 42, flag: true, name: "x", scale: -0.0, single: 0.1, vector: [0.1, 1 / 3, -0.0, Double.leastNormalMagnitude / 3],
                               floats: [Float.pi, -Float.leastNonzeroMagnitude], missing: nil, present: [],
                               blocks: [Inner(start: 0, end: 3), Inner(start: 3, end: 5)], empty: [])

    @Test func inMemoryRoundTripKeepsBits() throws {
        let value = try StateValue(encoding: Self.sample)
        let back = try value.decode(Sample.self)
        #expect(back == Self.sample)
        #expect(back.scale.sign == .minus && back.vector[2].sign == .minus)
        #expect(back.vector.map(\.bitPattern) == Self.sample.vector.map(\.bitPattern))
        #expect(back.floats.map(\.bitPattern) == Self.sample.floats.map(\.bitPattern))
        #expect(value["missing"] == nil && value["present"] == .numbers([]))
        #expect(value["vector"]?.numbers?.count == 4 && value["count"] == 42 && value["flag"] == true)
        #expect(value["blocks"] == [["start": 0, "end": 3], ["start": 3, "end": 5]])
    }

    @Test func jsonRoundTripIsEqual() throws {
        let value = try StateValue(encoding: Self.sample)
        let data = try JSONEncoder().encode(value)
        let back = try JSONDecoder().decode(StateValue.self, from: data)
        #expect(back == value)
        #expect(try back.decode(Sample.self) == Self.sample)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["count"] as? Int == 42 && (object["vector"] as? [Double])?.count == 4)
        #expect((object["blocks"] as? [[String: Any]])?.first?["end"] as? Int == 3)
    }

    @Test func nonFiniteNumbersNeedAStrategy() throws {
        let value: StateValue = ["v": .numbers([.nan, .infinity, 1]), "x": .number(-.infinity)]
        let encoder = JSONEncoder(), decoder = JSONDecoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let back = try decoder.decode(StateValue.self, from: encoder.encode(value))
        let v = try #require(back["v"]?.numbers)
        #expect(v[0].isNaN && v[1] == .infinity && v[2] == 1 && back["x"] == .number(-.infinity))
        #expect(throws: EncodingError.self) { try JSONEncoder().encode(value) }
    }

    @Test func equalityIgnoresTheArrayForm() {
        #expect(StateValue.array([.number(1), .number(2)]) == .numbers([1, 2]))
        #expect(StateValue.list([.number(1), .string("a")]) == .array([.number(1), .string("a")]))
        #expect(StateValue.list([]) == .numbers([]))
        #expect(StateValue.number(1) != .bool(true))
    }

    @Test func decodingErrorsNameTheMember() throws {
        var value = try StateValue(encoding: Self.sample)
        value["count"] = 2.5
        #expect(throws: DecodingError.self) { try value.decode(Sample.self) }
        let state = OptimizerState(kind: "k", version: 1, payload: value)
        let fraction = #expect(throws: OptimizerError.self) { try state.decodePayload(Sample.self) }
        #expect(fraction?.description == "k state has an invalid count: expected a whole number, found 2.5")

        value["count"] = 1
        value["blocks"] = [["start": 0, "end": true]]
        let mismatch = #expect(throws: OptimizerError.self) {
            try OptimizerState(kind: "k", version: 1, payload: value).decodePayload(Sample.self)
        }
        #expect(mismatch?.description == "k state has an invalid blocks[0].end: expected a number, found a boolean (true)")

        value["flag"] = nil
        let missing = #expect(throws: OptimizerError.self) {
            try OptimizerState(kind: "k", version: 1, payload: value).decodePayload(Sample.self)
        }
        #expect(missing?.description == "k state has no 'flag'")

        let notAnObject = #expect(throws: OptimizerError.self) {
            try OptimizerState(kind: "k", version: 1, payload: 3).decodePayload(Sample.self)
        }
        #expect(notAnObject?.description == "k state has an invalid payload: expected an object, found a number (3.0)")
    }

    /// The envelope: its JSON, and the message for a state of the format before version 1.
    @Test func envelope() throws {
        let state = OptimizerState(kind: "sgd", version: 1, payload: ["stepCount": 3, "momentumBuffer": .numbers([0.5])])
        let text = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
        #expect(text.contains("\"payload\":{") && text.contains("\"version\":1") && text.contains("\"kind\":\"sgd\""))
        #expect(try JSONDecoder().decode(OptimizerState.self, from: Data(text.utf8)) == state)

        let old = Data(#"{"kind": "sgd", "scalars": {"steps": 3}, "vectors": {"momentumBuffer": [0.5]}}"#.utf8)
        do {
            _ = try JSONDecoder().decode(OptimizerState.self, from: old)
            Issue.record("a state of the format before version 1 was decoded")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.debugDescription == OptimizerState.formatBeforeVersion1)
        }
        let incomplete = Data(#"{"kind": "sgd"}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(OptimizerState.self, from: incomplete) }
    }
}
