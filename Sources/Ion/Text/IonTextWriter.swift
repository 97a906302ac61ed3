import QLDBPrimitives

/// A streaming writer of Ion text.
///
/// Three layouts are offered: ``Style/compact`` (everything on one line), ``Style/lines`` (one
/// compact top-level value per line) and ``Style/pretty`` (containers spread over indented lines).
/// Symbols are quoted only when they must be, floats are printed in the shortest form that reads
/// back to the same bits, and decimals and timestamps keep their exact precision.
///
/// ```swift
/// var writer = IonTextWriter(style: .pretty)
/// try writer.write(["name": "Alice", "points": 3] as IonValue)
/// print(try writer.finishString())
/// ```
public struct IonTextWriter: IonWriter, Sendable {
    /// How values are laid out.
    public enum Style: Sendable, Hashable {
        /// All values on one line, top-level values separated by a space.
        case compact
        /// Each top-level value compact on its own line.
        case lines
        /// Containers spread over lines indented by two spaces per level.
        case pretty
    }

    struct Level: Sendable {
        var type: IonType
        var count: Int
    }

    let style: Style
    var out: [UInt8] = []
    var levels: [Level] = []
    private var topLevelCount = 0
    private var pendingField: IonSymbol? = nil
    private var pendingAnnotations: [IonSymbol] = []
    private let imports: [SymbolContext.Import]

