/// An element type a `Communicator` can reduce: `Float` or `Double` (the library's `BLASScalar`s
/// refine this protocol, so every training buffer can be allreduced as it is).
public protocol CollectiveScalar: BinaryFloatingPoint, Sendable {
    /// Which MPI-style datatype the element is, for implementations that need a tag.
    static var collectiveKind: CollectiveScalarKind { get }
}

/// The element types a collective can carry.
public enum CollectiveScalarKind: Sendable {
    /// 32-bit IEEE floats (`Float`).
    case float32
    /// 64-bit IEEE floats (`Double`).
    case float64
}

extension Float: CollectiveScalar {
    public static var collectiveKind: CollectiveScalarKind { .float32 }
}

extension Double: CollectiveScalar {
    public static var collectiveKind: CollectiveScalarKind { .float64 }
}
