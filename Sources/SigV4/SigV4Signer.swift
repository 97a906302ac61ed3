import Foundation
import QLDBPrimitives

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
        public init(
            normalizePath: Bool = true, signBodyHashHeader: Bool = false, omitSessionTokenFromSignature: Bool = false
        ) {
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
        // The canonical request, the string to sign and the hex signature, kept as the bytes they
        // were built in: most callers never read them, so they become strings only on demand.
        let transcript: [UInt8]
        let canonicalRange: Range<Int>
        let stringToSignRange: Range<Int>
        let signatureRange: Range<Int>

        /// The hex signature.
        public var signature: String { String(decoding: transcript[signatureRange], as: UTF8.self) }
        /// The canonical request that was signed.
        public var canonicalRequest: String { String(decoding: transcript[canonicalRange], as: UTF8.self) }
        /// The string to sign.
        public var stringToSign: String { String(decoding: transcript[stringToSignRange], as: UTF8.self) }
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
        request.reserveCapacity(
            method.utf8.count + path.utf8.count + query.utf8.count + canonicalHeaders.utf8.count + 160)
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
        let mac = keyCache.mac(secret: secret, date: date, region: region, service: service)
        return text.withUTF8 { message in
            mac.withAuthenticationCode(for: UnsafeRawBufferPointer(message)) { Hex.encode($0) }
        }
    }

    /// Signs a request in its headers at `date` (the clock's corrected time by default).
    ///
    /// The canonical request and the string to sign are written into one scratch buffer and hashed
    /// there; only the values returned become strings. To sign many requests that differ only in
    /// their bodies, prepare the rest once with ``prepare(method:path:query:headers:)`` and call
    /// ``sign(_:payload:credentials:date:)``.
    public func sign(_ request: SigV4Request, credentials: AWSCredentials, date: Date? = nil) -> HeaderSignature {
        let added = AddedHeaders(signer: self, payload: request.payload, credentials: credentials, date: date)
        // The signer's own headers are sent last, so they follow the request's among repeats.
        var names: [SigV4Canonical.SortedHeader] = []
        names.reserveCapacity(request.headers.count + AddedHeader.allCases.count)
        for (name, value) in request.headers { names.append((SigV4Canonical.lowercaseName(name), value, names.count)) }
        for header in AddedHeader.allCases {
            guard let value = added.signedValue(header) else { continue }
            names.append((header.canonicalName, value, names.count))
        }
        SigV4Canonical.sortHeaders(&names)
        let uri = SigV4Canonical.uri(request.path, normalize: options.normalizePath)
        let query = SigV4Canonical.query(request.query)
        var estimate = request.method.utf8.count + uri.utf8.count + query.utf8.count
        for (name, value) in request.headers { estimate += 3 * name.utf8.count + value.utf8.count + 4 }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: scratchSize(estimate, added, credentials)) {
            scratch in
            var buffer = SigningBuffer(scratch)
            buffer.append(request.method)
            buffer.byte(0x0A)
            buffer.append(uri)
            buffer.byte(0x0A)
            buffer.append(query)
            buffer.byte(0x0A)
            buffer.appendCanonicalHeaders(names)
            buffer.byte(0x0A)
            let signedStart = buffer.count
            buffer.appendSignedHeaders(names)
            return finish(
                &buffer, signedHeaders: signedStart..<buffer.count, payload: request.payload, added,
                credentials: credentials)
        }
    }

    /// Signs a prepared request with this payload at `date` (the clock's corrected time by default).
    ///
    /// As ``sign(_:credentials:date:)``, with the request's canonical parts copied in and the
    /// headers the signer adds placed among them.
    public func sign(
        _ prepared: PreparedRequest, payload: SigV4Request.Payload, credentials: AWSCredentials, date: Date? = nil
    ) -> HeaderSignature {
        precondition(
            prepared.normalizedPath == options.normalizePath,
            "a prepared request must be signed by a signer with the path normalisation it was prepared with")
        let added = AddedHeaders(signer: self, payload: payload, credentials: credentials, date: date)
        let estimate = prepared.head.count + prepared.canonicalHeaders.count + prepared.names.count
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: scratchSize(estimate, added, credentials)) {
            scratch in
            var buffer = SigningBuffer(scratch)
            prepared.head.withUnsafeBytes { buffer.append($0) }
            prepared.canonicalHeaders.withUnsafeBytes { lines in
                var line = 0
                for header in AddedHeader.allCases {
                    guard let value = added.signedValue(header) else { continue }
                    let placement = prepared.placements[header.rawValue]
                    if placement.joins {
                        // The request's own values were sent first; drop the line's newline to join.
                        buffer.append(lines, prepared.lineStarts[line]..<prepared.lineStarts[placement.line + 1] - 1)
                        buffer.byte(UInt8(ascii: ","))
                        line = placement.line + 1
                    } else {
                        buffer.append(lines, prepared.lineStarts[line]..<prepared.lineStarts[placement.line])
                        buffer.append(header.canonicalName)
                        buffer.byte(UInt8(ascii: ":"))
                        line = placement.line
                    }
                    buffer.appendHeaderValue(value)
                    buffer.byte(0x0A)
                }
                buffer.append(lines, prepared.lineStarts[line]..<prepared.lineStarts[prepared.lineStarts.count - 1])
            }
            buffer.byte(0x0A)
            // The signed headers, each name followed by `;` until the last.
            let signedStart = buffer.count
            prepared.names.withUnsafeBytes { names in
                var line = 0
                for header in AddedHeader.allCases where added.signedValue(header) != nil {
                    let placement = prepared.placements[header.rawValue]
                    guard !placement.joins else { continue }
                    buffer.append(names, prepared.nameStarts[line]..<prepared.nameStarts[placement.line])
                    buffer.append(header.canonicalName)
                    buffer.byte(UInt8(ascii: ";"))
                    line = placement.line
                }
                buffer.append(names, prepared.nameStarts[line]..<prepared.nameStarts[prepared.nameStarts.count - 1])
            }
            if buffer.count > signedStart { buffer.count -= 1 }
            return finish(
                &buffer, signedHeaders: signedStart..<buffer.count, payload: payload, added, credentials: credentials)
        }
    }

    /// The headers the signer adds, and the values of those it signs.
    struct AddedHeaders {
        /// `X-Amz-Date`'s value.
        let amzDate: String
        /// The hex payload hash when a header or the payload declaration carries it; `nil` when
        /// the body is hashed straight into the canonical request.
        let payloadHash: String?
        let signsBodyHash: Bool
        let signedToken: String?
        /// The session token, sent whether or not it is signed.
        let sentToken: String?

        init(signer: SigV4Signer, payload: SigV4Request.Payload, credentials: AWSCredentials, date: Date?) {
            amzDate = date.map { HTTPDate.amzDate($0) } ?? signer.clock.currentAmzDate()
            payloadHash =
                switch payload {
                case .bytes: signer.options.signBodyHashHeader ? SigV4Signer.payloadHash(payload) : nil
                case .hash, .unsigned: SigV4Signer.payloadHash(payload)
                }
            signsBodyHash = signer.options.signBodyHashHeader
            sentToken = credentials.sessionToken
            signedToken = signer.options.omitSessionTokenFromSignature ? nil : credentials.sessionToken
        }

        /// The headers to send, in order (token, date, body hash), then `Authorization`.
        func headersToAdd(authorization: String) -> [(name: String, value: String)] {
            var headers: [(name: String, value: String)] = []
            headers.reserveCapacity(4)
            if let sentToken { headers.append((AddedHeader.securityToken.sentName, sentToken)) }
            headers.append((AddedHeader.date.sentName, amzDate))
            if signsBodyHash, let payloadHash { headers.append((AddedHeader.contentSHA256.sentName, payloadHash)) }
            headers.append(("Authorization", authorization))
            return headers
        }

        /// The value signed for `header`, or `nil` when it is not signed.
        func signedValue(_ header: AddedHeader) -> String? {
            switch header {
            case .contentSHA256: signsBodyHash ? payloadHash : nil
            case .date: amzDate
            case .securityToken: signedToken
            }
        }
    }

    /// The scratch bytes a signature needs: the canonical head (`canonicalHeadLength`, the
    /// request's own method, path, query and headers), each header the signer adds (a line, a
    /// signed name and its place in `Authorization`), and the rest of the string to sign and
    /// `Authorization`.
    @inline(__always)
    private func scratchSize(
        _ canonicalHeadLength: Int, _ added: borrowing AddedHeaders, _ credentials: borrowing AWSCredentials
    ) -> Int {
        var size =
            canonicalHeadLength + 512 + 2 * (region.utf8.count + service.utf8.count)
            + credentials.accessKeyID.utf8.count
        for header in AddedHeader.allCases {
            guard let value = added.signedValue(header) else { continue }
            size += 3 * (header.canonicalName.utf8.count + 2) + value.utf8.count
        }
        return size
    }

    /// Completes a signature whose canonical head (method, URI, query, header lines and signed
    /// header names, at `signedHeaders`) is in `buffer`: the payload hash, the string to sign, the
    /// signature and the `Authorization` value follow in the same buffer.
    @inline(__always)
    private func finish(
        _ buffer: inout SigningBuffer, signedHeaders signedRange: Range<Int>, payload: SigV4Request.Payload,
        _ added: borrowing AddedHeaders, credentials: borrowing AWSCredentials
    ) -> HeaderSignature {
        buffer.byte(0x0A)
        if let payloadHash = added.payloadHash {
            buffer.append(payloadHash)
        } else if case .bytes(let body) = payload {
            body.withUnsafeBytes { buffer.appendSHA256Hex(of: $0) }
        }
        let canonicalRange = 0..<buffer.count

        let toSignStart = buffer.count
        buffer.append("AWS4-HMAC-SHA256\n")
        buffer.append(added.amzDate)
        buffer.byte(0x0A)
        let scopeStart = buffer.count
        var day = added.amzDate
        day.withUTF8 { buffer.append(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer($0)[0..<8])) }
        buffer.byte(UInt8(ascii: "/"))
        buffer.append(region)
        buffer.byte(UInt8(ascii: "/"))
        buffer.append(service)
        buffer.append("/aws4_request")
        let scopeRange = scopeStart..<buffer.count
        buffer.byte(0x0A)
        buffer.appendSHA256Hex(of: canonicalRange)
        let toSignRange = toSignStart..<buffer.count

        let signatureStart = buffer.count
        appendSignature(
            of: toSignRange, in: &buffer, secret: credentials.secretAccessKey,
            date: String(added.amzDate.utf8.prefix(8))!)
        let signatureRange = signatureStart..<buffer.count
        let transcript = Array(UnsafeBufferPointer(start: buffer.base, count: buffer.count))
        let authorizationStart = buffer.count
        buffer.append("AWS4-HMAC-SHA256 Credential=")
        buffer.append(credentials.accessKeyID)
        buffer.byte(UInt8(ascii: "/"))
        buffer.append(buffer.bytes(scopeRange))
        buffer.append(", SignedHeaders=")
        buffer.append(buffer.bytes(signedRange))
        buffer.append(", Signature=")
        buffer.append(buffer.bytes(signatureRange))
        let authorization = buffer.string(authorizationStart..<buffer.count)
        return HeaderSignature(
            headersToAdd: added.headersToAdd(authorization: authorization), authorization: authorization,
            transcript: transcript,
            canonicalRange: canonicalRange, stringToSignRange: toSignRange, signatureRange: signatureRange)
    }

    /// Appends the hex signature of the string to sign held in `range` of the buffer.
    // Out of line: inlined into `finish`, the MAC grew the signing closures past the inliner, which
    // then copied the signer and credentials into a closure context on every signature (measured).
    @inline(never)
    func appendSignature(of range: Range<Int>, in buffer: inout SigningBuffer, secret: String, date: String) {
        let stringToSign = buffer.bytes(range)
        let mac = keyCache.mac(secret: secret, date: date, region: region, service: service)
        var signature: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &signature) { mac.authenticate(stringToSign, into: $0) }
        withUnsafeBytes(of: &signature) { buffer.appendHex($0) }
    }

    /// Presigns a request: the signature travels in the query, valid for `expires` seconds.
    public func presign(_ request: SigV4Request, credentials: AWSCredentials, expires: Int, date: Date? = nil)
        -> QuerySignature
    {
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
        let query = ([request.query] + items.map { "\($0.name)=\($0.value)" }).filter { !$0.isEmpty }.joined(
            separator: "&")
        let (canonical, _) = canonicalRequest(
            method: request.method, path: request.path, query: query, headers: request.headers,
            payloadHash: Self.payloadHash(request.payload))
        let toSign = stringToSign(amzDate: amzDate, canonicalRequest: canonical)
        let signature = signature(stringToSign: toSign, secret: credentials.secretAccessKey, date: day)
        if let token, options.omitSessionTokenFromSignature { items.append(token) }
        items.append(("X-Amz-Signature", signature))
        return QuerySignature(
            queryItemsToAdd: items, signature: signature, canonicalRequest: canonical, stringToSign: toSign)
    }
}
