import Crypto
import Foundation
import SharedFixtures
import SigV4

/// Reading the SigV4 suites from `../shared/conformance/sigv4`.
enum SigV4Suite {
    static let root = SharedFixtures.url("conformance/sigv4")
    static let v4 = root.appendingPathComponent("aws-signing-test-suite/v4")
    static let legacy = root.appendingPathComponent("legacy-aws4_testsuite")
    static let legacySecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

    static var isAvailable: Bool { FileManager.default.fileExists(atPath: v4.path) }

    struct Context: Decodable {
        struct Credentials: Decodable {
            var access_key_id: String
            var secret_access_key: String
            var token: String?
        }
        var credentials: Credentials
        var expiration_in_seconds: Int
        var normalize: Bool
        var region: String
        var service: String
        var sign_body: Bool
        var timestamp: String
        var omit_session_token: Bool?
    }

    static func v4Cases() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: v4.path).sorted()
    }

    static func legacyCases() -> [String] {
        var bases: [String] = []
        let walker = FileManager.default.enumerator(atPath: legacy.path)
        while let entry = walker?.nextObject() as? String {
            if entry.hasSuffix(".req") { bases.append(legacy.appendingPathComponent(String(entry.dropLast(4))).path) }
        }
        return bases.sorted()
    }

    static func text(_ url: URL) throws -> String {
        String(decoding: try Data(contentsOf: url), as: UTF8.self)
    }

    struct Parsed {
        var request: SigV4Request
        /// The request target as written (path and query).
        var target: String
        /// The request line and the header lines exactly as written, each ending in a newline.
        var headerBlock: String
        /// The header lines alone.
        var headerLines: String
        var body: String
    }

    /// Parses `request.txt` by hand: targets hold raw spaces and raw UTF-8 that URL types reject.
    static func parse(_ raw: String) throws -> Parsed {
        var lines = raw.components(separatedBy: "\n")
        let requestLine = lines.removeFirst()
        guard requestLine.hasSuffix(" HTTP/1.1"), let space = requestLine.firstIndex(of: " ") else {
            throw CocoaError(.formatting)
        }
        let method = String(requestLine[..<space])
        let target = String(requestLine[requestLine.index(after: space)..<requestLine.index(requestLine.endIndex, offsetBy: -9)])
        var headers: [(name: String, value: String)] = []
        var headerLines = ""
        var bodyStart = lines.count
        for (i, line) in lines.enumerated() {
            if line.isEmpty {
                bodyStart = i + 1
                break
            }
            headerLines += line + "\n"
            if line.first == " " || line.first == "\t" {
                headers[headers.count - 1].value += "\n" + line
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
        }
        let body = bodyStart < lines.count ? lines[bodyStart...].joined(separator: "\n") : ""
        let path: String
        let query: String
        if let q = target.firstIndex(of: "?") {
            path = String(target[..<q])
            query = String(target[target.index(after: q)...])
        } else {
            path = target
            query = ""
        }
        let request = SigV4Request(method: method, path: path, query: query, headers: headers, payload: .bytes(Array(body.utf8)))
        return Parsed(request: request, target: target, headerBlock: requestLine + "\n" + headerLines, headerLines: headerLines, body: body)
    }

    static func hmacHex(key: SymmetricKey, _ text: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: key).map { String(format: "%02x", Int($0)) }.joined()
    }
}
