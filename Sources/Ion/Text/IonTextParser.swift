import BigInt
import QLDBPrimitives

/// A recursive-descent parser of Ion 1.0 text over UTF-8 bytes.
///
/// The parser works on the system level: it applies version markers and local symbol tables as
/// it meets them at top level and yields only user values. Errors carry the byte offset; the
/// public entry point adds the line and column.
struct IonTextParser {
    let buf: UnsafeBufferPointer<UInt8>
    var p = 0
    var symbols = SymbolContext()
    let catalog: IonCatalog
    let maxDepth: Int

    init(_ buf: UnsafeBufferPointer<UInt8>, catalog: IonCatalog, maxDepth: Int) {
        self.buf = buf
        self.catalog = catalog
        self.maxDepth = maxDepth
    }

    enum Context { case topLevel, list, sexp, structValue }

    /// How a symbol was spelled, which decides whether `$ion_1_0` is a version marker.
    enum SymbolSpelling { case identifier, quoted, symbolID }

    // MARK: Characters

    @inline(__always) var atEnd: Bool { p >= buf.count }
    @inline(__always) func peek(_ k: Int = 0) -> UInt8? { p + k < buf.count ? buf[p + k] : nil }

    @inline(__always) static func isWhitespace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 || c == 0x0B || c == 0x0C
    }
    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    @inline(__always) static func isHexDigit(_ c: UInt8) -> Bool {
        Hex.value(of: c) != nil
    }
    @inline(__always) static func isIdentifierStart(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F || c == 0x24
    }
    @inline(__always) static func isIdentifierPart(_ c: UInt8) -> Bool { isIdentifierStart(c) || isDigit(c) }
    static func isOperator(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "*"),
            UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ";"),
            UInt8(ascii: "<"), UInt8(ascii: "="), UInt8(ascii: ">"), UInt8(ascii: "?"), UInt8(ascii: "@"),
            UInt8(ascii: "^"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }

    func fail(_ code: IonError.Code, _ reason: String, at offset: Int? = nil) -> IonError {
        IonError(code, reason, offset: offset ?? p)
    }

    func describe(_ c: UInt8?) -> String {
        guard let c else { return "end of input" }
        if c >= 0x21 && c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
        return "byte 0x\(String(c, radix: 16, uppercase: true))"
    }

    /// Skips whitespace and comments; returns whether anything was skipped.
    @discardableResult
    mutating func skipWhitespace() throws(IonError) -> Bool {
        let start = p
        while p < buf.count {
            let c = buf[p]
            if Self.isWhitespace(c) {
                p += 1
            } else if c == UInt8(ascii: "/"), let next = peek(1), next == UInt8(ascii: "/") {
                p += 2
                while p < buf.count, buf[p] != 0x0A, buf[p] != 0x0D { p += 1 }
            } else if c == UInt8(ascii: "/"), let next = peek(1), next == UInt8(ascii: "*") {
                let open = p
                p += 2
                while true {
                    guard p + 1 < buf.count else { throw fail(.truncated, "block comment is not closed", at: open) }
                    if buf[p] == UInt8(ascii: "*") && buf[p + 1] == UInt8(ascii: "/") {
                        p += 2
                        break
                    }
                    p += 1
                }
            } else {
                break
            }
        }
        return p > start
    }

    // MARK: Top level

    mutating func parseDocument() throws(IonError) -> [IonValue] {
        var values: [IonValue] = []
        try parseDocument { values.append($0) }
        return values
    }

    /// Parses the document one top-level user value at a time, handing each to `body` (system
    /// values are applied, not handed on).
    mutating func parseDocument(_ body: (IonValue) throws(IonError) -> Void) throws(IonError) {
        while true {
            try skipWhitespace()
            if atEnd { return }
            let start = p
            let (value, spelling) = try parseValue(.topLevel, depth: 0)
            if try handleSystemValue(value, spelling: spelling, at: start) { continue }
            try body(value)
        }
    }

    /// Applies a top-level version marker or symbol table; returns whether `value` was one.
    mutating func handleSystemValue(_ value: IonValue, spelling: SymbolSpelling?, at start: Int) throws(IonError)
        -> Bool
    {
        if value.annotations.isEmpty, case .symbol(let symbol) = value.content, let text = symbol.text {
            if spelling == .identifier, let version = Self.versionMarker(text) {
                guard version == (1, 0) else {
                    throw fail(.invalidVersionMarker, "unsupported Ion version marker \(text)", at: start)
                }
                symbols = SymbolContext()
                return true
            }
            // `'$ion_1_0'` or `$2` at top level is a system value with no effect.
            return text == "$ion_1_0"
        }
        if value.annotations.first?.text == "$ion_symbol_table", case .struct(let table) = value.content {
            do {
                try symbols.apply(localSymbolTable: table, catalog: catalog)
            } catch {
                throw fail(error.code, error.reason, at: start)
            }
            return true
        }
        return false
    }

    /// `(major, minor)` when `text` has the form `$ion_<major>_<minor>`.
    static func versionMarker(_ text: String) -> (Int, Int)? {
        guard text.hasPrefix("$ion_") else { return nil }
        let parts = text.dropFirst(5).split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]),
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else { return nil }
        return (major, minor)
    }

    // MARK: Values

    /// Parses one value with its annotations. Returns how the value was spelled when it is a symbol.
    mutating func parseValue(_ context: Context, depth: Int) throws(IonError) -> (IonValue, SymbolSpelling?) {
        var annotations: [IonSymbol] = []
        while true {
            guard let c = peek() else {
                throw fail(
                    .truncated,
                    annotations.isEmpty ? "input ends where a value was expected" : "annotation has no value")
            }
            let start = p
            var symbol: IonSymbol? = nil
            var spelling: SymbolSpelling = .identifier
            if Self.isIdentifierStart(c) {
                let word = readIdentifier()
                if let keyword = try keywordValue(word, start: start, context: context) {
                    guard annotations.isEmpty || !isAnnotationNext() else {
                        throw fail(.invalidAnnotation, "keyword '\(word)' cannot be an annotation", at: start)
                    }
                    try checkAnnotationDoesNotFollow(start)
                    return (IonValue(keyword, annotations: annotations), nil)
                }
                (symbol, spelling) = try identifierSymbol(word, at: start)
            } else if c == UInt8(ascii: "'") && !(peek(1) == UInt8(ascii: "'") && peek(2) == UInt8(ascii: "'")) {
                symbol = IonSymbol(try readQuoted(quote: UInt8(ascii: "'"), long: false))
                spelling = .quoted
            }
            if let symbol {
                let afterToken = p
                try skipWhitespace()
                if peek() == UInt8(ascii: ":") && peek(1) == UInt8(ascii: ":") {
                    p += 2
                    annotations.append(symbol)
                    try skipWhitespace()
                    continue
                }
                p = afterToken
                // A quoted symbol ends at its quote; in a sexp anything may follow it.
                if spelling != .quoted || context != .sexp { try expectValueEnd(context) }
                return (IonValue(.symbol(symbol), annotations: annotations), spelling)
            }
            let content = try parseNonSymbol(c, context: context, depth: depth, start: start)
            try checkAnnotationDoesNotFollow(start)
            return (IonValue(content, annotations: annotations), nil)
        }
    }

    func isAnnotationNext() -> Bool {
        var q = p
        while q < buf.count, Self.isWhitespace(buf[q]) { q += 1 }
        return q + 1 < buf.count && buf[q] == UInt8(ascii: ":") && buf[q + 1] == UInt8(ascii: ":")
    }

    mutating func checkAnnotationDoesNotFollow(_ start: Int) throws(IonError) {
        if isAnnotationNext() {
            throw fail(.invalidAnnotation, "only symbols can be annotations", at: start)
        }
    }

    /// Whether the character at the cursor ends a token: whitespace, a delimiter, a quote, the
    /// start of a comment, or the end of input.
    func atStopCharacter() -> Bool {
        guard let c = peek() else { return true }
        if Self.isWhitespace(c) { return true }
        switch c {
        case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: ")"), UInt8(ascii: "("),
            UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "\""), UInt8(ascii: "'"):
            return true
        case UInt8(ascii: "/"):
            return peek(1) == UInt8(ascii: "/") || peek(1) == UInt8(ascii: "*")
        default:
            return false
        }
    }

    /// After a scalar, checks that the next character may end it.
    func expectValueEnd(_ context: Context) throws(IonError) {
        if atStopCharacter() { return }
        let c = peek()!
        // A field name's colon, or an operator in a sexp, may follow directly.
        if c == UInt8(ascii: ":") && context == .structValue { return }
        if context == .sexp && Self.isOperator(c) { return }
        throw fail(.invalidState, "unexpected \(describe(c)) after a value")
    }

    /// A numeric value must end at a stop character.
    func expectNumericEnd() throws(IonError) {
        guard atStopCharacter() else {
            throw fail(.invalidState, "a number or timestamp cannot be followed by \(describe(peek()))")
        }
    }

    mutating func readIdentifier() -> Substring.UTF8View {
        let start = p
        while p < buf.count, Self.isIdentifierPart(buf[p]) { p += 1 }
        return Substring(decoding: UnsafeBufferPointer(rebasing: buf[start..<p]), as: UTF8.self).utf8
    }

    /// The value of a keyword (`null`, `null.type`, `true`, `false`, `nan`), or `nil` for other words.
    /// Whether a word could be one of the keywords `null`, `true`, `false` or `nan`.
    @inline(__always)
    static func mayBeKeyword(_ word: Substring.UTF8View) -> Bool {
        guard word.count >= 3 && word.count <= 5, let first = word.first else { return false }
        return first == UInt8(ascii: "n") || first == UInt8(ascii: "t") || first == UInt8(ascii: "f")
    }

    mutating func keywordValue(_ word: Substring.UTF8View, start: Int, context: Context) throws(IonError) -> IonValue
        .Content?
    {
        guard Self.mayBeKeyword(word) else { return nil }
        switch String(Substring(word)) {
        case "true":
            try expectValueEnd(context)
            return .bool(true)
        case "false":
            try expectValueEnd(context)
            return .bool(false)
        case "nan":
            try expectValueEnd(context)
            return .float(.nan)
        case "null":
            guard peek() == UInt8(ascii: ".") else {
                try expectValueEnd(context)
                return .null(.null)
            }
            p += 1
            let typeStart = p
            let typeName = String(Substring(readIdentifier()))
            guard let type = IonType.allCases.first(where: { $0.description == typeName }) else {
                throw fail(.invalidState, "'null.\(typeName)' is not a typed null", at: typeStart)
            }
            try expectValueEnd(context)
            return .null(type)
        default:
            return nil
        }
    }

    /// An identifier as a symbol: `$N` resolves symbol ID N.
    func identifierSymbol(_ word: Substring.UTF8View, at start: Int) throws(IonError) -> (IonSymbol, SymbolSpelling) {
        let text = String(Substring(word))
        if word.count > 1, word.first == UInt8(ascii: "$"), word.dropFirst().allSatisfy(Self.isDigit) {
            guard let sid = Int(text.dropFirst()), let symbol = symbols.symbol(forID: sid) else {
                throw fail(
                    .unknownSymbol, "symbol ID \(text) is not defined (the highest in scope is \(symbols.maxID))",
                    at: start)
            }
            return (symbol, .symbolID)
        }
        return (IonSymbol(text), .identifier)
    }

    mutating func parseNonSymbol(_ c: UInt8, context: Context, depth: Int, start: Int) throws(IonError)
        -> IonValue.Content
    {
        switch c {
        case UInt8(ascii: "\""):
            let s = try readQuoted(quote: UInt8(ascii: "\""), long: false)
            if context != .sexp { try expectValueEnd(context) }
            return .string(s)
        case UInt8(ascii: "'"):
            let s = try readLongStrings(context)
            if context != .sexp { try expectValueEnd(context) }
            return .string(s)
        case UInt8(ascii: "["):
            return .list(try parseSequence(close: UInt8(ascii: "]"), context: .list, depth: depth + 1))
        case UInt8(ascii: "("):
            return .sexp(try parseSequence(close: UInt8(ascii: ")"), context: .sexp, depth: depth + 1))
        case UInt8(ascii: "{"):
            if peek(1) == UInt8(ascii: "{") {
                let lob = try parseLob()
                try expectValueEnd(context)
                return lob
            }
            return .struct(try parseStruct(depth: depth + 1))
        case UInt8(ascii: "-") where peek(1).map(Self.isDigit) ?? false:
            return try parseNumberOrTimestamp()
        case UInt8(ascii: "+")
        where peek(1) == UInt8(ascii: "i") && peek(2) == UInt8(ascii: "n") && peek(3) == UInt8(ascii: "f"):
            p += 4
            try expectNumericEnd()
            return .float(.infinity)
        case UInt8(ascii: "-")
        where peek(1) == UInt8(ascii: "i") && peek(2) == UInt8(ascii: "n") && peek(3) == UInt8(ascii: "f"):
            p += 4
            try expectNumericEnd()
            return .float(-.infinity)
        default:
            if Self.isDigit(c) { return try parseNumberOrTimestamp() }
            if context == .sexp && Self.isOperator(c) {
                let s = p
                while p < buf.count, Self.isOperator(buf[p]) {
                    // `/*` or `//` inside an operator run starts a comment.
                    if buf[p] == UInt8(ascii: "/"), let n = peek(1), n == UInt8(ascii: "/") || n == UInt8(ascii: "*"),
                        p > s
                    {
                        break
                    }
                    p += 1
                }
                return .symbol(IonSymbol(String(decoding: UnsafeBufferPointer(rebasing: buf[s..<p]), as: UTF8.self)))
            }
            throw fail(.invalidState, "unexpected \(describe(c)) where a value was expected")
        }
    }

    // MARK: Containers

    mutating func enter(_ depth: Int) throws(IonError) {
        guard depth <= maxDepth else {
            throw fail(.nestingTooDeep, "containers nest deeper than \(maxDepth)")
        }
    }

    mutating func parseSequence(close: UInt8, context: Context, depth: Int) throws(IonError) -> [IonValue] {
        try enter(depth)
        let open = p
        p += 1
        var elements: [IonValue] = []
        while true {
            try skipWhitespace()
            guard let c = peek() else {
                throw fail(.truncated, "\(context == .list ? "list" : "s-expression") is not closed", at: open)
            }
            if c == close {
                p += 1
                return elements
            }
            elements.append(try parseValue(context, depth: depth).0)
            try skipWhitespace()
            guard let next = peek() else {
                throw fail(.truncated, "\(context == .list ? "list" : "s-expression") is not closed", at: open)
            }
            if context == .list {
                if next == UInt8(ascii: ",") {
                    p += 1
                } else if next != close {
                    throw fail(.invalidState, "expected ',' or ']' in a list, found \(describe(next))")
                }
            } else if next == UInt8(ascii: ",") {
                throw fail(.invalidState, "commas do not separate s-expression elements")
            }
        }
    }

    mutating func parseStruct(depth: Int) throws(IonError) -> IonStruct {
        try enter(depth)
        let open = p
        p += 1
        var fields: [IonStruct.Field] = []
        while true {
            try skipWhitespace()
            guard let c = peek() else { throw fail(.truncated, "struct is not closed", at: open) }
            if c == UInt8(ascii: "}") {
                p += 1
                return IonStruct(fields)
            }
            let name = try parseFieldName()
            try skipWhitespace()
            guard peek() == UInt8(ascii: ":"), peek(1) != UInt8(ascii: ":") else {
                throw fail(.invalidState, "expected ':' after the field name '\(name)', found \(describe(peek()))")
            }
            p += 1
            try skipWhitespace()
            let value = try parseValue(.structValue, depth: depth).0
            fields.append(IonStruct.Field(name: name, value: value))
            try skipWhitespace()
            guard let next = peek() else { throw fail(.truncated, "struct is not closed", at: open) }
            if next == UInt8(ascii: ",") {
                p += 1
            } else if next != UInt8(ascii: "}") {
                throw fail(.invalidState, "expected ',' or '}' in a struct, found \(describe(next))")
            }
        }
    }

    mutating func parseFieldName() throws(IonError) -> IonSymbol {
        let start = p
        guard let c = peek() else { throw fail(.truncated, "struct is not closed") }
        if Self.isIdentifierStart(c) {
            let word = readIdentifier()
            if Self.mayBeKeyword(word) {
                switch String(Substring(word)) {
                case "null", "true", "false", "nan":
                    throw fail(
                        .invalidState, "keyword '\(String(Substring(word)))' cannot be a field name; quote it",
                        at: start)
                default:
                    break
                }
            }
            return try identifierSymbol(word, at: start).0
        }
        if c == UInt8(ascii: "\"") { return IonSymbol(try readQuoted(quote: c, long: false)) }
        if c == UInt8(ascii: "'") {
            if peek(1) == UInt8(ascii: "'") && peek(2) == UInt8(ascii: "'") {
                return IonSymbol(try readLongStrings(.structValue))
            }
            return IonSymbol(try readQuoted(quote: c, long: false))
        }
        throw fail(.invalidState, "expected a field name, found \(describe(c))")
    }
}
