import Crypto
import Foundation

/// Signs requests with AWS Signature Version 4, in headers or as a presigned URL.
///
/// ```swift
/// let signer = SigV4Signer(service: "qldb", region: "eu-west-2")
/// let signed = signer.sign(request, credentials: credentials)
/// request.headers += signed.headersToAdd      // X-Amz-Date, token, Authorization
/// ```
///
/// The signer is a value; its signing-key cache and clock are shared, thread-safe objects, so
/// copies of a signer share them.
public struct SigV4Signer: Sendable {
    /// Variations of the algorithm that the AWS test suite exercises.
    public struct Options: Sendable, Hashable {
        /// Normalise the path (drop `.` and empty segments, resolve `..`); true for every service but S3.
        public var normalizePath: Bool
        /// Add and sign an `x-amz-content-sha256` header with the payload hash (S3-style).
        public var signBodyHashHeader: Bool
        /// Add the session token after signing, unsigned (a few services want this).
        public var omitSessionTokenFromSignature: Bool

        /// Creates options; the defaults suit QLDB.
        public init(normalizePath: Bool = true, signBodyHashHeader: Bool = false, omitSessionTokenFromSignature: Bool = false) {
            self.normalizePath = normalizePath
            self.signBodyHashHeader = signBodyHashHeader
            self.omitSessionTokenFromSignature = omitSessionTokenFromSignature
        }
    }

    /// A header-mode signature and everything that went into it.
    public struct HeaderSignature: Sendable {
        /// The headers to add to the request, in the order to send them (token, date, body hash, authorization).
        public var headersToAdd: [(name: String, value: String)]
        /// The `Authorization` header value.
        public var authorization: String
        /// The hex signature.
        public var signature: String
        /// The canonical request that was signed.
        public var canonicalRequest: String
        /// The string to sign.
        public var stringToSign: String
    }

    /// A presigned (query-mode) signature.
    public struct QuerySignature: Sendable {
        /// The parameters to append to the query, in order, already encoded.
        public var queryItemsToAdd: [(name: String, value: String)]
        /// The hex signature.
        public var signature: String
        /// The canonical request that was signed.
        public var canonicalRequest: String
        /// The string to sign.
        public var stringToSign: String
    }

    /// The signing name, such as `qldb` (not the endpoint prefix `session.qldb`).
    public let service: String
    /// The region, such as `us-east-1`.
    public let region: String
    /// Algorithm variations.
    public let options: Options
    /// Derived keys, shared by copies of this signer.
    public let keyCache: SigningKeyCache
    /// The clock, with any learned skew.
    public let clock: SigV4Clock

    /// Creates a signer.
    public init(
        service: String, region: String, options: Options = Options(), keyCache: SigningKeyCache = SigningKeyCache(),
        clock: SigV4Clock = SigV4Clock()
    ) {
        self.service = service
        self.region = region
        self.options = options
        self.keyCache = keyCache
        self.clock = clock
    }

    static let algorithm = "AWS4-HMAC-SHA256"

    /// The hex payload hash for a request.
    public static func payloadHash(_ payload: SigV4Request.Payload) -> String {
        switch payload {
        case .bytes(let bytes): SigV4Canonical.sha256Hex(bytes)
        case .hash(let hash): hash
        case .unsigned: "UNSIGNED-PAYLOAD"
        }
    }

    /// The canonical request for a request, signing exactly `headers`.
    public func canonicalRequest(
        method: String, path: String, query: String, headers: [(name: String, value: String)], payloadHash: String
    ) -> (request: String, signedHeaders: String) {
        let (canonicalHeaders, signedHeaders) = SigV4Canonical.headers(headers)
        var request = method
        request.reserveCapacity(method.utf8.count + path.utf8.count + query.utf8.count + canonicalHeaders.utf8.count + 160)
        request += "\n"
        request += SigV4Canonical.uri(path, normalize: options.normalizePath)
        request += "\n"
        request += SigV4Canonical.query(query)
        request += "\n"
        request += canonicalHeaders
        request += "\n"
        request += signedHeaders
        request += "\n"
        request += payloadHash
        return (request, signedHeaders)
    }

    /// The credential scope, `yyyymmdd/region/service/aws4_request`.
    public func scope(date: String) -> String { "\(date)/\(region)/\(service)/aws4_request" }

