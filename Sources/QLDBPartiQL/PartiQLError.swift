/// A place in a statement's text: 1-based line and column, counted in Unicode scalars.
package struct SourcePosition: Sendable, Hashable, CustomStringConvertible {
    package var line: Int
    package var column: Int

    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    package var description: String { "line \(line), column \(column)" }
}

/// Why a statement was rejected, and where.
///
/// The ledger answers every kind with QLDB's `BadRequestException`; ``message`` is its text.
/// Tests assert the ``kind`` and ``position`` (QLDB never documented its message texts).
package struct PartiQLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of failure.
    package enum Kind: String, Sendable, Hashable {
        /// The text is not a statement: a bad token or a construct in the wrong place.
        case syntax = "Syntax error"
        /// A well-formed statement that cannot run: unknown function, wrong arity, unsupported clause.
        case semantic = "Semantic error"
        /// An operand or argument of the wrong Ion type.
        case type = "Type error"
        /// The statement exceeded a limit the ledger sets (nesting depth, length, evaluation budget).
        case limit = "Limit exceeded"
        /// A value error at run time: division by zero, overflow, an unparseable CAST.
        case evaluation = "Evaluation error"
        /// The statement was stopped from outside while it ran (its transaction expired).
        case cancelled = "Statement cancelled"
    }

    package var kind: Kind
    package var reason: String
    package var position: SourcePosition?

    package init(_ kind: Kind, _ reason: String, at position: SourcePosition?) {
        self.kind = kind
        self.reason = reason
        self.position = position
    }

    /// `Syntax error at line 1, column 8: expected an expression, found ')'`.
    package var description: String {
        if let position { return "\(kind.rawValue) at \(position): \(reason)" }
        return "\(kind.rawValue): \(reason)"
    }

    static func syntax(_ reason: String, at position: SourcePosition?) -> PartiQLError {
        PartiQLError(.syntax, reason, at: position)
    }

    static func semantic(_ reason: String, at position: SourcePosition?) -> PartiQLError {
        PartiQLError(.semantic, reason, at: position)
    }

    static func type(_ reason: String, at position: SourcePosition?) -> PartiQLError {
        PartiQLError(.type, reason, at: position)
    }

    static func evaluation(_ reason: String, at position: SourcePosition?) -> PartiQLError {
        PartiQLError(.evaluation, reason, at: position)
    }
}
