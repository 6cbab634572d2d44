#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Raw memory for large numeric arrays: 64-byte aligned, and for blocks of `hugePageThreshold`
/// bytes or more, 2 MiB aligned with the kernel asked to back them by transparent huge pages
/// (`madvise(MADV_HUGEPAGE)`, Linux; THP is usually in `madvise` mode, so without the advice a
/// training matrix sits on 4 KiB pages and every shuffled row read pays a TLB miss).
/// NumPy does the same for its large arrays.
public enum AlignedAllocation {
    /// 2 MiB, the x86-64 and AArch64 (4 KiB granule) huge-page size.
    public static let hugePageBytes = 2 << 20
    /// Blocks from this size up are huge-page aligned and advised.
    public static let hugePageThreshold = 4 << 20

    /// `byteCount` bytes (uninitialised), or nil when the system refuses them.
    public static func allocate(byteCount: Int) -> UnsafeMutableRawPointer? {
        precondition(byteCount >= 0, "allocation of \(byteCount) bytes")
        let huge = byteCount >= hugePageThreshold
        let alignment = huge ? hugePageBytes : 64
        var raw: UnsafeMutableRawPointer? = nil
        guard posix_memalign(&raw, alignment, Swift.max(byteCount, 1)) == 0, let raw else { return nil }
        #if os(Linux)
        if huge {
            let length = (byteCount + hugePageBytes - 1) / hugePageBytes * hugePageBytes
            _ = madvise(raw, length, MADV_HUGEPAGE)   // advice only: failure leaves ordinary pages
        }
        #endif
        return raw
    }

    /// Frees a block from `allocate`.
    public static func deallocate(_ raw: UnsafeMutableRawPointer) { free(raw) }
}
