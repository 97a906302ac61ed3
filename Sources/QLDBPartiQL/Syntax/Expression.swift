import Ion

/// A PartiQL expression and the position of its first token.
///
/// Every node records its `height` (a leaf is 1) so that the parser can refuse trees deeper than
/// its limit before anything walks them recursively (evaluation and deinitialisation both recurse).
package struct Expression: Sendable {
    package indirect enum Kind: Sendable {
        case literal(IonValue)
        case missing
        /// The n-th `?` of the statement (0-based).
        case parameter(Int)
        /// A name: a FROM alias, an AT/BY variable, or a field of the single FROM source.
        /// `@name` (`scopeOnly`) never falls back to a field of a source.
        case variable(String, quoted: Bool, scopeOnly: Bool)
        /// Navigation from a base: `.field`, `[index]`, `[*]`, `.*`.
        case path(Expression, [PathStep])
        case structure([(key: Expression, value: Expression)])
        case list([Expression])
        case bag([Expression])
        case unary(UnaryOperator, Expression)
        case binary(BinaryOperator, Expression, Expression)
        /// `IS [NOT] NULL` / `IS [NOT] MISSING`.
        case isAbsent(Expression, missingOnly: Bool, negated: Bool)
        /// `IN`, with either a list expression or a subquery on the right.
        case inCollection(Expression, Expression, negated: Bool)
        case between(Expression, Expression, Expression, negated: Bool)
        case like(Expression, pattern: Expression, escape: Expression?, negated: Bool)
        /// A scalar function, resolved against ``FunctionRegistry`` when parsed.
        case call(ScalarFunction, [Expression])
        /// An aggregate; `argument` is `nil` for `COUNT(*)`. `slot` numbers the statement's aggregates.
        case aggregate(AggregateFunction, argument: Expression?, slot: Int)
        case cast(Expression, CastTarget)
        /// `CASE [operand] WHEN … THEN … [ELSE …] END`.
        case caseWhen(operand: Expression?, branches: [(when: Expression, then: Expression)], otherwise: Expression?)
        /// A nested `SELECT` (a bag of rows; a scalar where one value is expected by a comparison).
        case subquery(Query)
    }

    package var kind: Kind
    package var position: SourcePosition
    /// The height of this tree: 1 for a leaf.
    package var height: Int

    package init(_ kind: Kind, at position: SourcePosition, height: Int = 1) {
        self.kind = kind
        self.position = position
        self.height = height
    }
}

/// One step of a path.
package enum PathStep: Sendable {
    /// `.name` or `["name"]`; `quoted` names match case-sensitively.
    case field(String, quoted: Bool)
    /// `[expression]`: a list position, or a field name when it evaluates to a string.
    case index(Expression)
    /// `[*]`: every element of a list.
    case allElements
    /// `.*`: every field value of a struct.
    case allFields
}

package enum UnaryOperator: String, Sendable {
    case not = "NOT"
    case negate = "-"
    case plus = "+"
}

package enum BinaryOperator: String, Sendable {
    case or = "OR"
    case and = "AND"
    case equal = "="
    case notEqual = "<>"
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case concatenate = "||"
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case modulo = "%"
}

/// The target type of `CAST(x AS type)`.
package enum CastTarget: String, Sendable, CaseIterable {
    case null = "NULL"
    case missing = "MISSING"
    case bool = "BOOL"
    case int = "INT"
    case float = "FLOAT"
    case decimal = "DECIMAL"
    case timestamp = "TIMESTAMP"
    case symbol = "SYMBOL"
    case string = "STRING"
    case clob = "CLOB"
    case blob = "BLOB"
    case list = "LIST"
    case sexp = "SEXP"
    case `struct` = "STRUCT"
    case bag = "BAG"

    /// The spellings QLDB's CAST accepts for each target (SQL synonyms included).
    static func named(_ word: String) -> CastTarget? {
        switch word.uppercased() {
        case "BOOLEAN", "BOOL": .bool
        case "INT", "INTEGER", "INT4", "INT8", "BIGINT", "SMALLINT", "INTEGER4", "INTEGER8": .int
        case "FLOAT", "REAL", "DOUBLE": .float
        case "DECIMAL", "NUMERIC", "DEC": .decimal
        case "STRING", "VARCHAR", "CHAR", "CHARACTER", "TEXT": .string
        case "TUPLE": .struct
        default: CastTarget(rawValue: word.uppercased())
        }
    }
}
