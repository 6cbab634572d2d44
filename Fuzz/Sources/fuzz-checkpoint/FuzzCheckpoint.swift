// Checkpoint files as they are on disk: `TrainingCheckpoint<Double>.load` (format version, then the
// CRC-32C over the raw bytes, then the fingerprint and the document) and resuming training from
// one (`CheckpointHarness`). Almost every mutation stops at the checksum, as it should; the
// fuzz-checkpoint-sealed target re-seals its inputs to reach the decoder behind it.
import Descent
import FuzzSupport

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    CheckpointHarness.initialize()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpoint(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    CheckpointHarness.exercise(path: writeScratchFile("checkpoint.json", FuzzInput(data, size).bytes))
    return 0
}
