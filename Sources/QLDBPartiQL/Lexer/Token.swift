import Ion

/// A PartiQL token and where it starts.
package struct Token: Sendable {
    package enum Kind: Sendable, Equatable {
        /// An unquoted word: a keyword, a function, a table, a field or a variable name.
        case identifier(String)
        /// A `"quoted"` identifier: case-sensitive, never a keyword.
        case quotedIdentifier(String)
        /// A `'string'` literal.
        case string(String)
        /// A number: an Ion int, decimal (`1.5`) or float (`1.5e0`).
        case number(IonValue)
        /// A `` `backticked` `` Ion literal.
        case ion(IonValue)
        /// `?`.
        case parameter
        /// Punctuation and operators: `(`, `<<`, `<=`, `||`, `@`, …
        case punct(String)
        case end
    }

    package var kind: Kind
    package var position: SourcePosition

    /// The upper-cased word of an unquoted identifier; `nil` for any other token.
    var keyword: String? {
        if case .identifier(let text) = kind { return text.uppercased() }
        return nil
    }

    /// The token as a user would recognise it in an error message.
    var display: String {
        switch kind {
        case .identifier(let s): "'\(s)'"
        case .quotedIdentifier(let s): "\"\(s)\""
        case .string(let s): "'\(s)'"
        case .number(let v), .ion(let v): (try? IonValue.encode(text: [v])) ?? "a literal"
        case .parameter: "?"
        case .punct(let p): "'\(p)'"
        case .end: "the end of the statement"
        }
    }
}