    /// Creates a text writer. `imports` declares shared tables (written as a symbol table at the
    /// start) so that symbols with unknown text from them can be written as `$<sid>`.
    public init(style: Style = .compact, imports: [SharedSymbolTableImport] = []) {
        self.style = style
        let declared = SymbolContext.declarations(for: imports).imports
        self.imports = declared
        if !declared.isEmpty {
            out.append(contentsOf: "$ion_symbol_table::{imports:[".utf8)
            for (n, i) in declared.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: "{name:".utf8)
                Self.appendQuoted(i.name, quote: UInt8(ascii: "\""), to: &out)
                out.append(contentsOf: ",version:\(i.version),max_id:\(i.maxID)}".utf8)
            }
            out.append(contentsOf: "]}".utf8)
            topLevelCount = 1
        }
    }

    /// How many containers are open.
    public var depth: Int { levels.count }

    public mutating func setFieldName(_ name: String) { pendingField = IonSymbol(name) }
    public mutating func setFieldName(_ name: IonSymbol) throws { pendingField = name }
    public mutating func addAnnotation(_ text: String) { pendingAnnotations.append(IonSymbol(text)) }
    public mutating func addAnnotation(_ symbol: IonSymbol) throws { pendingAnnotations.append(symbol) }

    public mutating func writeNull(_ type: IonType = .null) throws {
        try begin()
        out.append(contentsOf: type == .null ? "null".utf8 : "null.\(type)".utf8)
    }

    public mutating func write(bool value: Bool) throws {
        try begin()
        out.append(contentsOf: value ? "true".utf8 : "false".utf8)
    }

    public mutating func write(int value: Int64) throws {
        try begin()
        Self.appendDecimalDigits(value, to: &out)
    }

    @_disfavoredOverload
    public mutating func write(int value: IonInt) throws {
        if let small = value.int64Value { return try write(int: small) }
        try begin()
        out.append(contentsOf: value.description.utf8)
    }

    public mutating func write(float value: Double) throws {
        try begin()
        out.append(contentsOf: Self.floatText(value).utf8)
    }

    public mutating func write(decimal value: IonDecimal) throws {
        try begin()
        Self.appendDecimal(value, to: &out)
    }

    public mutating func write(timestamp value: IonTimestamp) throws {
        try begin()
        Self.appendTimestamp(value, to: &out)
    }

    public mutating func write(symbol text: String) throws {
        try begin()
        Self.appendSymbol(text, to: &out)
    }

    public mutating func write(symbol: IonSymbol) throws {
        let text = try symbolText(symbol)
        try begin()
        if let text { Self.appendSymbol(text, to: &out) } else { out.append(contentsOf: try sidText(symbol).utf8) }
    }

    public mutating func write(string value: String) throws {
        try begin()
        Self.appendQuoted(value, quote: UInt8(ascii: "\""), to: &out)
    }

    public mutating func write(clob bytes: some Collection<UInt8>) throws {
        try begin()
        Self.appendClob(bytes, to: &out)
    }

    public mutating func write(blob bytes: some Collection<UInt8>) throws {
        try begin()
        Self.appendBlob(bytes, to: &out)
    }

    static func appendClob(_ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        out.append(contentsOf: "{{\"".utf8)
        for b in bytes {
            if b >= 0x20 && b < 0x7F && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") {
                out.append(b)
            } else {
                appendEscape(UInt32(b), to: &out)
            }
        }
        out.append(contentsOf: "\"}}".utf8)
    }

    static func appendBlob(_ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        out.append(contentsOf: "{{".utf8)
        Base64.encode(bytes, appendingTo: &out)
        out.append(contentsOf: "}}".utf8)
    }

    public mutating func stepIn(_ type: IonType) throws {
        guard type.isContainer else {
            throw IonError(.invalidState, "stepIn(_:) needs list, sexp or struct, not \(type)")
        }
        try begin()
        out.append(type == .list ? UInt8(ascii: "[") : type == .sexp ? UInt8(ascii: "(") : UInt8(ascii: "{"))
        levels.append(Level(type: type, count: 0))
    }

    public mutating func stepOut() throws {
        guard let level = levels.popLast() else {
            throw IonError(.invalidState, "stepOut() called with no open container")
        }
        guard pendingAnnotations.isEmpty, pendingField == nil || level.type != .struct else {
            throw IonError(.invalidState, "a field name or annotation was set but no value followed it")
        }
        pendingField = nil
        if style == .pretty && level.count > 0 { newline(indent: levels.count) }
        out.append(
            level.type == .list ? UInt8(ascii: "]") : level.type == .sexp ? UInt8(ascii: ")") : UInt8(ascii: "}"))
    }

    /// Returns the text written so far as UTF-8 bytes and starts a new document.
    public mutating func finish() throws -> [UInt8] {
        try endDocument()
        defer {
            out.removeAll(keepingCapacity: true)
            topLevelCount = 0
        }
        return out
    }

    /// How many bytes of text are held, not yet taken by ``finish()`` or ``flush(into:)``.
    public var pendingByteCount: Int { out.count }

    /// Moves the text written so far to the end of `buffer` and goes on with the same document
    /// (the next value is separated from the last as if nothing happened): for writing a long
    /// stream in pieces, holding at most one piece.
    public mutating func flush(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: out)
        out.removeAll(keepingCapacity: true)
    }

    /// Checks that every container is closed and ends the last line of the line styles.
    mutating func endDocument() throws {
        guard levels.isEmpty else {
            throw IonError(.invalidState, "finish() called with \(levels.count) container(s) still open")
        }
        if style != .compact && topLevelCount > 0 { out.append(UInt8(ascii: "\n")) }
    }

    /// Returns the text written so far and starts a new document.
    public mutating func finishString() throws -> String {
        String(decoding: try finish(), as: UTF8.self)
    }

    // MARK: Layout

    mutating func begin() throws {
        if let last = levels.indices.last {
            let level = levels[last]
            if level.count > 0 { out.append(level.type == .sexp ? UInt8(ascii: " ") : UInt8(ascii: ",")) }
            if style == .pretty { newline(indent: levels.count) }
            levels[last].count += 1
            if level.type == .struct {
                guard let field = pendingField else {
                    throw IonError(
                        .invalidState, "a value inside a struct needs a field name; call setFieldName(_:) first")
                }
                if let text = try symbolText(field) {
                    Self.appendSymbol(text, to: &out)
                } else {
                    out.append(contentsOf: try sidText(field).utf8)
                }
                out.append(UInt8(ascii: ":"))
                if style == .pretty { out.append(UInt8(ascii: " ")) }
            }
        } else {
            if topLevelCount > 0 { out.append(style == .compact ? UInt8(ascii: " ") : UInt8(ascii: "\n")) }
            topLevelCount += 1
        }
        pendingField = nil
        for annotation in pendingAnnotations {
            if let text = try symbolText(annotation) {
                Self.appendSymbol(text, to: &out)
            } else {
                out.append(contentsOf: try sidText(annotation).utf8)
            }
            out.append(contentsOf: "::".utf8)
        }
        pendingAnnotations.removeAll(keepingCapacity: true)
    }

    private mutating func newline(indent: Int) {
        out.append(UInt8(ascii: "\n"))
        for _ in 0..<indent { out.append(contentsOf: "  ".utf8) }
    }

    private func symbolText(_ symbol: IonSymbol) throws -> String? { symbol.text }

    func sidText(_ symbol: IonSymbol) throws -> String {
        guard let location = symbol.importLocation else { return "$0" }
        guard let table = imports.first(where: { $0.name == location.tableName }), location.position <= table.maxID
        else {
            throw IonError(
                .unknownSymbol,
                "symbol with unknown text from '\(location.tableName)' position \(location.position) needs that table among the writer's imports"
            )
        }
        return "$\(table.firstSID + location.position - 1)"
    }

    // MARK: Formatting

    static func appendDecimalDigits(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        appendDecimalDigits(value.magnitude, to: &out)
    }

    static func appendDecimalDigits(_ value: UInt64, to out: inout [UInt8]) {
        if value == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = value
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            while magnitude > 0 {
                buf[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(buf[i]) }
        }
    }

    @inline(__always)
    static func appendTwoDigits(_ v: Int, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "0") + UInt8(v / 10))
        out.append(UInt8(ascii: "0") + UInt8(v % 10))
    }

    static func appendDecimal(_ d: IonDecimal, to out: inout [UInt8]) {
        guard case .int64(let c) = d.coefficient, d.exponent <= 0, d.exponent > -19 else {
            out.append(contentsOf: d.description.utf8)
            return
        }
        // Point notation straight into the buffer: sign, integer digits, '.', fraction digits.
        if d.isNegative { out.append(UInt8(ascii: "-")) }
        let start = out.count
        appendDecimalDigits(c.magnitude, to: &out)
        let count = out.count - start
        let places = Int(-d.exponent)
        if places == 0 {
            out.append(UInt8(ascii: "."))
            return
        }
        if count > places {
            out.insert(UInt8(ascii: "."), at: out.count - places)
        } else {
            // 0.00ddd: the zeros and point go before the digits already written.
            let zeros = [UInt8](repeating: UInt8(ascii: "0"), count: places - count)
            out.insert(contentsOf: [UInt8(ascii: "0"), UInt8(ascii: ".")] + zeros, at: start)
        }
    }

    static func appendTimestamp(_ t: IonTimestamp, to out: inout [UInt8]) {
        appendTwoDigits(t.year / 100, to: &out)
        appendTwoDigits(t.year % 100, to: &out)
        if t.precision == .year {
            out.append(UInt8(ascii: "T"))
            return
        }
        out.append(UInt8(ascii: "-"))
        appendTwoDigits(t.month, to: &out)
        if t.precision == .month {
            out.append(UInt8(ascii: "T"))
            return
        }
        out.append(UInt8(ascii: "-"))
        appendTwoDigits(t.day, to: &out)
        if t.precision == .day { return }
        out.append(UInt8(ascii: "T"))
        appendTwoDigits(t.hour, to: &out)
        out.append(UInt8(ascii: ":"))
        appendTwoDigits(t.minute, to: &out)
        if t.precision >= .second {
            out.append(UInt8(ascii: ":"))
            appendTwoDigits(t.second, to: &out)
        }
        if case .small(let c, let places) = t.packedFraction {
            out.append(UInt8(ascii: "."))
            // `places` digits, zero-padded on the left, written from the right.
            let start = out.count
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: Int(places)))
            var rest = c
            var i = out.count - 1
            while rest > 0 && i >= start {
                out[i] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                i -= 1
            }
        } else if let fraction = t.fraction {
            let digits = fraction.coefficient.isZero ? "" : String(describing: fraction.coefficient)
            out.append(UInt8(ascii: "."))
            for _ in 0..<max(0, Int(-fraction.exponent) - digits.count) { out.append(UInt8(ascii: "0")) }
            out.append(contentsOf: digits.utf8)
        }
        guard let offset = t.offsetMinutes else {
            out.append(contentsOf: "-00:00".utf8)
            return
        }
        if offset == 0 {
            out.append(UInt8(ascii: "Z"))
            return
        }
        out.append(offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        appendTwoDigits(abs(offset) / 60, to: &out)
        out.append(UInt8(ascii: ":"))
        appendTwoDigits(abs(offset) % 60, to: &out)
    }

    /// The shortest Ion text for a float that reads back to the same bits.
    public static func floatText(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "+inf" }
        // Swift prints the shortest digits that round-trip; Ion needs an `e` to mark a float.
        let text = value.description
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            var exponent = text[text.index(after: e)...]
            if exponent.first == "+" { exponent = exponent.dropFirst() }
            let negative = exponent.first == "-"
            if negative { exponent = exponent.dropFirst() }
            let trimmed = exponent.drop(while: { $0 == "0" })
            return text[..<e] + "e" + (negative ? "-" : "") + (trimmed.isEmpty ? "0" : trimmed)
        }
        return text + "e0"
    }

    /// Per byte: 1 for an identifier's first character (`A-Z a-z _ $`), 2 for a later one (those
    /// and digits), 0 otherwise.
    static let identifierClass: [UInt8] = (0..<256).map { b in
        let c = UInt8(b)
        if (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F || c == 0x24 { return 3 }
        return c >= 0x30 && c <= 0x39 ? 2 : 0
    }

    @inline(__always)
    static func isIdentifierStart(_ c: UInt8) -> Bool { identifierClass[Int(c)] & 1 != 0 }

    /// Whether a symbol can be written without quotes.
    static func isPlainIdentifier(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { isPlainIdentifier($0) }
    }

    /// Whether UTF-8 text can be written as a symbol without quotes: identifier characters, not
    /// starting with a digit, not a keyword that reads as a value, not `$ion…` or a `$123` ID.
    @inline(__always)
    static func isPlainIdentifier(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = utf8.first, identifierClass[Int(first)] & 1 != 0 else { return false }
        for b in utf8 where identifierClass[Int(b)] == 0 { return false }
        // Keywords read as values: only these four words start with n, t or f and have 3 to 5
        // bytes; compared as one little-endian word each.
        if (3...5).contains(utf8.count),
            first == UInt8(ascii: "n") || first == UInt8(ascii: "t") || first == UInt8(ascii: "f")
        {
            var word: UInt64 = 0
            for (i, b) in utf8.enumerated() { word |= UInt64(b) << UInt64(8 * i) }
            // "null", "true", "false", "nan"
            if word == 0x6C6C_756E || word == 0x6575_7274 || word == 0x65_736C_6166 || word == 0x6E_616E {
                return false
            }
        }
        // `$123` would read as a symbol ID and `$ion…` could read as a system value.
        if first == UInt8(ascii: "$") {
            if utf8.starts(with: "$ion".utf8) { return false }
            if utf8.dropFirst().allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) { return false }
        }
        return true
    }

    /// Appends a symbol's text, quoted only when it must be (one pass over its UTF-8 when it need
    /// not be).
    static func appendSymbol(_ text: String, to out: inout [UInt8]) {
        var text = text
        let plain = text.withUTF8 { utf8 in
            guard isPlainIdentifier(utf8) else { return false }
            out.append(contentsOf: utf8)
            return true
        }
        if !plain { appendQuoted(text, quote: UInt8(ascii: "'"), to: &out) }
    }

    static func appendQuoted(_ text: String, quote: UInt8, to out: inout [UInt8], json: Bool = false) {
        out.append(quote)
        // Most text needs no escapes: checked eight bytes at a time, then copied in one go.
        let plain = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard !needsEscape(bytes, quote: quote) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if plain == true {
            out.append(quote)
            return
        }
        for b in text.utf8 {
            switch b {
            case quote, UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(b)
            case 0x0A: out.append(contentsOf: "\\n".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case 0x0D: out.append(contentsOf: "\\r".utf8)
            case 0..<0x20, 0x7F:
                if json {
                    out.append(contentsOf: "\\u00".utf8)
                    out.append(Hex.digit(b >> 4))
                    out.append(Hex.digit(b & 0xF))
                } else {
                    appendEscape(UInt32(b), to: &out)
                }
            default: out.append(b)
            }
        }
        out.append(quote)
    }

    /// Whether `bytes` hold a control character, DEL, `quote` or a backslash.
    @inline(__always)
    static func needsEscape(_ bytes: UnsafeBufferPointer<UInt8>, quote: UInt8) -> Bool {
        var i = 0
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= bytes.count {
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if ByteWord.hasByte(word, lessThan: 0x20) || ByteWord.hasByte(word, equalTo: 0x7F)
                    || ByteWord.hasByte(word, equalTo: quote) || ByteWord.hasByte(word, equalTo: UInt8(ascii: "\\"))
                {
                    return true
                }
                i += 8
            }
        }
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x20 || b == 0x7F || b == quote || b == UInt8(ascii: "\\") { return true }
            i += 1
        }
        return false
    }

    static func appendEscape(_ code: UInt32, to out: inout [UInt8]) {
        out.append(contentsOf: "\\x".utf8)
        out.append(Hex.digit(UInt8(truncatingIfNeeded: code >> 4)))
        out.append(Hex.digit(UInt8(truncatingIfNeeded: code)))
    }
}

extension IonValue: CustomStringConvertible {
    /// The value as compact Ion text.
    public var description: String {
        var writer = IonTextWriter(style: .compact)
        do {
            try writer.write(self)
            return try writer.finishString()
        } catch {
            return "<\(error)>"
        }
    }
}

extension IonValue {
    /// Encodes values as Ion text in the given style.
    ///
    /// Symbols with unknown text from shared tables are written against the same imports, as
    /// ``encode(binary:)`` does.
    public static func encode(text values: [IonValue], style: IonTextWriter.Style = .compact) throws -> String {
        var writer = IonTextWriter(style: style, imports: sharedImports(of: values))
        for value in values { try writer.write(value) }
        return try writer.finishString()
    }
}
