/// A seeded, reproducible random number generator (xoshiro256**, Blackman & Vigna 2018), seeded
/// through SplitMix64 so that any 64-bit seed gives a well-mixed state. Its whole state is four
/// words and is `Codable`, so checkpoints can restore it exactly. Same seed ⇒ same sequence on
/// every platform.
public struct SeededGenerator: RandomNumberGenerator, Codable, Sendable, Equatable {
    var s0, s1, s2, s3: UInt64

    /// The four state words, for saving; `init(state:)` restores them.
    public var state: [UInt64] { [s0, s1, s2, s3] }

    /// A generator whose state is derived from `seed` (the same seed gives the same numbers on every machine).
    public init(seed: UInt64) {
        var z = seed
        var s = [UInt64](repeating: 0, count: 4)
        for i in 0..<4 {
            // SplitMix64
            z &+= 0x9E37_79B9_7F4A_7C15
            var x = z
            x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
            x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
            s[i] = x ^ (x >> 31)
        }
        (s0, s1, s2, s3) = (s[0], s[1], s[2], s[3])
    }

    /// Restores a generator from a saved `state` (four words, not all zero); a programmer error
    /// otherwise. For a state read from a file, use `init(validatingState:)`.
    public init(state: [UInt64]) {
        precondition(state.count == 4 && state.contains { $0 != 0 }, "generator state must be four words, not all zero")
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
    }

    /// Why a saved generator state cannot be restored.
    public struct InvalidState: Error, CustomStringConvertible, Equatable, Sendable {
        public var description: String
    }

    /// Restores a generator from a state read from a file (a checkpoint), throwing `InvalidState`
    /// when it is not four words or is all zero (xoshiro's one fixed point: it would yield only 0).
    public init(validatingState state: [UInt64]) throws {
        guard state.count == 4 else {
            throw InvalidState(description: "generator state has \(state.count) words, expected 4")
        }
        guard state.contains(where: { $0 != 0 }) else { throw InvalidState(description: "generator state is all zero") }
        self.init(state: state)
    }

    static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = Self.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotl(s3, 45)
        return result
    }

    /// A uniform `Double` in [0, 1) from the top 53 bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A standard normal deviate (Box–Muller; uses two uniforms per call, no cached spare, so the
    /// stream position depends only on the number of calls).
    public mutating func nextGaussian() -> Double {
        let u1 = 1 - nextUnit()  // (0, 1]
        let u2 = nextUnit()
        return (-2 * Double.log(u1)).squareRoot() * Double.cos(2 * Double.pi * u2)
    }
}

extension SeededGenerator {
    /// Fisher–Yates in place, with a fixed, documented order of draws (so a seed gives the same
    /// permutation on every platform and Swift version, unlike `shuffle(using:)`, whose algorithm
    /// is unspecified): for i = n−1 down to 1, j uniform in 0…i by `Int.random(in:using:)`
    /// (Lemire's unbiased method), then positions i and j swap. Does not allocate.
    public mutating func shuffle(_ elements: inout [Int]) {
        // Swapped through the buffer: `Array.swapAt` unspecialised (a debug build) allocated per swap.
        elements.withUnsafeMutableBufferPointer { e in
            var i = e.count - 1
            while i > 0 {
                let j = Int.random(in: 0...i, using: &self)
                let t = e[i]; e[i] = e[j]; e[j] = t
                i -= 1
            }
        }
    }
}
