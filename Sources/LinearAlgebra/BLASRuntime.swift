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

    /// The most threads this OpenBLAS was built for (`MAX_THREADS` in its configuration string; 64,
    /// Debian's build, when the string does not say). It silently uses no more than this.
    public static var maximumThreads: Int {
        for word in configuration.split(separator: " ") where word.hasPrefix("MAX_THREADS=") {
            if let n = Int(word.dropFirst("MAX_THREADS=".count)), n >= 1 { return n }
        }
        return 64
    }

    /// OpenBLAS's build configuration string (version, threading, kernels).
    public static var configuration: String {
        openblas_get_config().map { String(cString: $0) } ?? "unknown"
    }
}
