import Foundation
import QLDBPrimitives

/// Why a request's signature was not accepted.
public enum SigV4VerificationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Neither an `Authorization` header nor a presigned query is present.
    case missingAuthentication
    /// The authentication data cannot be parsed; the reason says which part.
    case malformed(String)
    /// The access key is not known to the verifier.
    case unknownAccessKey(String)
    /// The request was signed too far from now (or a presigned URL has expired).
    case expiredOrSkewed(String)
    /// The credential scope names another date, region or service.
    case wrongScope(String)
    /// The signature does not match the request.
    case signatureMismatch

    public var description: String {
        switch self {
        case .missingAuthentication: "missing Authorization header or presigned query"
        case .malformed(let why): "malformed signature data: \(why)"
        case .unknownAccessKey(let key): "unknown access key \(key)"
        case .expiredOrSkewed(let why): why
        case .wrongScope(let why): "credential scope mismatch: \(why)"
        case .signatureMismatch: "the request signature does not match"
        }
    }
}

/// Checks SigV4 signatures, for a server that accepts signed requests (the ledger).
///
/// The verifier recomputes the signature over exactly the headers the client signed, using the
/// secret that `secretForAccessKey` returns, compares in constant time, and enforces the clock
/// skew window and the credential scope.
public struct SigV4Verifier: Sendable {
    /// The region requests must be scoped to.
    public let region: String
    /// The service requests must be scoped to.
    public let service: String
    /// How far a signature's time may be from now.
    public let allowedSkew: TimeInterval
    let secretForAccessKey: @Sendable (String) -> String?
    let signer: SigV4Signer

    /// Creates a verifier.
    public init(
        region: String, service: String, allowedSkew: TimeInterval = 15 * 60,
        keyCache: SigningKeyCache = SigningKeyCache(),
        secretForAccessKey: @escaping @Sendable (String) -> String?
    ) {
        self.region = region
        self.service = service
        self.allowedSkew = allowedSkew
        self.secretForAccessKey = secretForAccessKey
        self.signer = SigV4Signer(service: service, region: region, keyCache: keyCache)
    }

    /// What a successful verification established.
    public struct Verified: Sendable, Hashable {
        /// The access key that signed.
        public var accessKeyID: String
        /// When the request was signed.
        public var signedAt: Date
    }

    /// Verifies a request's `Authorization` header or presigned query at time `now`.
    public func verify(_ request: SigV4Request, now: Date = Date()) throws(SigV4VerificationError) -> Verified {
        if let authorization = request.header("Authorization") {
            return try verifyHeader(request, authorization: authorization, now: now)
        }
        if request.query.firstRange(of: "X-Amz-Signature=") != nil {
            return try verifyQuery(request, now: now)
        }
        throw .missingAuthentication
    }

    struct Credential {
        var accessKeyID: String
        var date: String
        var region: String
        var service: String
    }

    func parseCredential(_ text: String) throws(SigV4VerificationError) -> Credential {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, parts[4] == "aws4_request", parts[1].count == 8 else {
            throw .malformed("Credential must be AKID/yyyymmdd/region/service/aws4_request")
        }
        return Credential(accessKeyID: parts[0], date: parts[1], region: parts[2], service: parts[3])
    }

    func check(_ credential: Credential, amzDate: String, now: Date, expires: TimeInterval?)
        throws(SigV4VerificationError) -> (Date, String)
    {
        guard let signedAt = HTTPDate.parseAmzDate(amzDate) else {
            throw .malformed("X-Amz-Date '\(amzDate)' is not yyyymmddThhmmssZ")
        }
        guard credential.date == String(amzDate.prefix(8)) else {
            throw .wrongScope("scope date \(credential.date) is not the signing date \(amzDate.prefix(8))")
        }
        guard credential.region == region else { throw .wrongScope("region \(credential.region), expected \(region)") }
        guard credential.service == service else {
            throw .wrongScope("service \(credential.service), expected \(service)")
        }
        let age = now.timeIntervalSince(signedAt)
        if let expires {
            guard age <= expires, age >= -allowedSkew else {
                throw .expiredOrSkewed("presigned request signed at \(amzDate) expired after \(Int(expires)) s")
            }
        } else {
            guard abs(age) <= allowedSkew else {
                throw .expiredOrSkewed(
                    "signed at \(amzDate), \(Int(abs(age))) s from the server's time; at most \(Int(allowedSkew)) s is allowed"
                )
            }
        }
        guard let secret = secretForAccessKey(credential.accessKeyID) else {
            throw .unknownAccessKey(credential.accessKeyID)
        }
        return (signedAt, secret)
    }

