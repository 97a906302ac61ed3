import QLDBPrimitives

extension IonTextParser {
    enum TextKind { case string, symbol, clob }

    /// Reads a quoted string or symbol (short form) starting at its opening quote.
    mutating func readQuoted(quote: UInt8, long: Bool) throws(IonError) -> String {
        p += 1
        // Most strings have no escapes and no control characters: take them straight from the input.
        var q = p
        while q < buf.count {
            let c = buf[q]
            if c == quote {
                guard let s = UTF8Text.string(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buf[p..<q]))) else {
                    throw fail(.invalidUTF8, "text is not valid UTF-8")
                }
                p = q + 1
                return s
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { break }
            q += 1
        }
        var bytes: [UInt8] = []
        try readText(into: &bytes, close: quote, long: false, kind: quote == UInt8(ascii: "'") ? .symbol : .string)
        return try makeString(bytes)
    }

    /// Reads one or more adjacent long strings (`'''…'''`), concatenated.
    mutating func readLongStrings(_ context: Context) throws(IonError) -> String {
        var bytes: [UInt8] = []
        while true {
            p += 3
            try readText(into: &bytes, close: UInt8(ascii: "'"), long: true, kind: .string)
            let afterSegment = p
            try skipWhitespace()
            if peek() == UInt8(ascii: "'") && peek(1) == UInt8(ascii: "'") && peek(2) == UInt8(ascii: "'") { continue }
            p = afterSegment
            return try makeString(bytes)
        }
    }

    func makeString(_ bytes: [UInt8]) throws(IonError) -> String {
        guard let s = bytes.withUnsafeBytes({ UTF8Text.string($0) }) else {
            throw fail(.invalidUTF8, "text is not valid UTF-8")
        }
        return s
    }

    /// Reads text up to its closing delimiter (one quote, or three for long strings), decoding
    /// escapes. For clobs the bytes are kept as they are and must be ASCII.
    mutating func readText(into out: inout [UInt8], close: UInt8, long: Bool, kind: TextKind) throws(IonError) {
        let open = p
        while true {
            guard p < buf.count else {
                throw fail(
                    .truncated,
                    "\(kind == .symbol ? "quoted symbol" : kind == .clob ? "clob" : "string") is not closed", at: open)
            }
            let c = buf[p]
            if c == close {
                if !long {
                    p += 1
                    return
                }
                if peek(1) == close && peek(2) == close {
                    p += 3
                    return
                }
                out.append(c)
                p += 1
                continue
            }
            if c == UInt8(ascii: "\\") {
                try readEscape(into: &out, kind: kind)
                continue
            }
            if c < 0x20 {
                let allowed = c == 0x09 || c == 0x0B || c == 0x0C || (long && (c == 0x0A || c == 0x0D))
                guard allowed else {
                    if c == 0x0A || c == 0x0D {
                        throw fail(
                            .invalidState,
                            "a line break inside a quoted \(kind == .symbol ? "symbol" : "string"); use '''long strings''' or \\n"
                        )
                    }
                    throw fail(
                        .invalidState,
                        "raw control character 0x\(String(c, radix: 16, uppercase: true)) in text; escape it")
                }
                if c == 0x0D {
                    // Raw CR LF and CR in long text are line breaks, read as LF.
                    if peek(1) != 0x0A { out.append(0x0A) }
                    p += 1
                    continue
                }
            } else if c >= 0x80 && kind == .clob {
                throw fail(
                    .invalidState, "clobs hold ASCII only; found byte 0x\(String(c, radix: 16, uppercase: true))")
            }
            out.append(c)
            p += 1
        }
    }

    mutating func readEscape(into out: inout [UInt8], kind: TextKind) throws(IonError) {
        let start = p
        guard let e = peek(1) else { throw fail(.truncated, "escape sequence is cut off") }
        p += 2
        let simple: UInt8?
        switch e {
        case UInt8(ascii: "a"): simple = 0x07
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "v"): simple = 0x0B
        case UInt8(ascii: "?"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "/"), UInt8(ascii: "\\"): simple = e
        case UInt8(ascii: "0"): simple = 0x00
        case 0x0A:
            return  // escaped line break: nothing
        case 0x0D:
            if peek() == 0x0A { p += 1 }
            return
        case UInt8(ascii: "x"):
            let v = try readHexEscape(digits: 2, start: start)
            if kind == .clob {
                out.append(UInt8(v))
            } else {
                appendScalar(v, to: &out)
            }
            return
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            guard kind != .clob else {
                throw fail(.invalidState, "clobs do not allow \\\(Character(Unicode.Scalar(e))) escapes", at: start)
            }
            var v = try readHexEscape(digits: e == UInt8(ascii: "u") ? 4 : 8, start: start)
            if (0xD800...0xDBFF).contains(v) {
                // A high surrogate must be followed by an escaped low surrogate.
                guard peek() == UInt8(ascii: "\\"), peek(1) == UInt8(ascii: "u") else {
                    throw fail(.invalidUTF8, "unpaired surrogate \\u\(String(v, radix: 16))", at: start)
                }
                p += 2
                let low = try readHexEscape(digits: 4, start: start)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw fail(
                        .invalidUTF8, "surrogate \\u\(String(v, radix: 16)) is not followed by a low surrogate",
                        at: start)
                }
                v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(v) || v > 0x10FFFF {
                throw fail(.invalidUTF8, "\\u escape names no Unicode scalar (0x\(String(v, radix: 16)))", at: start)
            }
            appendScalar(v, to: &out)
            return
        default:
            throw fail(.invalidState, "unknown escape \\\(describe(e))", at: start)
        }
        out.append(simple!)
    }

    mutating func readHexEscape(digits: Int, start: Int) throws(IonError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<digits {
            guard let c = peek(), Self.isHexDigit(c) else {
                throw fail(.invalidState, "escape needs \(digits) hex digits", at: start)
            }
            v = v << 4 | UInt32(Self.hexValue(c))
            p += 1
        }
        return v
    }

    /// The value of a digit the caller has already checked (0 for anything else).
    @inline(__always) static func hexValue(_ c: UInt8) -> UInt8 { Hex.value(of: c) ?? 0 }

    func appendScalar(_ v: UInt32, to out: inout [UInt8]) {
        if let scalar = Unicode.Scalar(v) {
            out.append(contentsOf: UTF8.encode(scalar)!)
        }
    }

    // MARK: Lobs

    mutating func parseLob() throws(IonError) -> IonValue.Content {
        let open = p
        p += 2
        skipLobWhitespace()
        if peek() == UInt8(ascii: "\"") {
            p += 1
            var bytes: [UInt8] = []
            try readText(into: &bytes, close: UInt8(ascii: "\""), long: false, kind: .clob)
            skipLobWhitespace()
            try expectLobEnd(open)
            return .clob(bytes)
        }
        if peek() == UInt8(ascii: "'") && peek(1) == UInt8(ascii: "'") && peek(2) == UInt8(ascii: "'") {
            var bytes: [UInt8] = []
            while peek() == UInt8(ascii: "'") && peek(1) == UInt8(ascii: "'") && peek(2) == UInt8(ascii: "'") {
                p += 3
                try readText(into: &bytes, close: UInt8(ascii: "'"), long: true, kind: .clob)
                skipLobWhitespace()
            }
            try expectLobEnd(open)
            return .clob(bytes)
        }
        var text: [UInt8] = []
        while let c = peek(), c != UInt8(ascii: "}") {
            if Self.isWhitespace(c) {
                p += 1
                continue
            }
            guard Self.isBase64(c) else {
                throw fail(.invalidState, "\(describe(c)) is not a base64 character in a blob")
            }
            text.append(c)
            p += 1
        }
        try expectLobEnd(open)
        guard let bytes = Base64.decode(text, requireCanonical: true) else {
            throw fail(.invalidState, "blob is not valid base64", at: open)
        }
        return .blob(bytes)
    }

    static func isBase64(_ c: UInt8) -> Bool {
        isIdentifierPart(c) && c != UInt8(ascii: "_") && c != UInt8(ascii: "$") || c == UInt8(ascii: "+")
            || c == UInt8(ascii: "/")
            || c == UInt8(ascii: "=")
    }

    mutating func skipLobWhitespace() {
        while let c = peek(), Self.isWhitespace(c) { p += 1 }
    }

    mutating func expectLobEnd(_ open: Int) throws(IonError) {
        guard peek() == UInt8(ascii: "}"), peek(1) == UInt8(ascii: "}") else {
            if atEnd { throw fail(.truncated, "lob is not closed", at: open) }
            throw fail(.invalidState, "expected '}}' to close the lob, found \(describe(peek()))")
        }
        p += 2
    }
}
