import Testing
import Descent

/// The warning for OpenBLAS on generic kernels on a CPU that has AVX2 or AVX-512.
@Suite struct BLASKernelCheckTests {
    @Test func genericKernelsOnAWideCPUAreReported() throws {
        let avx512 = try #require(BLASRuntime.kernelWarning(coreName: "Prescott", instructionSet: "avx512f"))
        #expect(avx512.contains("Prescott") && avx512.contains("AVX-512") && avx512.contains("OPENBLAS_CORETYPE=SkylakeX"))
        let avx2 = try #require(BLASRuntime.kernelWarning(coreName: "Katmai", instructionSet: "avx2"))
        #expect(avx2.contains("OPENBLAS_CORETYPE=Haswell"))
        #expect(BLASRuntime.kernelWarning(coreName: "generic", instructionSet: "avx2") != nil)
        #expect(!avx512.contains("\n"))
    }

    @Test func fittingKernelsAreNot() {
        #expect(BLASRuntime.kernelWarning(coreName: "SkylakeX", instructionSet: "avx512f") == nil)
        #expect(BLASRuntime.kernelWarning(coreName: "Haswell", instructionSet: "avx2") == nil)
        #expect(BLASRuntime.kernelWarning(coreName: "Cooperlake", instructionSet: "avx512f") == nil)
        // A CPU without AVX2: the generic kernels are the right ones.
        #expect(BLASRuntime.kernelWarning(coreName: "Prescott", instructionSet: "baseline") == nil)
    }
}