    func stringToSign(amzDate: String, canonicalRequest: String) -> String {
        "\(Self.algorithm)\n\(amzDate)\n\(scope(date: String(amzDate.prefix(8))))\n\(SigV4Canonical.sha256Hex(canonicalRequest))"
    }

    func signature(stringToSign: String, secret: String, date: String) -> String {
        var text = stringToSign
        #if canImport(CLibCrypto)
        let mac = keyCache.mac(secret: secret, date: date, region: region, service: service)
        return text.withUTF8 { message in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { out in
                mac.authenticate(UnsafeRawBufferPointer(message), into: out.baseAddress!)
                return SigV4Canonical.hex(UnsafeRawBufferPointer(out))
            }
        }
        #else
        let key = keyCache.key(secret: secret, date: date, region: region, service: service)
        return text.withUTF8 { HMAC<SHA256>.authenticationCode(for: UnsafeRawBufferPointer($0), using: key).withUnsafeBytes { SigV4Canonical.hex($0) } }
        #endif
    }

    /// Signs a request in its headers at `date` (the clock's corrected time by default).
    public func sign(_ request: SigV4Request, credentials: AWSCredentials, date: Date? = nil) -> HeaderSignature {
        let amzDate = HTTPDate.amzDate(date ?? clock.currentDate())
        let payloadHash = Self.payloadHash(request.payload)
        var added: [(name: String, value: String)] = []
        if let token = credentials.sessionToken { added.append(("X-Amz-Security-Token", token)) }
        added.append(("X-Amz-Date", amzDate))
        if options.signBodyHashHeader { added.append(("x-amz-content-sha256", payloadHash)) }
        var signed = request.headers + added
        if options.omitSessionTokenFromSignature, credentials.sessionToken != nil {
            signed.removeAll { $0.name == "X-Amz-Security-Token" }
        }
        let (canonical, signedHeaders) = canonicalRequest(
            method: request.method, path: request.path, query: request.query, headers: signed, payloadHash: payloadHash)
        let toSign = stringToSign(amzDate: amzDate, canonicalRequest: canonical)
        let signature = signature(stringToSign: toSign, secret: credentials.secretAccessKey, date: String(amzDate.prefix(8)))
        let authorization =
            "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope(date: String(amzDate.prefix(8)))), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        added.append(("Authorization", authorization))
        return HeaderSignature(
            headersToAdd: added, authorization: authorization, signature: signature, canonicalRequest: canonical,
            stringToSign: toSign)
    }

    /// Presigns a request: the signature travels in the query, valid for `expires` seconds.
    public func presign(_ request: SigV4Request, credentials: AWSCredentials, expires: Int, date: Date? = nil) -> QuerySignature {
        let amzDate = HTTPDate.amzDate(date ?? clock.currentDate())
        let day = String(amzDate.prefix(8))
        let (_, signedHeaders) = SigV4Canonical.headers(request.headers)
        let encode = { (s: String) in SigV4Canonical.encode(s.utf8, keepSlash: false) }
        var items: [(name: String, value: String)] = [
            ("X-Amz-Algorithm", Self.algorithm),
            ("X-Amz-Credential", encode("\(credentials.accessKeyID)/\(scope(date: day))")),
            ("X-Amz-Date", amzDate),
            ("X-Amz-SignedHeaders", encode(signedHeaders)),
            ("X-Amz-Expires", String(expires)),
        ]
        let token = credentials.sessionToken.map { ("X-Amz-Security-Token", encode($0)) }
        if let token, !options.omitSessionTokenFromSignature { items.append(token) }
        let query = ([request.query] + items.map { "\($0.name)=\($0.value)" }).filter { !$0.isEmpty }.joined(separator: "&")
        let (canonical, _) = canonicalRequest(
            method: request.method, path: request.path, query: query, headers: request.headers,
            payloadHash: Self.payloadHash(request.payload))
        let toSign = stringToSign(amzDate: amzDate, canonicalRequest: canonical)
        let signature = signature(stringToSign: toSign, secret: credentials.secretAccessKey, date: day)
        if let token, options.omitSessionTokenFromSignature { items.append(token) }
        items.append(("X-Amz-Signature", signature))
        return QuerySignature(queryItemsToAdd: items, signature: signature, canonicalRequest: canonical, stringToSign: toSign)
    }
}
