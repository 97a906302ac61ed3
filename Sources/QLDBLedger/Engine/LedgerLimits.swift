import QLDBPartiQL

/// Limits QLDB enforces, with its defaults.
public struct LedgerLimits: Sendable {
    /// Documents a transaction may change (40).
    public var documentsPerTransaction = 40
    /// Largest document, Ion binary (128 KB).
    public var documentBytes = 128 * 1024
    /// Largest transaction, all written documents together (4 MB).
    public var transactionBytes = 4 * 1024 * 1024
    /// Longest statement (100,000 characters).
    public var statementCharacters = 100_000
    /// Active tables (20) and tables including dropped ones (40).
    public var activeTables = 20
    /// Tables including inactive ones (40).
    public var totalTables = 40
    /// Indexes per table (5).
    public var indexesPerTable = 5
    /// Deepest nesting of a statement's expressions, containers and subqueries (40, a nested
    /// SELECT counting for 8): what bounds the stack a statement needs to parse and run.
    public var statementNestingDepth = 40
    /// Expression evaluations one statement may perform (50,000,000).
    public var evaluationSteps = 50_000_000
    /// Rows (FROM bindings) one statement may produce (1,000,000).
    public var evaluationRows = 1_000_000
    /// The defaults.
    public init() {}

    /// What the parser is held to.
    var parserLimits: ParserLimits { ParserLimits(maxNestingDepth: statementNestingDepth) }
}
