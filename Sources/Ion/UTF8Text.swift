/// Turning validated UTF-8 bytes into `String`s quickly.
enum UTF8Text {
    /// Whether every byte is ASCII, checked eight bytes at a time.
    @inlinable
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let count = bytes.count
        while i + 8 <= count {
            if bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < count {
            if bytes[i] & 0x80 != 0 { return false }
            i += 1
        }
        return true
    }

    /// The string these bytes spell, or `nil` if they are not well-formed UTF-8.
    @inlinable
    static func string(_ bytes: UnsafeRawBufferPointer) -> String? {
        let typed = bytes.assumingMemoryBound(to: UInt8.self)
        // ASCII needs no validation, and `String(decoding:)` copies valid input directly.
        if isASCII(bytes) { return String(decoding: typed, as: UTF8.self) }
        return String(validating: typed, as: UTF8.self)
    }
}
