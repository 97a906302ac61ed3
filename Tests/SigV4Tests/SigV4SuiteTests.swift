import Foundation
import SigV4
import Testing

extension SigV4Suite.V4Case: CustomTestStringConvertible {}
extension SigV4Suite.LegacyCase: CustomTestStringConvertible {}

/// The AWS SigV4 test suite (aws-c-auth v4 layout, header and query modes) and botocore's older
/// suite (header mode), compared byte for byte, one case at a time.
@Suite struct SigV4SuiteTests {
    /// What one v4 case signs with, read from its `context.json` and `request.txt`.
    struct V4Inputs {
        var context: SigV4Suite.Context
        var parsed: SigV4Suite.Parsed
        var signer: SigV4Signer
        var credentials: AWSCredentials
        var date: Date
    }

    static func inputs(_ testCase: SigV4Suite.V4Case) throws -> V4Inputs {
        let context = try testCase.context()
        let parsed = try SigV4Suite.parse(try testCase.text("request.txt"))
        let signer = SigV4Signer(
            service: context.service, region: context.region,
            options: .init(
                normalizePath: context.normalize, signBodyHashHeader: context.sign_body,
                omitSessionTokenFromSignature: context.omit_session_token ?? false))
        let credentials = AWSCredentials(
            accessKeyID: context.credentials.access_key_id, secretAccessKey: context.credentials.secret_access_key,
            sessionToken: context.credentials.token)
        let date = try #require(
            HTTPDate.parseAmzDate(
                context.timestamp.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")),
            "\(testCase.testDescription): context.json timestamp \(context.timestamp) does not parse")
        return V4Inputs(context: context, parsed: parsed, signer: signer, credentials: credentials, date: date)
    }

    @Test(
        "A v4 suite case signs in header mode as the suite does",
        .enabled(
            if: SigV4Suite.v4IsAvailable,
            "needs ../shared/conformance/sigv4/aws-signing-test-suite/v4 beside the repository"),
        arguments: SigV4Suite.v4Cases)
    func v4HeaderMode(_ testCase: SigV4Suite.V4Case) throws {
        let inputs = try Self.inputs(testCase)
        let name = testCase.testDescription
        let h = inputs.signer.sign(inputs.parsed.request, credentials: inputs.credentials, date: inputs.date)
        let canonicalRequest = try testCase.text("header-canonical-request.txt")
        #expect(h.canonicalRequest == canonicalRequest, "\(name) header mode: canonical request")
        let stringToSign = try testCase.text("header-string-to-sign.txt")
        #expect(h.stringToSign == stringToSign, "\(name) header mode: string to sign")
        let signature = try testCase.text("header-signature.txt").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(h.signature == signature, "\(name) header mode: signature")
        let signedRequest =
            inputs.parsed.headerBlock + h.headersToAdd.map { "\($0.name):\($0.value)\n" }.joined() + "\n"
            + inputs.parsed.body
        let expectedSignedRequest = try testCase.text("header-signed-request.txt")
        #expect(signedRequest == expectedSignedRequest, "\(name) header mode: signed request")
    }

    @Test(
        "A v4 suite case presigns in query mode as the suite does",
        .enabled(
            if: SigV4Suite.v4IsAvailable,
            "needs ../shared/conformance/sigv4/aws-signing-test-suite/v4 beside the repository"),
        arguments: SigV4Suite.v4Cases)
    func v4QueryMode(_ testCase: SigV4Suite.V4Case) throws {
        let inputs = try Self.inputs(testCase)
        let name = testCase.testDescription
        let parsed = inputs.parsed
        let q = inputs.signer.presign(
            parsed.request, credentials: inputs.credentials, expires: inputs.context.expiration_in_seconds,
            date: inputs.date)
        let canonicalRequest = try testCase.text("query-canonical-request.txt")
        #expect(q.canonicalRequest == canonicalRequest, "\(name) query mode: canonical request")
        let stringToSign = try testCase.text("query-string-to-sign.txt")
        #expect(q.stringToSign == stringToSign, "\(name) query mode: string to sign")
        let signature = try testCase.text("query-signature.txt").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(q.signature == signature, "\(name) query mode: signature")
        let added = q.queryItemsToAdd.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        let target = parsed.target + (parsed.request.query.isEmpty ? "?" : "&") + added
        let presigned = "\(parsed.request.method) \(target) HTTP/1.1\n" + parsed.headerLines + "\n" + parsed.body
        let expectedPresigned = try testCase.text("query-signed-request.txt")
        #expect(presigned == expectedPresigned, "\(name) query mode: signed request")
    }

    @Test(
        "The v4 suite holds 38 cases",
        .enabled(
            if: SigV4Suite.v4IsAvailable,
            "needs ../shared/conformance/sigv4/aws-signing-test-suite/v4 beside the repository"))
    func v4SuiteIsComplete() {
        #expect(SigV4Suite.v4Cases.count == 38)
    }

    @Test(
        "A legacy suite case signs in header mode as botocore's runner does",
        .enabled(
            if: SigV4Suite.legacyIsAvailable,
            "needs ../shared/conformance/sigv4/legacy-aws4_testsuite beside the repository"),
        arguments: SigV4Suite.legacyCases)
    func legacyHeaderMode(_ testCase: SigV4Suite.LegacyCase) throws {
        let name = testCase.testDescription
        let signer = SigV4Signer(service: "service", region: "us-east-1")
        let parsed = try SigV4Suite.parse(try testCase.text(".req"))
        // These requests already carry X-Amz-Date: sign them as they are. The suite's
        // session-token case leaves the token out of the request; its runner (botocore's)
        // signs it with the same token the v4 suite uses, added as a header.
        var headers = parsed.request.headers
        if testCase.base.hasSuffix("get-vanilla-with-session-token") {
            headers.append(("X-Amz-Security-Token", "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"))
        }
        let (canonical, signedHeaders) = signer.canonicalRequest(
            method: parsed.request.method, path: parsed.request.path, query: parsed.request.query,
            headers: headers, payloadHash: SigV4Signer.payloadHash(parsed.request.payload))
        let key = SigningKeyCache.derive(
            secret: SigV4Suite.legacySecret, date: "20150830", region: "us-east-1", service: "service")
        let stringToSign =
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            + SigV4Canonical.sha256Hex(canonical.utf8)
        let signature = SigV4Suite.hmacHex(key: key, stringToSign)
        let authorization =
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=\(signedHeaders), Signature=\(signature)"
        let expectedCanonical = try testCase.text(".creq")
        #expect(canonical == expectedCanonical, "\(name): canonical request")
        let expectedStringToSign = try testCase.text(".sts")
        #expect(stringToSign == expectedStringToSign, "\(name): string to sign")
        let expectedAuthorization = try testCase.text(".authz")
        #expect(authorization == expectedAuthorization, "\(name): authorization")
    }

    @Test(
        "The legacy suite holds 34 cases",
        .enabled(
            if: SigV4Suite.legacyIsAvailable,
            "needs ../shared/conformance/sigv4/legacy-aws4_testsuite beside the repository"))
    func legacySuiteIsComplete() {
        #expect(SigV4Suite.legacyCases.count == 34)
    }
}
