/// The rules licence fields follow, checked byte by byte (no regular expressions: they would
/// bring ICU into the Lambda binary).
enum FieldRules {
    /// Why `email` is not an address this service accepts, or `nil`. Strict: ASCII, no spaces or
    /// control characters, one `@`, a local part of 1–64 characters without leading, trailing or
    /// doubled dots, a domain of dot-separated labels (letters, digits, inner hyphens) with at
    /// least one dot.
    static func emailProblem(_ email: String) -> String? {
        let bytes = Array(email.utf8)
        guard bytes.count <= 254 else { return "must be at most 254 characters" }
        guard let at = bytes.firstIndex(of: UInt8(ascii: "@")), bytes.lastIndex(of: UInt8(ascii: "@")) == at else {
            return "must be an email address with exactly one @"
        }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        let dot = UInt8(ascii: ".")
        guard (1...64).contains(local.count) else { return "must have 1 to 64 characters before the @" }
        let localSymbols = Set("!#$%&'*+/=?^_`{|}~-".utf8)
        for (i, b) in zip(local.indices, local) {
            if b == dot {
                guard i != local.startIndex, i != local.index(before: local.endIndex), local[i - 1] != dot else {
                    return "must not start, end or repeat a dot before the @"
                }
            } else if !(isLetterOrDigit(b) || localSymbols.contains(b)) {
                return "must not contain \(describe(b)) before the @"
            }
        }
        let labels = domain.split(separator: dot, omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return "must have a dot in the domain after the @" }
        for label in labels {
            guard (1...63).contains(label.count) else { return "must have a domain of non-empty labels" }
            guard label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-") else {
                return "must not have a domain label starting or ending with a hyphen"
            }
            if let bad = label.first(where: { !isLetterOrDigit($0) && $0 != UInt8(ascii: "-") }) {
                return "must not contain \(describe(bad)) in the domain"
            }
        }
        return nil
    }

    /// Emails are unique whatever their letter case: the stored and looked-up form.
    static func normalizedEmail(_ email: String) -> String {
        String(decoding: email.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// A control character (C0, DEL, C1), or a bidirectional override or isolate that can make
    /// text display other than it reads (U+202A–U+202E, U+2066–U+2069), found in `text`.
    static func forbiddenCharacter(in text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first { scalar in
            let v = scalar.value
            return v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v)
                || (0x2066...0x2069).contains(v)
        }
    }

    /// 6 to 20 digits, spaces, `(`, `)`, `-`, with an optional leading `+`.
    static func isTelephone(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (6...20).contains(bytes.count) else { return false }
        let allowed = Set(" ()-".utf8)
        return bytes.enumerated().allSatisfy { i, b in
            isDigit(b) || allowed.contains(b) || (i == 0 && b == UInt8(ascii: "+"))
        }
    }

    /// 2 to 10 ASCII letters, digits or spaces.
    static func isPostcode(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return (2...10).contains(bytes.count) && bytes.allSatisfy { isLetterOrDigit($0) || $0 == UInt8(ascii: " ") }
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    static func isLetterOrDigit(_ b: UInt8) -> Bool {
        isDigit(b) || ((b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z"))
    }

    static func describe(_ b: UInt8) -> String {
        if b < 0x20 || b == 0x7F { return "the control character U+\(String(b, radix: 16, uppercase: true))" }
        return b >= 0x80 ? "a non-ASCII character" : "'\(Character(Unicode.Scalar(b)))'"
    }
}
