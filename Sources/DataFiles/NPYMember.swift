import LinearAlgebra

/// A `.npy` array held in memory (a member of an `.npz` archive): its header, parsed as `NPYFile`
/// parses a file's (`NPYHeader`, `NPYElement`), and its payload. `member` names it in errors.
struct NPYMember {
    var header: NPYHeader
    var payload: ArraySlice<UInt8>
    var file: String
    var member: String

    var elementCount: Int { header.shape.reduce(1, *) }

    private static func fail(_ kind: DataError.Kind, _ file: String, _ member: String, _ message: String) -> DataError {
        DataError(kind, file: file, "\(member): \(message)")
    }
    private func fail(_ kind: DataError.Kind, _ message: String) -> DataError { Self.fail(kind, file, member, message) }

    init(_ bytes: [UInt8], file: String, member: String) throws {
        self.file = file; self.member = member
        guard bytes.count >= 10, Array(bytes[0..<6]) == NPYHeader.magic else {
            throw Self.fail(.npyFormat, file, member, "not a NumPy .npy array (the magic bytes \\x93NUMPY are missing)")
        }
        let (major, minor) = (bytes[6], bytes[7])
        let headerLength: Int, dataStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            dataStart = 10 + headerLength
        case 2, 3:
            guard bytes.count >= 12 else { throw Self.fail(.truncated, file, member, "the array ends inside the .npy preamble") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            dataStart = 12 + headerLength
        default:
            throw Self.fail(.npyFormat, file, member, ".npy format version \(major).\(minor) is not supported (1.0, 2.0 and 3.0 are)")
        }
        guard dataStart <= bytes.count else {
            throw Self.fail(.truncated, file, member, "the array ends inside its .npy header")
        }
        header = try NPYHeader.parse(String(decoding: bytes[(dataStart - headerLength)..<dataStart], as: UTF8.self)) {
            Self.fail(.npyFormat, file, member, $0)
        }
        payload = bytes[dataStart...]
        guard header.shape.count <= 1 || !header.fortranOrder else {
            throw fail(.npyOrder, "the array is in Fortran order")
        }
    }

    /// The element type, for numeric members.
    func element() throws -> NPYElement {
        guard let e = NPYElement(descr: header.descr) else {
            throw fail(.npyDtype, "dtype '\(header.descr)' is not supported: float, integer and bool arrays are read")
        }
        return e
    }

    /// Checks that the payload holds exactly the shape's elements of `size` bytes.
    func checkPayload(elementSize size: Int) throws {
        var count = 1
        for d in header.shape {
            let (c, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else { throw fail(.npyShape, "shape \(header.shapeText) is too large") }
            count = c
        }
        let (expected, overflow) = count.multipliedReportingOverflow(by: size)
        guard !overflow, expected == payload.count else {
            throw fail(payload.count < expected ? .truncated : .npyFormat,
                       "shape \(header.shapeText) of '\(header.descr)' needs \(overflow ? "more" : "\(expected)") data bytes, the array holds \(payload.count)")
        }
    }

    /// A 1-D array (`expected` elements when given).
    func checkVector(_ what: String, count expected: Int? = nil) throws {
        guard header.shape.count == 1 else {
            throw fail(.npyShape, "the \(what) array has shape \(header.shapeText); expected a vector")
        }
        if let expected, header.shape[0] != expected {
            throw fail(.npyShape, "the \(what) array has \(header.shape[0]) elements, expected \(expected)")
        }
    }

    /// The elements of an integer array as `Int`s.
    func integers() throws -> [Int] {
        let e = try element()
        guard e.kind == .signed || e.kind == .unsigned else {
            throw fail(.npyDtype, "dtype '\(header.descr)' is not an integer type")
        }
        try checkPayload(elementSize: e.size)
        return try payload.withUnsafeBytes { raw in
            try (0..<elementCount).map { k -> Int in
                let p = raw.baseAddress! + k * e.size
                switch (e.kind, e.size) {
                case (.signed, 1): return Int(p.load(as: Int8.self))
                case (.unsigned, 1): return Int(p.load(as: UInt8.self))
                case (.signed, 2): return Int(Int16(bitPattern: e.swap ? p.loadUnaligned(as: UInt16.self).byteSwapped : p.loadUnaligned(as: UInt16.self)))
                case (.unsigned, 2): return Int(e.swap ? p.loadUnaligned(as: UInt16.self).byteSwapped : p.loadUnaligned(as: UInt16.self))
                case (.signed, 4): return Int(Int32(bitPattern: e.swap ? p.loadUnaligned(as: UInt32.self).byteSwapped : p.loadUnaligned(as: UInt32.self)))
                case (.unsigned, 4): return Int(e.swap ? p.loadUnaligned(as: UInt32.self).byteSwapped : p.loadUnaligned(as: UInt32.self))
                case (.signed, _): return Int(Int64(bitPattern: e.swap ? p.loadUnaligned(as: UInt64.self).byteSwapped : p.loadUnaligned(as: UInt64.self)))
                default:
                    let v = e.swap ? p.loadUnaligned(as: UInt64.self).byteSwapped : p.loadUnaligned(as: UInt64.self)
                    guard v <= UInt64(Int.max) else { throw fail(.invalidValue, "element \(k) (\(v)) is too large") }
                    return Int(v)
                }
            }
        }
    }

    /// The elements of a numeric array as `Scalar`s (floats converted, integers rounded to nearest,
    /// bool 0 or 1, as `NPYFile` reads them).
    func scalars<Scalar: BLASScalar>(as _: Scalar.Type) throws -> [Scalar] {
        let e = try element()
        try checkPayload(elementSize: e.size)
        if e.kind != .float {
            if e.kind == .bool { return payload.map { $0 != 0 ? 1 : 0 } }
            // Integers: exact in Int (an unsigned 64-bit value above Int.max is refused by integers()).
            return try integers().map { Scalar($0) }
        }
        return payload.withUnsafeBytes { raw in
            (0..<elementCount).map { k -> Scalar in
                let p = raw.baseAddress! + k * e.size
                if e.size == 4 {
                    let bits = p.loadUnaligned(as: UInt32.self)
                    return Scalar(Float(bitPattern: e.swap ? bits.byteSwapped : bits))
                }
                let bits = p.loadUnaligned(as: UInt64.self)
                return Scalar(Double(bitPattern: e.swap ? bits.byteSwapped : bits))
            }
        }
    }

    /// A 0-d string array (`|S3` bytes or `<U3` UTF-32), as numpy saves a Python `bytes`/`str`.
    func string() throws -> String {
        let d = Array(header.descr.utf8)
        guard d.count >= 3, d[1] == UInt8(ascii: "S") || d[1] == UInt8(ascii: "U"),
              let width = Int(String(decoding: d[2...], as: UTF8.self)), header.shape.isEmpty else {
            throw fail(.npyDtype, "expected a string, found dtype '\(header.descr)' of shape \(header.shapeText)")
        }
        let unicode = d[1] == UInt8(ascii: "U")
        try checkPayload(elementSize: unicode ? 4 * width : width)
        if !unicode { return String(decoding: payload.prefix { $0 != 0 }, as: UTF8.self) }
        let big = d[0] == UInt8(ascii: ">")
        var scalars = String.UnicodeScalarView()
        payload.withUnsafeBytes { raw in
            for k in 0..<width {
                let u = raw.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self)
                let v = big ? u.byteSwapped : u
                if v == 0 { break }
                scalars.append(Unicode.Scalar(v) ?? "?")
            }
        }
        return String(scalars)
    }
}
