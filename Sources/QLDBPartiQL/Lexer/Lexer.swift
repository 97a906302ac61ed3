import Ion

/// Splits a statement into tokens in one linear pass: identifiers, `"quoted"` identifiers,
/// `'strings'` (a doubled quote stands for itself), numbers, `` `Ion` `` literals, `?`, comments
/// (`--` and `/* */`) and punctuation (`<<`, `>>`, `<=`, `>=`, `<>`, `!=`, `||`, …).
enum Lexer {
    static let twoCharacterOperators: Set<String> = ["<<", ">>", "<=", ">=", "<>", "!=", "||"]
    static let singleCharacterOperators = Set("(),.[]{}:;=<>*+-/%@".unicodeScalars)

    /// The tokens of `text`, ending with an `.end` token.
    ///
    /// - Parameters:
    ///   - text: The statement.
    ///   - maxIonDepth: How deeply an Ion literal's containers may nest.
    /// - Returns: The tokens in order.
    /// - Throws: A syntax ``PartiQLError`` at the first character that starts no token.
    static func tokenize(_ text: String, maxIonDepth: Int) throws(PartiQLError) -> [Token] {
        let chars = Array(text.unicodeScalars)
        var tokens: [Token] = []
        var i = 0
        var line = 1
        var lineStart = 0
        func position(_ index: Int) -> SourcePosition { SourcePosition(line: line, column: index - lineStart + 1) }
        func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
        func isWordStart(_ c: Unicode.Scalar) -> Bool {
            // ASCII first: Unicode property lookups are slow and nearly every statement is ASCII.
            if c.isASCII {
                let v = c.value | 0x20
                return (v >= 0x61 && v <= 0x7A) || c == "_" || c == "$"
            }
            return c.properties.isAlphabetic
        }
        while i < chars.count {
            let c = chars[i]
            if c == "\n" {
                i += 1
                line += 1
                lineStart = i
                continue
            }
            if c == " " || c == "\t" || c == "\r" {
                i += 1
                continue
            }
            if c == "-" && i + 1 < chars.count && chars[i + 1] == "-" {
                while i < chars.count && chars[i] != "\n" { i += 1 }
                continue
            }
            if c == "/" && i + 1 < chars.count && chars[i + 1] == "*" {
                let start = position(i)
                i += 2
                while i + 1 < chars.count && !(chars[i] == "*" && chars[i + 1] == "/") {
                    if chars[i] == "\n" {
                        line += 1
                        lineStart = i + 1
                    }
                    i += 1
                }
                guard i + 1 < chars.count else { throw .syntax("unterminated comment", at: start) }
                i += 2
                continue
            }
            let start = position(i)
            if isWordStart(c) {
                var j = i
                while j < chars.count && (isWordStart(chars[j]) || isDigit(chars[j])) { j += 1 }
                tokens.append(Token(kind: .identifier(String(String.UnicodeScalarView(chars[i..<j]))), position: start))
                i = j
                continue
            }
            if isDigit(c) || (c == "." && i + 1 < chars.count && isDigit(chars[i + 1])) {
                var j = i
                var isDecimal = false
                while j < chars.count && isDigit(chars[j]) { j += 1 }
                if j < chars.count && chars[j] == "." {
                    isDecimal = true
                    j += 1
                    while j < chars.count && isDigit(chars[j]) { j += 1 }
                }
                if j < chars.count && (chars[j] == "e" || chars[j] == "E") {
                    j += 1
                    if j < chars.count && (chars[j] == "+" || chars[j] == "-") { j += 1 }
                    while j < chars.count && isDigit(chars[j]) { j += 1 }
                }
                var literal = String(String.UnicodeScalarView(chars[i..<j]))
                if isDecimal {
                    if literal.hasPrefix(".") { literal = "0" + literal }
                    if literal.hasSuffix(".") { literal += "0" }
                    // `1.5` is a decimal in PartiQL as in Ion; `1.` reads as `1.0`, keeping the point's precision.
                }
                guard let value = try? IonValue.decode(text: literal).first else {
                    throw .syntax("'\(literal)' is not a number", at: start)
                }
                tokens.append(Token(kind: .number(value), position: start))
                i = j
                continue
            }
            switch c {
            case "'", "\"":
                var j = i + 1
                var out = String.UnicodeScalarView()
                while true {
                    guard j < chars.count else {
                        throw .syntax(
                            c == "'" ? "unterminated string literal" : "unterminated quoted identifier", at: start)
                    }
                    if chars[j] == c {
                        if j + 1 < chars.count && chars[j + 1] == c {
                            out.append(c)
                            j += 2
                            continue
                        }
                        break
                    }
                    if chars[j] == "\n" {
                        line += 1
                        lineStart = j + 1
                    }
                    out.append(chars[j])
                    j += 1
                }
                let text = String(out)
                tokens.append(Token(kind: c == "'" ? .string(text) : .quotedIdentifier(text), position: start))
                i = j + 1
            case "`":
                var j = i + 1
                var firstLine = line
                var firstLineStart = lineStart
                while j < chars.count && chars[j] != "`" {
                    if chars[j] == "\n" {
                        firstLine += 1
                        firstLineStart = j + 1
                    }
                    j += 1
                }
                guard j < chars.count else { throw .syntax("unterminated Ion literal", at: start) }
                let text = String(String.UnicodeScalarView(chars[(i + 1)..<j]))
                let values: [IonValue]
                do { values = try IonValue.decode(text: Array(text.utf8), maxDepth: maxIonDepth) } catch {
                    throw .syntax("invalid Ion literal: \(error)", at: start)
                }
                guard values.count == 1 else { throw .syntax("an Ion literal must hold exactly one value", at: start) }
                tokens.append(Token(kind: .ion(values[0]), position: start))
                line = firstLine
                lineStart = firstLineStart
                i = j + 1
            case "?":
                tokens.append(Token(kind: .parameter, position: start))
                i += 1
            default:
                if i + 1 < chars.count {
                    let two = String(String.UnicodeScalarView([c, chars[i + 1]]))
                    if twoCharacterOperators.contains(two) {
                        tokens.append(Token(kind: .punct(two), position: start))
                        i += 2
                        continue
                    }
                }
                guard singleCharacterOperators.contains(c) else {
                    throw .syntax("unexpected character '\(c)'", at: start)
                }
                tokens.append(Token(kind: .punct(String(c)), position: start))
                i += 1
            }
        }
        tokens.append(Token(kind: .end, position: position(chars.count)))
        return tokens
    }
}
