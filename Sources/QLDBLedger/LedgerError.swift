/// An error the ledger answers with, shaped as QLDB's: the exception type, its HTTP status,
/// the message and, for a digest mismatch, the code `412`.
public struct LedgerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The `__type` without its namespace, such as `BadRequestException`.
    public var type: String
    /// The HTTP status QLDB uses for this type.
    public var status: Int
    /// The `Message` member.
    public var message: String
    /// The `Code` member, if any.
    public var code: String?

    /// Creates an error.
    public init(type: String, status: Int = 400, message: String, code: String? = nil) {
        self.type = type
        self.status = status
        self.message = message
        self.code = code
    }

    public var description: String { "\(type): \(message)" }

    /// `BadRequestException` (400).
    public static func badRequest(_ message: String, code: String? = nil) -> LedgerError {
        LedgerError(type: "BadRequestException", message: message, code: code)
    }

    /// `InvalidSessionException` (400).
    public static func invalidSession(_ message: String, code: String? = nil) -> LedgerError {
        LedgerError(type: "InvalidSessionException", message: message, code: code)
    }

    /// `OccConflictException` (400).
    public static let occConflict = LedgerError(
        type: "OccConflictException",
        message: "Optimistic concurrency control (OCC) failure encountered while committing the transaction")

    /// A PartiQL error at a position of the statement (1-based line and column).
    static func syntax(_ message: String, line: Int, column: Int) -> LedgerError {
        badRequest("Syntax error at line \(line), column \(column): \(message)")
    }

    /// A semantic error (unknown table, unsupported construct).
    static func semantic(_ message: String) -> LedgerError { badRequest("Semantic error: \(message)") }
}
