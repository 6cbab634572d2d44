// In-memory Encoder and Decoder between `Codable` values and `StateValue` (no text on the way,
// so numbers keep their bits). Integers become numbers (exact below 2⁵³); decoding an integer
// from a number that is not a whole number in the integer's range is a `DecodingError`. Nothing
// here is specific to optimizers; the typed states are its only users.

extension StateValue {
    /// The value `value` encodes to (its `encode(to:)` run against an in-memory encoder).
    public init<T: Encodable>(encoding value: T) throws {
        self = try TreeEncoding.node(for: value, codingPath: []).value
    }

    /// Decodes a `T` from this value; throws a `DecodingError` (with the path to the offending
    /// member) when the shape differs.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try TreeDecoding.decode(T.self, from: self, codingPath: [])
    }
}

/// A coding key for array positions and `super`.
struct TreeKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue; intValue = nil }
    init(intValue: Int) { stringValue = "\(intValue)"; self.intValue = intValue }
    static let `super` = TreeKey(stringValue: "super")
}

// MARK: - Encoding

/// A value under construction: containers handed out by the encoder fill it in later.
final class TreeNode {
    enum Content { case empty, value(StateValue), object([String: TreeNode]), array([TreeNode]) }
    var content: Content

    init(_ content: Content = .empty) { self.content = content }

    var value: StateValue {
        switch content {
        case .empty: return .object([:])
        case .value(let v): return v
        case .object(let members): return .object(members.mapValues(\.value))
        case .array(let items): return .list(items.map(\.value))
        }
    }

    func makeObject() { if case .object = content {} else { content = .object([:]) } }
    func makeArray() { if case .array = content {} else { content = .array([]) } }

    func set(_ child: TreeNode, for key: String) {
        guard case .object(var members) = content else { preconditionFailure("StateValue encoding: not an object") }
        content = .empty
        members[key] = child
        content = .object(members)
    }

    func append(_ child: TreeNode) {
        guard case .array(var items) = content else { preconditionFailure("StateValue encoding: not an array") }
        content = .empty
        items.append(child)
        content = .array(items)
    }

    var count: Int { if case .array(let items) = content { items.count } else { 0 } }
}

enum TreeEncoding {
    static func node<T: Encodable>(for value: T, codingPath: [any CodingKey]) throws -> TreeNode {
        if T.self == StateValue.self { return TreeNode(.value(value as! StateValue)) }
        if T.self == [Double].self { return TreeNode(.value(.numbers(value as! [Double]))) }
        let node = TreeNode()
        try value.encode(to: TreeEncoder(node: node, codingPath: codingPath))
        return node
    }

    static func number<I: BinaryInteger>(_ i: I) -> TreeNode { TreeNode(.value(.number(Double(i)))) }
}

struct TreeEncoder: Encoder {
    let node: TreeNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeObject()
        return KeyedEncodingContainer(TreeKeyedEncoding<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeArray()
        return TreeUnkeyedEncoding(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        TreeSingleValueEncoding(node: node, codingPath: codingPath)
    }
}

struct TreeKeyedEncoding<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: TreeNode
    let codingPath: [any CodingKey]

    private func put(_ child: TreeNode, _ key: Key) { node.set(child, for: key.stringValue) }
    private func put(_ value: StateValue, _ key: Key) { put(TreeNode(.value(value)), key) }

