/// An HTTP request as SigV4 sees it: exactly the bytes that go on the wire.
///
/// The path and query are kept as sent (already percent-encoded where the sender encoded them);
/// SigV4 encodes the path once more, as every non-S3 service expects.
public struct SigV4Request: Sendable, Hashable {
    /// The payload, or how it is declared.
    public enum Payload: Sendable, Hashable {
        /// The exact body bytes sent.
        case bytes([UInt8])
        /// The lowercase hex SHA-256 of the body, computed by the caller.
        case hash(String)
        /// `UNSIGNED-PAYLOAD`: the body is not covered by the signature.
        case unsigned
    }

    /// The method, such as `POST`.
    public var method: String
    /// The path as sent, such as `/` (no query).
    public var path: String
    /// The query string as sent, without `?`; empty when there is none.
    public var query: String
    /// The headers in the order sent; repeated names are allowed.
    public var headers: [(name: String, value: String)]
    /// The payload.
    public var payload: Payload

    /// Creates a request.
    public init(
        method: String, path: String, query: String = "", headers: [(name: String, value: String)], payload: Payload
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.payload = payload
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    public static func == (lhs: SigV4Request, rhs: SigV4Request) -> Bool {
        lhs.method == rhs.method && lhs.path == rhs.path && lhs.query == rhs.query && lhs.payload == rhs.payload
            && lhs.headers.map(\.name) == rhs.headers.map(\.name)
            && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(method)
        hasher.combine(path)
        hasher.combine(query)
        for (name, value) in headers {
            hasher.combine(name)
            hasher.combine(value)
        }
        hasher.combine(payload)
    }
}
