import Ion

/// A PartiQL token with its position in the statement.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case identifier(String)
        case quotedIdentifier(String)
        case string(String)
        case number(IonValue)
        case ion(IonValue)
        case parameter
        case punct(String)
        case end
    }

    var kind: Kind
    var line: Int
    var column: Int

    /// The upper-cased keyword text, for unquoted identifiers.
    var keyword: String? {
        if case .identifier(let text) = kind { return text.uppercased() }
        return nil
    }
}

/// Splits a statement into tokens: identifiers, `"quoted"` identifiers, `'strings'`, numbers,
/// `` `Ion` `` literals, `?`, and punctuation (`<<`, `>>`, `<=`, `>=`, `<>`, `!=`, `||`, …).
enum Lexer {
    static func tokenize(_ text: String) throws(LedgerError) -> [Token] {
        let chars = Array(text.unicodeScalars)
        var tokens: [Token] = []
        var i = 0
        var line = 1
        var lineStart = 0
        func error(_ message: String, at index: Int) -> LedgerError {
            .syntax(message, line: line, column: index - lineStart + 1)
        }
        while i < chars.count {
            let c = chars[i]
            let column = i - lineStart + 1
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
                i += 2
                while i + 1 < chars.count && !(chars[i] == "*" && chars[i + 1] == "/") {
                    if chars[i] == "\n" {
                        line += 1
                        lineStart = i + 1
                    }
                    i += 1
                }
                guard i + 1 < chars.count else { throw error("unterminated comment", at: i) }
                i += 2
                continue
            }
            if c.properties.isAlphabetic || c == "_" || c == "$" {
                var j = i
                while j < chars.count
                    && (chars[j].properties.isAlphabetic || chars[j] == "_" || chars[j] == "$"
                        || ("0"..."9").contains(chars[j]))
                { j += 1 }
                tokens.append(
                    Token(kind: .identifier(String(String.UnicodeScalarView(chars[i..<j]))), line: line, column: column)
                )
                i = j
                continue
            }
            if ("0"..."9").contains(c) || (c == "." && i + 1 < chars.count && ("0"..."9").contains(chars[i + 1])) {
                var j = i
                var isDecimal = false
                while j < chars.count && ("0"..."9").contains(chars[j]) { j += 1 }
                if j < chars.count && chars[j] == "." {
                    isDecimal = true
                    j += 1
                    while j < chars.count && ("0"..."9").contains(chars[j]) { j += 1 }
                }
                if j < chars.count && (chars[j] == "e" || chars[j] == "E") {
                    j += 1
                    if j < chars.count && (chars[j] == "+" || chars[j] == "-") { j += 1 }
                    while j < chars.count && ("0"..."9").contains(chars[j]) { j += 1 }
                }
                var literal = String(String.UnicodeScalarView(chars[i..<j]))
                if isDecimal {
                    if literal.hasPrefix(".") { literal = "0" + literal }
                    if literal.hasSuffix(".") { literal += "0" }
                }
                guard let value = try? IonValue.decode(text: literal).first else {
                    throw error("bad number \(literal)", at: i)
                }
                tokens.append(Token(kind: .number(value), line: line, column: column))
                i = j
                continue
            }
            switch c {
            case "'", "\"":
                // Strings and quoted identifiers; a doubled delimiter stands for itself.
                var j = i + 1
                var out = String.UnicodeScalarView()
                while true {
                    guard j < chars.count else {
                        throw error(c == "'" ? "unterminated string literal" : "unterminated quoted identifier", at: i)
                    }
                    if chars[j] == c {
                        if j + 1 < chars.count && chars[j + 1] == c {
                            out.append(c)
                            j += 2
                            continue
                        }
                        break
                    }
                    out.append(chars[j])
                    j += 1
                }
                let text = String(out)
                tokens.append(
                    Token(kind: c == "'" ? .string(text) : .quotedIdentifier(text), line: line, column: column))
                i = j + 1
            case "`":
                var j = i + 1
                while j < chars.count && chars[j] != "`" { j += 1 }
                guard j < chars.count else { throw error("unterminated Ion literal", at: i) }
                let text = String(String.UnicodeScalarView(chars[(i + 1)..<j]))
                let values: [IonValue]
                do { values = try IonValue.decode(text: text) } catch {
                    throw LedgerError.syntax("invalid Ion literal: \(error)", line: line, column: column)
                }
                guard values.count == 1 else { throw error("an Ion literal must hold exactly one value", at: i) }
                tokens.append(Token(kind: .ion(values[0]), line: line, column: column))
                i = j + 1
            case "?":
                tokens.append(Token(kind: .parameter, line: line, column: column))
                i += 1
            default:
                let two = i + 1 < chars.count ? String(String.UnicodeScalarView([c, chars[i + 1]])) : ""
                if ["<<", ">>", "<=", ">=", "<>", "!=", "||"].contains(two) {
                    tokens.append(Token(kind: .punct(two), line: line, column: column))
                    i += 2
                } else if "(),.[]{}:;=<>*+-/%".unicodeScalars.contains(c) {
                    tokens.append(Token(kind: .punct(String(c)), line: line, column: column))
                    i += 1
                } else {
                    throw error("unexpected character '\(c)'", at: i)
                }
            }
        }
        tokens.append(Token(kind: .end, line: line, column: chars.count - lineStart + 1))
        return tokens
    }
}
