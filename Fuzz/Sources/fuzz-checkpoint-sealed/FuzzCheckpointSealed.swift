// Checkpoints behind the checksum: each input's checksum digits are rewritten to the CRC-32C of its
// bytes (`CheckpointHarness.resealed`) before it is loaded and resumed, so the fuzzer explores the
// JSON decoding, the model and loop-state validation and the resumed trainer instead of stopping at
// "checksum mismatch". Seeds are real checkpoints (Fuzz/Corpus/checkpoint-sealed).
import Descent
import FuzzSupport

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    CheckpointHarness.initialize()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpointSealed(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let sealed = CheckpointHarness.resealed(FuzzInput(data, size).bytes)
    let path = sealed.withUnsafeBufferPointer { writeScratchFile("checkpoint.json", $0) }
    CheckpointHarness.exercise(path: path)
    return 0
}