    func verifyHeader(_ request: SigV4Request, authorization: String, now: Date) throws(SigV4VerificationError)
        -> Verified
    {
        guard authorization.hasPrefix(SigV4Signer.algorithm + " ") else {
            throw .malformed("Authorization must start with \(SigV4Signer.algorithm)")
        }
        var fields: [String: String] = [:]
        for part in authorization.dropFirst(SigV4Signer.algorithm.count + 1).split(separator: ",") {
            let trimmed = part.trimmed(while: \.isWhitespace)
            guard let eq = trimmed.firstIndex(of: "=") else {
                throw .malformed("Authorization part '\(trimmed)' has no '='")
            }
            fields[String(trimmed[..<eq])] = String(trimmed[trimmed.index(after: eq)...])
        }
        guard let credentialText = fields["Credential"], let signedHeaders = fields["SignedHeaders"],
            let signature = fields["Signature"]
        else {
            throw .malformed("Authorization needs Credential, SignedHeaders and Signature")
        }
        guard let amzDate = request.header("X-Amz-Date") else { throw .malformed("missing X-Amz-Date header") }
        let credential = try parseCredential(credentialText)
        let (signedAt, secret) = try check(credential, amzDate: amzDate, now: now, expires: nil)
        let names = Set(signedHeaders.split(separator: ";").map(String.init))
        guard names.contains("host") else { throw .malformed("SignedHeaders must include host") }
        let headers = request.headers.filter { names.contains($0.name.lowercased()) }
        let payloadHash =
            request.header("x-amz-content-sha256").map { hash in
                if case .bytes(let body) = request.payload, hash != "UNSIGNED-PAYLOAD",
                    SigV4Canonical.sha256Hex(body) != hash
                {
                    return "mismatch"
                }
                return hash
            } ?? SigV4Signer.payloadHash(request.payload)
        let (canonical, recomputedSigned) = signer.canonicalRequest(
            method: request.method, path: request.path, query: request.query, headers: headers, payloadHash: payloadHash
        )
        guard recomputedSigned == signedHeaders else {
            throw .malformed("SignedHeaders names headers that are not in the request")
        }
        let expected = signer.signature(
            stringToSign: signer.stringToSign(amzDate: amzDate, canonicalRequest: canonical), secret: secret,
            date: credential.date)
        guard Self.constantTimeEqual(expected, signature) else { throw .signatureMismatch }
        return Verified(accessKeyID: credential.accessKeyID, signedAt: signedAt)
    }

    func verifyQuery(_ request: SigV4Request, now: Date) throws(SigV4VerificationError) -> Verified {
        var params: [String: String] = [:]
        var unsignedQuery: [Substring] = []
        for item in request.query.split(separator: "&") {
            let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(kv[0])
            let value = kv.count > 1 ? String(decoding: SigV4Canonical.percentDecode(String(kv[1])), as: UTF8.self) : ""
            params[name] = value
            if name != "X-Amz-Signature" { unsignedQuery.append(item) }
        }
        guard params["X-Amz-Algorithm"] == SigV4Signer.algorithm else {
            throw .malformed("X-Amz-Algorithm must be \(SigV4Signer.algorithm)")
        }
        guard let credentialText = params["X-Amz-Credential"], let amzDate = params["X-Amz-Date"],
            let signedHeaders = params["X-Amz-SignedHeaders"], let signature = params["X-Amz-Signature"],
            let expiresText = params["X-Amz-Expires"], let expires = Int(expiresText), expires > 0, expires <= 604_800
        else {
            throw .malformed(
                "presigned query needs X-Amz-Credential, -Date, -SignedHeaders, -Expires (1…604800) and -Signature")
        }
        let credential = try parseCredential(credentialText)
        let (signedAt, secret) = try check(credential, amzDate: amzDate, now: now, expires: TimeInterval(expires))
        let names = Set(signedHeaders.split(separator: ";").map(String.init))
        let headers = request.headers.filter { names.contains($0.name.lowercased()) }
        let (canonical, _) = signer.canonicalRequest(
            method: request.method, path: request.path, query: unsignedQuery.joined(separator: "&"), headers: headers,
            payloadHash: SigV4Signer.payloadHash(request.payload))
        let expected = signer.signature(
            stringToSign: signer.stringToSign(amzDate: amzDate, canonicalRequest: canonical), secret: secret,
            date: credential.date)
        guard Self.constantTimeEqual(expected, signature) else { throw .signatureMismatch }
        return Verified(accessKeyID: credential.accessKeyID, signedAt: signedAt)
    }

    /// Compares two strings without stopping at the first difference.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
