/// A read bandwidth at 1…N threads: the streaming read of a whole array, or shuffled rows of one width.
public struct BandwidthLimit: Codable, Equatable, Sendable {
    /// The array read (bytes).
    public var arrayBytes: Int
    /// Row width for the shuffled-row read; nil for the streaming read.
    public var rowBytes: Int?
    /// Bytes read per repetition (the whole array for the streaming read; a slice of the shuffled
    /// order for rows).
    public var bytesPerRepetition: Int
    /// Rows prefetched ahead (shuffled rows only).
    public var prefetchDistance: Int?
    /// The best figure at each thread count.
    public var measurements: [LimitMeasurement]

    /// A limit with these sizes and measurements.
    public init(arrayBytes: Int, rowBytes: Int?, bytesPerRepetition: Int, prefetchDistance: Int?,
                measurements: [LimitMeasurement]) {
        self.arrayBytes = arrayBytes; self.rowBytes = rowBytes; self.bytesPerRepetition = bytesPerRepetition
        self.prefetchDistance = prefetchDistance; self.measurements = measurements
    }

    /// "streaming read" or "shuffled rows 1 KiB".
    public var name: String {
        rowBytes.map { "shuffled rows \(ByteCountText.format($0))" } ?? "streaming read"
    }

    /// The limit at `threads` threads, if it was measured.
    public func reference(threads: Int) -> LimitReference? {
        measurements.first { $0.threads == threads }.map {
            LimitReference(name: name, threads: threads, value: $0.value, unit: "GB/s")
        }
    }
}

/// Byte counts as the benchmark prints them: "400 B", "1 KiB", "1.5 KiB", "1 GiB".
public enum ByteCountText {
    /// `bytes` in B, KiB, MiB, GiB or TiB, as the benchmark prints it.
    public static func format(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes), unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        let text = value == value.rounded() ? String(Int(value)) : String((value * 10).rounded() / 10)
        return "\(text) \(units[unit])"
    }
}
