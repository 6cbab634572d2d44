import CBLAS

/// The BLAS library's threading and build information.
public enum BLASRuntime {
    /// The number of threads OpenBLAS uses for level-2/3 calls. Setting it applies process-wide.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set {
            precondition(newValue >= 1, "BLAS thread count must be at least 1, got \(newValue)")
            openblas_set_num_threads(Int32(clamping: newValue))
        }
    }

    /// The CPU kernel OpenBLAS selected at load time (e.g. "Haswell", "SkylakeX").
    public static var coreName: String {
        openblas_get_corename().map { String(cString: $0) } ?? "unknown"
    }

    /// OpenBLAS's build configuration string (version, threading, kernels).
    public static var configuration: String {
        openblas_get_config().map { String(cString: $0) } ?? "unknown"
    }
}
