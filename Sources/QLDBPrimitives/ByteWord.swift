/// Tests on eight bytes at once (SWAR: a `UInt64` loaded from a byte buffer), for scans that
/// look for rare bytes: JSON escapes, Ion Hash markers, whitespace in SigV4 header values. Each
/// test is exact, as a yes or no for the whole word; the caller finds the byte itself.
public enum ByteWord {
    /// `byte` in every byte of a word.
    @inlinable
    public static func broadcast(_ byte: UInt8) -> UInt64 { 0x0101_0101_0101_0101 &* UInt64(byte) }

    /// Whether any byte of `word` is zero.
    @inlinable
    public static func hasZeroByte(_ word: UInt64) -> Bool {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0
    }

    /// Whether any byte of `word` equals `byte`.
    @inlinable
    public static func hasByte(_ word: UInt64, equalTo byte: UInt8) -> Bool { hasZeroByte(word ^ broadcast(byte)) }

    /// Whether any byte of `word` lies in `range`, whose bounds must be between 1 and 0x7E: the
    /// exact test for a byte strictly between `range.lowerBound - 1` and `range.upperBound + 1`.
    @inlinable
    public static func hasByte(_ word: UInt64, in range: ClosedRange<UInt8>) -> Bool {
        let low7 = word & 0x7F7F_7F7F_7F7F_7F7F
        let belowUpper = broadcast(127 + range.upperBound + 1) &- low7
        let aboveLower = low7 &+ broadcast(127 - (range.lowerBound - 1))
        return belowUpper & ~word & aboveLower & 0x8080_8080_8080_8080 != 0
    }

    /// Whether any byte of `word` is below `bound` (at most 0x80; bytes with the top bit set never
    /// count).
    @inlinable
    public static func hasByte(_ word: UInt64, lessThan bound: UInt8) -> Bool {
        (word &- broadcast(bound)) & ~word & 0x8080_8080_8080_8080 != 0
    }
}
