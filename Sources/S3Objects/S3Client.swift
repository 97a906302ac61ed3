import AsyncHTTPClient
import Foundation
import QLDBPrimitives
import SigV4

/// A small S3 client: PutObject, GetObject and HeadBucket with path-style addressing
/// (`ENDPOINT/BUCKET/KEY`), signed with the package's SigV4 signer and sent with
/// AsyncHTTPClient. Enough for journal exports and their import; works with S3 and with
/// S3-compatible servers (moto, MinIO).
public struct S3Client: Sendable {
    let http: SignedHTTPClient

    /// A client for the S3 endpoint at `endpoint` (such as `https://s3.eu-west-1.amazonaws.com`
    /// or `http://127.0.0.1:5000`), signing for `region` with `credentials`; `httpClient` `nil`
    /// sends through `HTTPClient.shared`.
    public init(
        endpoint: URL, region: String, credentials: any CredentialProvider, httpClient: HTTPClient? = nil
    ) {
        http = SignedHTTPClient(
            endpoint: endpoint,
            signer: SigV4Signer(
                service: "s3", region: region, options: .init(normalizePath: false, signBodyHashHeader: true)),
            credentials: credentials, httpClient: httpClient)
    }

    /// Stores `body` as `key`, replacing any object there, with extra S3 `headers` (such as
    /// `x-amz-server-side-encryption`).
    ///
    /// - Throws: ``S3Error`` when S3 refuses; AsyncHTTPClient's errors when it cannot be reached.
    public func putObject(
        bucket: String, key: String, body: [UInt8], headers: [(name: String, value: String)] = []
    ) async throws {
        let response = try await send("PUT", bucket: bucket, key: key, headers: headers, body: body)
        guard response.status == 200 else { throw S3Error(response, operation: "PutObject", bucket, key) }
    }

    /// The bytes of an object.
    ///
    /// - Throws: ``S3Error`` (`NoSuchKey`, `NoSuchBucket`, `AccessDenied`, …).
    public func getObject(bucket: String, key: String) async throws -> [UInt8] {
        let response = try await send("GET", bucket: bucket, key: key)
        guard response.status == 200 else { throw S3Error(response, operation: "GetObject", bucket, key) }
        return response.body
    }

    /// The keys of the bucket's objects that start with `prefix`, in S3's (lexicographic) order,
    /// every page of ListObjectsV2 read.
    ///
    /// - Throws: ``S3Error`` (`NoSuchBucket`, `AccessDenied`, …).
    public func listObjects(bucket: String, prefix: String) async throws -> [String] {
        var keys: [String] = []
        var token: String?
        repeat {
            var query = "list-type=2&prefix=\(PercentEncoding.encode(prefix.utf8, keepSlash: false))"
            if let token { query += "&continuation-token=\(PercentEncoding.encode(token.utf8, keepSlash: false))" }
            let response = try await send("GET", bucket: bucket, key: nil, query: query)
            guard response.status == 200 else { throw S3Error(response, operation: "ListObjectsV2", bucket, nil) }
            let page = String(decoding: response.body, as: UTF8.self)
            keys += XMLElements.values("Key", in: page)
            let truncated = XMLElements.values("IsTruncated", in: page).first == "true"
            token = truncated ? XMLElements.values("NextContinuationToken", in: page).first : nil
        } while token != nil
        return keys
    }

    /// S3's XML answers (ListObjectsV2 pages, errors) read by their elements, without an XML
    /// library (FoundationXML would link libxml2 into a static executable).
    enum XMLElements {
        /// The text of every `<name>…</name>` in `xml`, in order, entities decoded.
        static func values(_ name: String, in xml: String) -> [String] {
            var found: [String] = []
            var rest = xml[...]
            while let start = rest.range(of: "<\(name)>"), let end = rest[start.upperBound...].range(of: "</\(name)>") {
                found.append(unescape(String(rest[start.upperBound..<end.lowerBound])))
                rest = rest[end.upperBound...]
            }
            return found
        }

        static func unescape(_ text: String) -> String {
            guard text.contains("&") else { return text }
            return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
                .replacingOccurrences(of: "&amp;", with: "&")
        }
    }

    /// Checks that the bucket exists and may be used.
    ///
    /// - Throws: ``S3Error`` (404 when there is no such bucket, 403 when it is not ours).
    public func headBucket(_ bucket: String) async throws {
        let response = try await send("HEAD", bucket: bucket, key: nil)
        guard response.status == 200 else { throw S3Error(response, operation: "HeadBucket", bucket, nil) }
    }

    private func send(
        _ method: String, bucket: String, key: String?, query: String = "",
        headers: [(name: String, value: String)] = [], body: [UInt8] = []
    ) async throws -> SignedHTTPClient.Response {
        let raw = "/\(bucket)" + (key.map { "/\($0)" } ?? "")
        // S3 signs the path percent-encoded once: the signer encodes what it is given once.
        return try await http.send(
            method: method, path: PercentEncoding.encode(raw.utf8, keepSlash: true), signingPath: raw, query: query,
            headers: headers, body: body)
    }
}

/// S3 refused a request: its status, and the `Code` and `Message` of its XML error.
public struct S3Error: Error, Sendable, Hashable, CustomStringConvertible {
    /// The operation.
    public var operation: String
    /// The HTTP status.
    public var status: Int
    /// S3's error code (`NoSuchBucket`, `AccessDenied`, …); `HTTP<status>` when the body had none.
    public var code: String
    /// S3's message.
    public var message: String
    /// The bucket.
    public var bucket: String
    /// The key, when the request named one.
    public var key: String?

    init(_ response: SignedHTTPClient.Response, operation: String, _ bucket: String, _ key: String?) {
        let text = String(decoding: response.body, as: UTF8.self)
        self.operation = operation
        self.status = response.status
        self.code = S3Client.XMLElements.values("Code", in: text).first ?? "HTTP\(response.status)"
        self.message = S3Client.XMLElements.values("Message", in: text).first ?? ""
        self.bucket = bucket
        self.key = key
    }

    public var description: String {
        "S3 \(operation) of s3://\(bucket)/\(key ?? "") failed: \(status) \(code)\(message.isEmpty ? "" : ": \(message)")"
    }
}
