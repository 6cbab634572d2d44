extension BLASRuntime {
    /// OpenBLAS kernels without AVX: what a `DYNAMIC_ARCH` build falls back to on a CPU it does not
    /// recognise (0.3.21 picks Prescott for a Sapphire-Rapids-class Xeon), lower-cased.
    static let preAVXCoreNames: Set<String> = [
        "katmai", "coppermine", "northwood", "prescott", "banias", "core2", "penryn", "dunnington",
        "nehalem", "atom", "generic",
    ]

    /// A one-line warning when OpenBLAS runs pre-AVX kernels (`coreName` Prescott, Katmai, generic…)
    /// on a CPU with AVX2 or AVX-512 (`RowKernels.instructionSet`: the CPU's own feature bits, as
    /// /proc/cpuinfo lists them), naming the `OPENBLAS_CORETYPE` value that fixes it; nil otherwise.
    public static var kernelWarning: String? {
        kernelWarning(coreName: coreName, instructionSet: RowKernels.instructionSet)
    }

    /// The warning for a given OpenBLAS core name and CPU instruction set ("avx512f", "avx2" or
    /// "baseline"); nil when the kernels fit the CPU.
    public static func kernelWarning(coreName: String, instructionSet: String) -> String? {
        guard preAVXCoreNames.contains(coreName.lowercased()) else { return nil }
        let (features, suggestion): (String, String)
        switch instructionSet {
        case "avx512f": (features, suggestion) = ("AVX-512", "SkylakeX")
        case "avx2": (features, suggestion) = ("AVX2", "Haswell")
        default: return nil
        }
        return "OpenBLAS did not recognise this CPU and runs its generic \(coreName) kernels, but the CPU has "
            + "\(features): set OPENBLAS_CORETYPE=\(suggestion) in the environment (gemm runs several times faster)"
    }
}
