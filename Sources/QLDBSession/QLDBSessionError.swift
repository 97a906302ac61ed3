import Foundation

/// An error response of the QLDB session service, decoded as awsJson1_0 clients must.
public struct QLDBSessionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of error.
    public enum Kind: Sendable, Hashable {
        case badRequest
        case invalidSession
        case occConflict
        case rateExceeded
        case limitExceeded
        case capacityExceeded
        /// Any other error (500-class failures, unknown types).
        case other(String)
    }

    /// The kind, from the error type.
    public var kind: Kind
    /// The error type as the service named it, cleaned (`OccConflictException`), or the HTTP status.
    public var type: String
    /// The message, if any.
    public var message: String
    /// The `Code` member: `"412"` on a `BadRequestException` means the commit digest did not match.
    public var code: String?
    /// The HTTP status.
    public var status: Int

    /// Whether this is the commit-digest mismatch (`BadRequestException` with code 412).
    public var isDigestMismatch: Bool { kind == .badRequest && code == "412" }

    public var description: String { "\(type) (HTTP \(status))\(code.map { ", code \($0)" } ?? ""): \(message)" }

    /// Decodes an error response: the type from the body's `__type` (or `code`), else the
    /// `x-amzn-ErrorType` header, else the HTTP status; anything from the first `:` dropped and
    /// only what follows `#` kept; the message from `message` or `Message`.
    public init(status: Int, body: [UInt8], errorTypeHeader: String? = nil) {
        let object = try? SendCommandWireCodec.parseJSON(body)
        var type = object?["__type"]?.string ?? object?["code"]?.string ?? errorTypeHeader ?? String(status)
        if let colon = type.firstIndex(of: ":") { type = String(type[..<colon]) }
        if let hash = type.lastIndex(of: "#") { type = String(type[type.index(after: hash)...]) }
        self.type = type
        self.message = object?["message"]?.string ?? object?["Message"]?.string ?? ""
        self.code = object?["Code"]?.string
        self.status = status
        switch type {
        case "BadRequestException": kind = .badRequest
        case "InvalidSessionException": kind = .invalidSession
        case "OccConflictException": kind = .occConflict
        case "RateExceededException": kind = .rateExceeded
        case "LimitExceededException": kind = .limitExceeded
        case "CapacityExceededException": kind = .capacityExceeded
        default: kind = .other(type)
        }
    }
}
