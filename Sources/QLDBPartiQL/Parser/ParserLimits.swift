/// How much nesting the parser accepts.
///
/// Parsing, evaluating and releasing a statement recurse once per level of nesting, so the depth
/// is what bounds their stack use: at the default of 40 levels, a statement of any length parses
/// and runs within a 512 KB stack, the size of a Swift concurrency thread, even in a debug build
/// (`ParserLimitTests` checks every nesting shape on a thread of that size; see
/// `docs/partiql.md` for the measurements).
package struct ParserLimits: Sendable, Hashable {
    /// The deepest nesting of expressions, parentheses, containers and subqueries accepted.
    package var maxNestingDepth: Int
    /// The deepest nesting of containers inside one `` `Ion` `` literal. The Ion text reader
    /// recurses once per container with frames several times an expression's (13 KB per level
    /// in a debug build), hence its own, smaller limit.
    package var maxIonLiteralDepth: Int

    package init(maxNestingDepth: Int = 40, maxIonLiteralDepth: Int = 20) {
        self.maxNestingDepth = maxNestingDepth
        self.maxIonLiteralDepth = maxIonLiteralDepth
    }
}