    mutating func encodeNil(forKey key: Key) { put(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) { put(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) { put(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) { put(.number(value), key) }
    mutating func encode(_ value: Float, forKey key: Key) { put(.number(Double(value)), key) }
    mutating func encode(_ value: Int, forKey key: Key) { put(TreeEncoding.number(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) { put(TreeEncoding.number(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) { put(TreeEncoding.number(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) { put(TreeEncoding.number(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) { put(TreeEncoding.number(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) { put(TreeEncoding.number(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) { put(TreeEncoding.number(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) { put(TreeEncoding.number(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) { put(TreeEncoding.number(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) { put(TreeEncoding.number(value), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        put(try TreeEncoding.node(for: value, codingPath: codingPath + [key]), key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                        forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = TreeNode(.object([:]))
        put(child, key)
        return KeyedEncodingContainer(TreeKeyedEncoding<NestedKey>(node: child, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = TreeNode(.array([]))
        put(child, key)
        return TreeUnkeyedEncoding(node: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        let child = TreeNode()
        node.set(child, for: TreeKey.super.stringValue)
        return TreeEncoder(node: child, codingPath: codingPath + [TreeKey.super])
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = TreeNode()
        put(child, key)
        return TreeEncoder(node: child, codingPath: codingPath + [key])
    }
}

struct TreeUnkeyedEncoding: UnkeyedEncodingContainer {
    let node: TreeNode
    let codingPath: [any CodingKey]
    var count: Int { node.count }

    private func add(_ child: TreeNode) { node.append(child) }
    private func add(_ value: StateValue) { add(TreeNode(.value(value))) }
    private var nextPath: [any CodingKey] { codingPath + [TreeKey(intValue: count)] }

    mutating func encodeNil() { add(.null) }
    mutating func encode(_ value: Bool) { add(.bool(value)) }
    mutating func encode(_ value: String) { add(.string(value)) }
    mutating func encode(_ value: Double) { add(.number(value)) }
    mutating func encode(_ value: Float) { add(.number(Double(value))) }
    mutating func encode(_ value: Int) { add(TreeEncoding.number(value)) }
    mutating func encode(_ value: Int8) { add(TreeEncoding.number(value)) }
    mutating func encode(_ value: Int16) { add(TreeEncoding.number(value)) }
    mutating func encode(_ value: Int32) { add(TreeEncoding.number(value)) }
    mutating func encode(_ value: Int64) { add(TreeEncoding.number(value)) }
    mutating func encode(_ value: UInt) { add(TreeEncoding.number(value)) }
    mutating func encode(_ value: UInt8) { add(TreeEncoding.number(value)) }
    mutating func encode(_ value: UInt16) { add(TreeEncoding.number(value)) }
    mutating func encode(_ value: UInt32) { add(TreeEncoding.number(value)) }
    mutating func encode(_ value: UInt64) { add(TreeEncoding.number(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { add(try TreeEncoding.node(for: value, codingPath: nextPath)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = nextPath, child = TreeNode(.object([:]))
        add(child)
        return KeyedEncodingContainer(TreeKeyedEncoding<NestedKey>(node: child, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = nextPath, child = TreeNode(.array([]))
        add(child)
        return TreeUnkeyedEncoding(node: child, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let path = nextPath, child = TreeNode()
        add(child)
        return TreeEncoder(node: child, codingPath: path)
    }
}

struct TreeSingleValueEncoding: SingleValueEncodingContainer {
    let node: TreeNode
    let codingPath: [any CodingKey]

    private func set(_ value: StateValue) { node.content = .value(value) }

    mutating func encodeNil() { set(.null) }
    mutating func encode(_ value: Bool) { set(.bool(value)) }
    mutating func encode(_ value: String) { set(.string(value)) }
    mutating func encode(_ value: Double) { set(.number(value)) }
    mutating func encode(_ value: Float) { set(.number(Double(value))) }
    mutating func encode(_ value: Int) { set(.number(Double(value))) }
    mutating func encode(_ value: Int8) { set(.number(Double(value))) }
    mutating func encode(_ value: Int16) { set(.number(Double(value))) }
    mutating func encode(_ value: Int32) { set(.number(Double(value))) }
    mutating func encode(_ value: Int64) { set(.number(Double(value))) }
    mutating func encode(_ value: UInt) { set(.number(Double(value))) }
    mutating func encode(_ value: UInt8) { set(.number(Double(value))) }
    mutating func encode(_ value: UInt16) { set(.number(Double(value))) }
    mutating func encode(_ value: UInt32) { set(.number(Double(value))) }
    mutating func encode(_ value: UInt64) { set(.number(Double(value))) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        node.content = try TreeEncoding.node(for: value, codingPath: codingPath).content
    }
}

// MARK: - Decoding

enum TreeDecoding {
    static func decode<T: Decodable>(_ type: T.Type, from value: StateValue, codingPath: [any CodingKey]) throws -> T {
        if T.self == StateValue.self { return value as! T }   // the subtree as it is
        if T.self == [Double].self, case .numbers(let v) = value { return v as! T }
        return try T(from: TreeDecoder(value: value, codingPath: codingPath))
    }

    static func mismatch<T>(_ type: T.Type, _ expected: String, _ value: StateValue, _ path: [any CodingKey]) -> DecodingError {
        .typeMismatch(type, .init(codingPath: path, debugDescription: "expected \(expected), found \(value.valueDescription)"))
    }

    static func bool(_ value: StateValue, _ path: [any CodingKey]) throws -> Bool {
        guard case .bool(let b) = value else { throw mismatch(Bool.self, "a boolean", value, path) }
        return b
    }

    static func string(_ value: StateValue, _ path: [any CodingKey]) throws -> String {
        guard case .string(let s) = value else { throw mismatch(String.self, "a string", value, path) }
        return s
    }

    static func double(_ value: StateValue, _ path: [any CodingKey]) throws -> Double {
        guard case .number(let x) = value else { throw mismatch(Double.self, "a number", value, path) }
        return x
    }

    static func float(_ value: StateValue, _ path: [any CodingKey]) throws -> Float {
        let x = try double(value, path)
        let f = Float(x)
        guard f.isFinite || !x.isFinite else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "\(x) does not fit a Float"))
        }
        return f
    }

    /// A whole number in `I`'s range, or a `DecodingError` naming what was found.
    static func integer<I: FixedWidthInteger>(_ value: StateValue, _ path: [any CodingKey]) throws -> I {
        let x = try double(value, path)
        guard let i = I(exactly: x) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "expected a whole number, found \(x)"))
        }
        return i
    }
}

struct TreeDecoder: Decoder {
    let value: StateValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else {
            throw TreeDecoding.mismatch([String: StateValue].self, "an object", value, codingPath)
        }
        return KeyedDecodingContainer(TreeKeyedDecoding<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard let items = value.elements else { throw TreeDecoding.mismatch([StateValue].self, "an array", value, codingPath) }
        return TreeUnkeyedDecoding(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        TreeSingleValueDecoding(value: value, codingPath: codingPath)
    }
}

struct TreeKeyedDecoding<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: StateValue]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }
    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    private func member(_ key: Key) throws -> StateValue {
        guard let v = members[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no member '\(key.stringValue)'"))
        }
        return v
    }
    private func path(_ key: Key) -> [any CodingKey] { codingPath + [key] }

    func decodeNil(forKey key: Key) throws -> Bool { if case .null = try member(key) { true } else { false } }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try TreeDecoding.bool(member(key), path(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try TreeDecoding.string(member(key), path(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try TreeDecoding.double(member(key), path(key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try TreeDecoding.float(member(key), path(key)) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try TreeDecoding.integer(member(key), path(key)) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try TreeDecoding.integer(member(key), path(key)) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try TreeDecoding.integer(member(key), path(key)) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try TreeDecoding.integer(member(key), path(key)) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try TreeDecoding.integer(member(key), path(key)) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try TreeDecoding.integer(member(key), path(key)) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try TreeDecoding.integer(member(key), path(key)) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try TreeDecoding.integer(member(key), path(key)) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try TreeDecoding.integer(member(key), path(key)) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try TreeDecoding.integer(member(key), path(key)) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try TreeDecoding.decode(T.self, from: member(key), codingPath: path(key))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try TreeDecoder(value: member(key), codingPath: path(key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try TreeDecoder(value: member(key), codingPath: path(key)).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        TreeDecoder(value: members[TreeKey.super.stringValue] ?? .null, codingPath: codingPath + [TreeKey.super])
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        TreeDecoder(value: members[key.stringValue] ?? .null, codingPath: path(key))
    }
}

struct TreeUnkeyedDecoding: UnkeyedDecodingContainer {
    let items: [StateValue]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(items: [StateValue], codingPath: [any CodingKey]) { self.items = items; self.codingPath = codingPath }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private var path: [any CodingKey] { codingPath + [TreeKey(intValue: currentIndex)] }

    private mutating func next<T>(_ type: T.Type, _ read: (StateValue, [any CodingKey]) throws -> T) throws -> T {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, .init(codingPath: path, debugDescription: "the array has only \(items.count) elements"))
        }
        let v = try read(items[currentIndex], path)
        currentIndex += 1
        return v
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, case .null = items[currentIndex] else { return false }
        currentIndex += 1
        return true
    }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type, TreeDecoding.bool) }
    mutating func decode(_ type: String.Type) throws -> String { try next(type, TreeDecoding.string) }
    mutating func decode(_ type: Double.Type) throws -> Double { try next(type, TreeDecoding.double) }
    mutating func decode(_ type: Float.Type) throws -> Float { try next(type, TreeDecoding.float) }
    mutating func decode(_ type: Int.Type) throws -> Int { try next(type, TreeDecoding.integer) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next(type, TreeDecoding.integer) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next(type, TreeDecoding.integer) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next(type, TreeDecoding.integer) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next(type, TreeDecoding.integer) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next(type, TreeDecoding.integer) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next(type, TreeDecoding.integer) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next(type, TreeDecoding.integer) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next(type, TreeDecoding.integer) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next(type, TreeDecoding.integer) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try next(type) { v, p in try TreeDecoding.decode(T.self, from: v, codingPath: p) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next(KeyedDecodingContainer<NestedKey>.self) { v, p in try TreeDecoder(value: v, codingPath: p).container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next((any UnkeyedDecodingContainer).self) { v, p in try TreeDecoder(value: v, codingPath: p).unkeyedContainer() }
    }

    mutating func superDecoder() throws -> any Decoder {
        try next((any Decoder).self) { v, p in TreeDecoder(value: v, codingPath: p) }
    }
}

struct TreeSingleValueDecoding: SingleValueDecodingContainer {
    let value: StateValue
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { if case .null = value { true } else { false } }
    func decode(_ type: Bool.Type) throws -> Bool { try TreeDecoding.bool(value, codingPath) }
    func decode(_ type: String.Type) throws -> String { try TreeDecoding.string(value, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try TreeDecoding.double(value, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try TreeDecoding.float(value, codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try TreeDecoding.integer(value, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try TreeDecoding.integer(value, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try TreeDecoding.integer(value, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try TreeDecoding.integer(value, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try TreeDecoding.integer(value, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try TreeDecoding.integer(value, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try TreeDecoding.integer(value, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try TreeDecoding.integer(value, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try TreeDecoding.integer(value, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try TreeDecoding.integer(value, codingPath) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try TreeDecoding.decode(T.self, from: value, codingPath: codingPath) }
}
