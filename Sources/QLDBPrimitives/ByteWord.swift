/// Tests on eight bytes at once (SWAR: a `UInt64` loaded from a byte buffer), for scans that
/// look for rare bytes: JSON escapes, Ion Hash markers, whitespace in SigV4 header values. Each
/// test is exact, as a yes or no for the whole word; the caller finds the byte itself.
public enum ByteWord {
    /// `byte` in every byte of a word.
    @inlinable @inline(__always)
    public static func broadcast(_ byte: UInt8) -> UInt64 { 0x0101_0101_0101_0101 &* UInt64(byte) }

    /// Whether any byte of `word` is zero.
    @inlinable @inline(__always)
    public static func hasZeroByte(_ word: UInt64) -> Bool {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0
    }

    /// Whether any byte of `word` equals `byte`.
    @inlinable @inline(__always)
    public static func hasByte(_ word: UInt64, equalTo byte: UInt8) -> Bool { hasZeroByte(word ^ broadcast(byte)) }

    /// Whether any byte of `word` lies in `range`, whose bounds must be between 1 and 0x7E: the
    /// exact test for a byte strictly between `range.lowerBound - 1` and `range.upperBound + 1`.
    @inlinable @inline(__always)
    public static func hasByte(_ word: UInt64, in range: ClosedRange<UInt8>) -> Bool {
        bytes(of: word, in: range) != 0
    }

    /// The bytes of `word` that lie in `range` (bounds between 1 and 0x7E), marked by `0x80` in
    /// their place and nothing elsewhere: no carry or borrow crosses a byte, so unlike the
    /// zero-byte test the mark is exact for every byte.
    @inlinable @inline(__always)
    public static func bytes(of word: UInt64, in range: ClosedRange<UInt8>) -> UInt64 {
        let low7 = word & 0x7F7F_7F7F_7F7F_7F7F
        let belowUpper = broadcast(127 + range.upperBound + 1) &- low7
        let aboveLower = low7 &+ broadcast(127 - (range.lowerBound - 1))
        return belowUpper & ~word & aboveLower & 0x8080_8080_8080_8080
    }

    /// The bytes of `word` equal to `byte`, marked by `0x80` in their place and nothing elsewhere
    /// (exact for every byte).
    @inlinable @inline(__always)
    public static func bytes(of word: UInt64, equalTo byte: UInt8) -> UInt64 {
        let x = word ^ broadcast(byte)
        return ~((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F | x) & 0x8080_8080_8080_8080
    }

    /// Whether any byte of `word` is below `bound` (at most 0x80; bytes with the top bit set never
    /// count).
    @inlinable @inline(__always)
    public static func hasByte(_ word: UInt64, lessThan bound: UInt8) -> Bool {
        (word &- broadcast(bound)) & ~word & 0x8080_8080_8080_8080 != 0
    }
}
