// swift-format-ignore-file: AlwaysUseLowerCamelCase

// Decodable members mirror the suite's JSON keys (snake_case), which they are matched by.
import Crypto
import Foundation
import SharedFixtures
import SigV4

/// Reading the SigV4 suites from `../shared/conformance/sigv4`.
enum SigV4Suite {
    static let v4Path = "conformance/sigv4/aws-signing-test-suite/v4"
    static let legacyPath = "conformance/sigv4/legacy-aws4_testsuite"
    static let v4 = SharedFixtures.url(v4Path)
    static let legacy = SharedFixtures.url(legacyPath)
    static let legacySecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

    static var v4IsAvailable: Bool { SharedFixtures.isAvailable(v4Path) }
    static var legacyIsAvailable: Bool { SharedFixtures.isAvailable(legacyPath) }

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

    /// One case of the v4 suite: a folder holding `context.json`, `request.txt` and the expected
    /// results of both modes.
    struct V4Case: Sendable {
        /// The case's folder name, e.g. `get-vanilla`.
        var name: String

        /// How test results name the case (`CustomTestStringConvertible`, declared in SigV4SuiteTests.swift).
        var testDescription: String { "aws-signing-test-suite/v4/\(name)" }

        /// The text of one of the case's files.
        func text(_ file: String) throws -> String {
            try SigV4Suite.text(SigV4Suite.v4.appendingPathComponent(name).appendingPathComponent(file))
        }

        func context() throws -> Context {
            try JSONDecoder().decode(
                Context.self,
                from: Data(
                    contentsOf: SigV4Suite.v4.appendingPathComponent(name).appendingPathComponent("context.json")))
        }
    }

    /// One case of the legacy suite: `<base>.req` and the expected `.creq`, `.sts` and `.authz`.
    struct LegacyCase: Sendable {
        /// The case's files relative to the legacy suite, without their extension, e.g.
        /// `normalize-path/get-slash/get-slash`.
        var base: String

        /// How test results name the case (`CustomTestStringConvertible`, declared in SigV4SuiteTests.swift).
        var testDescription: String { "legacy-aws4_testsuite/\(base)" }

        /// The text of the case's file with this extension (`.req`, `.creq`, …).
        func text(_ fileExtension: String) throws -> String {
            try SigV4Suite.text(SigV4Suite.legacy.appendingPathComponent(base + fileExtension))
        }
    }

    /// The v4 suite's cases, sorted; `[]` when the suite is absent.
    static let v4Cases: [V4Case] = ((try? FileManager.default.contentsOfDirectory(atPath: v4.path)) ?? [])
        .sorted().map { V4Case(name: $0) }

    /// The legacy suite's cases (one per `.req` file), sorted; `[]` when the suite is absent.
    static let legacyCases: [LegacyCase] = SharedFixtures.files(under: legacyPath, withSuffixes: [".req"])
        .map { LegacyCase(base: String($0.dropLast(4))) }

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
        let target = String(
            requestLine[requestLine.index(after: space)..<requestLine.index(requestLine.endIndex, offsetBy: -9)])
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
        let request = SigV4Request(
            method: method, path: path, query: query, headers: headers, payload: .bytes(Array(body.utf8)))
        return Parsed(
            request: request, target: target, headerBlock: requestLine + "\n" + headerLines, headerLines: headerLines,
            body: body)
    }

    static func hmacHex(key: SymmetricKey, _ text: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: key).map { String(format: "%02x", Int($0)) }
            .joined()
    }
}
