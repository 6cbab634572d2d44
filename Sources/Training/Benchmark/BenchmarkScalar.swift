import LinearAlgebra

/// The precision a benchmark runs in (the JSON names are `float` and `double`).
public enum BenchmarkScalar: String, Codable, Sendable, CaseIterable {
    /// 32-bit floats.
    case float
    /// 64-bit floats.
    case double

    /// Bytes per element.
    public var byteCount: Int {
        switch self {
        case .float: MemoryLayout<Float>.stride
        case .double: MemoryLayout<Double>.stride
        }
    }

    /// The gemm routine's name for this precision (`sgemm`, `dgemm`).
    public var gemmName: String { self == .float ? "sgemm" : "dgemm" }

    /// The case for a `BLASScalar` type.
    public static func of<S: BLASScalar>(_: S.Type) -> BenchmarkScalar {
        MemoryLayout<S>.stride == MemoryLayout<Float>.stride ? .float : .double
    }
}

/// Why a benchmark cannot run as set up (a size the machine cannot hold, a setting out of range).
public struct BenchmarkError: Error, CustomStringConvertible, Equatable, Sendable {
    public var description: String
    /// An error with this message.
    public init(_ description: String) { self.description = description }
}
