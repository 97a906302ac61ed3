import Foundation
import SigV4
import Synchronization
import Testing

@Suite struct SigV4VerifierTests {
    let credentials = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    let signedAt = HTTPDate.parseAmzDate("20150830T123600Z")!
    let body = Array(#"{"StartSession":{"LedgerName":"vehicle-registration"}}"#.utf8)

    func sendCommand(body: [UInt8]) -> SigV4Request {
        SigV4Request(
            method: "POST", path: "/",
            headers: [
                ("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "QLDBSession.SendCommand"),
                ("Host", "session.qldb.us-east-1.amazonaws.com"),
            ], payload: .bytes(body))
    }

    func signed(
        _ request: SigV4Request, at date: Date? = nil, credentials: AWSCredentials? = nil, region: String = "us-east-1"
    ) -> SigV4Request {
        let signer = SigV4Signer(service: "qldb", region: region)
        var r = request
        r.headers +=
            signer.sign(request, credentials: credentials ?? self.credentials, date: date ?? signedAt).headersToAdd
        return r
    }

    var verifier: SigV4Verifier {
        SigV4Verifier(region: "us-east-1", service: "qldb") {
            $0 == "AKIDEXAMPLE" ? "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" : nil
        }
    }

    @Test func signsTheQLDBVectorFromTheNotes() {
        let signature = SigV4Signer(service: "qldb", region: "us-east-1").sign(
            sendCommand(body: body), credentials: credentials, date: signedAt)
        #expect(signature.signature == "281ae1a5163b6a4608f5a816c4b100b4d30f7387e7ea9c0c6f6a825364486499")
        let key = SigningKeyCache.derive(
            secret: credentials.secretAccessKey, date: "20150830", region: "us-east-1", service: "qldb")
        #expect(
            key.withUnsafeBytes { $0.map { String(format: "%02x", Int($0)) }.joined() }
                == "cca97d6d2a0f3798d837fb55b68bbc7f6e7650383cca6b0ca15ae92446ae56d1")
    }

    /// Header values are copied whole when no byte is whitespace, eight bytes at a time, and
    /// folded otherwise: whitespace in the first eight bytes, in a later word, in the tail, and
    /// bytes above 0x7F (which must not count as whitespace) all canonicalise exactly.
    @Test func headerValuesAreTrimmedAndFoldedWherever() {
        let values: [(sent: String, canonical: String)] = [
            ("application/x-amz-json-1.0", "application/x-amz-json-1.0"),
            ("  a\t\tb  ", "a b"),
            ("abcdefghij  klm", "abcdefghij klm"),
            ("abcdefghijklmnopq\r\n r", "abcdefghijklmnopq r"),
            ("ümlaut-und-ß-ohne-lücke", "ümlaut-und-ß-ohne-lücke"),
            ("ümlaut und   ß", "ümlaut und ß"),
        ]
        for (sent, canonical) in values {
            let request = SigV4Request(
                method: "GET", path: "/", headers: [("Host", "h"), ("X-Test", sent)], payload: .unsigned)
            let signature = SigV4Signer(service: "qldb", region: "us-east-1").sign(
                request, credentials: credentials, date: signedAt)
            #expect(signature.canonicalRequest.contains("\nx-test:\(canonical)\n"), "\(sent)")
            #expect(SigV4Canonical.headerValue(sent) == canonical)
        }
    }

    /// The signer's own headers go among the request's in canonical order; a name the request
    /// already sent is joined after the request's value, and signed once.
    @Test func addedHeadersPrecedeOrJoinTheRequestsOwn() {
        let request = SigV4Request(
            method: "GET", path: "/", headers: [("zzz", "last"), ("Host", "h"), ("X-Amz-Date", "19990101T000000Z")],
            payload: .unsigned)
        let withToken = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "TOKEN")
        let signed = SigV4Signer(service: "qldb", region: "us-east-1").sign(
            request, credentials: withToken, date: signedAt)
        #expect(
            signed.canonicalRequest
                == "GET\n/\n\nhost:h\nx-amz-date:19990101T000000Z,20150830T123600Z\nx-amz-security-token:TOKEN\nzzz:last\n\n"
                + "host;x-amz-date;x-amz-security-token;zzz\nUNSIGNED-PAYLOAD")
        #expect(signed.authorization.contains("SignedHeaders=host;x-amz-date;x-amz-security-token;zzz,"))
        // Only the request's headers, all before the signer's: nothing to join.
        let plain = SigV4Signer(
            service: "qldb", region: "us-east-1",
            options: .init(signBodyHashHeader: true, omitSessionTokenFromSignature: true)
        )
        .sign(
            SigV4Request(method: "GET", path: "/", headers: [("Host", "h")], payload: .unsigned),
            credentials: withToken, date: signedAt)
        #expect(
            plain.canonicalRequest
                == "GET\n/\n\nhost:h\nx-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:20150830T123600Z\n\n"
                + "host;x-amz-content-sha256;x-amz-date\nUNSIGNED-PAYLOAD")
        #expect(
            plain.headersToAdd.map(\.name) == [
                "X-Amz-Security-Token", "X-Amz-Date", "x-amz-content-sha256", "Authorization",
            ])
    }

    /// A prepared request signs each new body as signing the whole request would.
    @Test func preparedRequestsSignLikeWholeRequests() {
        let signer = SigV4Signer(service: "qldb", region: "us-east-1")
        let template = sendCommand(body: [])
        let prepared = signer.prepare(method: template.method, path: template.path, headers: template.headers)
        for body in [body, Array("{}".utf8), []] {
            let once = signer.sign(prepared, payload: .bytes(body), credentials: credentials, date: signedAt)
            let whole = signer.sign(sendCommand(body: body), credentials: credentials, date: signedAt)
            #expect(once.authorization == whole.authorization)
            #expect(once.canonicalRequest == whole.canonicalRequest)
        }
        #expect(
            signer.sign(prepared, payload: .bytes(body), credentials: credentials, date: signedAt).signature
                == "281ae1a5163b6a4608f5a816c4b100b4d30f7387e7ea9c0c6f6a825364486499")
        // Every header the signer can add, a long token and long values: the scratch buffer is
        // sized for all of them (debug builds check each write).
        let everything = SigV4Signer(
            service: "s3", region: "us-east-1", options: .init(normalizePath: false, signBodyHashHeader: true))
        let withToken = AWSCredentials(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: String(repeating: "T", count: 900))
        let headers = [
            ("Host", "h"), ("X-Amz-Date", "x"), ("X-Long", String(repeating: "v ", count: 300)), ("zz", "1"),
        ]
        let preparedLong = everything.prepare(method: "PUT", path: "/a//b", query: "b=2&a=1", headers: headers)
        for payload in [SigV4Request.Payload.bytes(Array(repeating: 7, count: 5000)), .unsigned] {
            let once = everything.sign(preparedLong, payload: payload, credentials: withToken, date: signedAt)
            let whole = everything.sign(
                SigV4Request(method: "PUT", path: "/a//b", query: "b=2&a=1", headers: headers, payload: payload),
                credentials: withToken,
                date: signedAt)
            #expect(once.authorization == whole.authorization)
            #expect(once.canonicalRequest == whole.canonicalRequest)
            #expect(
                once.headersToAdd.map(\.name) == [
                    "X-Amz-Security-Token", "X-Amz-Date", "x-amz-content-sha256", "Authorization",
                ])
        }
    }

    @Test func acceptsAGoodSignature() throws {
        let verified = try verifier.verify(signed(sendCommand(body: body)), now: signedAt.addingTimeInterval(60))
        #expect(verified.accessKeyID == "AKIDEXAMPLE")
    }

    @Test func rejectsEachTamperingWithItsReason() {
        var tampered = signed(sendCommand(body: body))
        tampered.payload = .bytes(body + [0x20])
        #expect(throws: SigV4VerificationError.signatureMismatch) { try verifier.verify(tampered, now: signedAt) }

        let wrongKey = signed(
            sendCommand(body: body), credentials: AWSCredentials(accessKeyID: "AKIDOTHER", secretAccessKey: "x"))
        #expect(throws: SigV4VerificationError.unknownAccessKey("AKIDOTHER")) {
            try verifier.verify(wrongKey, now: signedAt)
        }

        let wrongSecret = signed(
            sendCommand(body: body),
            credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "not-the-secret"))
        #expect(throws: SigV4VerificationError.signatureMismatch) { try verifier.verify(wrongSecret, now: signedAt) }

        let wrongScope = signed(sendCommand(body: body), region: "eu-west-2")
        #expect(throws: SigV4VerificationError.wrongScope("region eu-west-2, expected us-east-1")) {
            try verifier.verify(wrongScope, now: signedAt)
        }

        let old = signed(sendCommand(body: body))
        do {
            _ = try verifier.verify(old, now: signedAt.addingTimeInterval(16 * 60))
            Issue.record("a request signed 16 minutes ago was accepted")
        } catch {
            guard case .expiredOrSkewed = error else {
                Issue.record("expected expiredOrSkewed, got \(error)")
                return
            }
        }
        #expect(throws: SigV4VerificationError.missingAuthentication) {
            try verifier.verify(sendCommand(body: body), now: signedAt)
        }
        var garbled = sendCommand(body: body)
        garbled.headers.append(("Authorization", "AWS4-HMAC-SHA256 nonsense"))
        garbled.headers.append(("X-Amz-Date", "20150830T123600Z"))
        #expect(throws: SigV4VerificationError.malformed("Authorization part 'nonsense' has no '='")) {
            try verifier.verify(garbled, now: signedAt)
        }
    }

    @Test func verifiesPresignedQueries() throws {
        let request = SigV4Request(
            method: "GET", path: "/", headers: [("Host", "example.amazonaws.com")], payload: .bytes([]))
        let signer = SigV4Signer(service: "qldb", region: "us-east-1")
        let presigned = signer.presign(request, credentials: credentials, expires: 300, date: signedAt)
        var sent = request
        sent.query = presigned.queryItemsToAdd.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        #expect(try verifier.verify(sent, now: signedAt.addingTimeInterval(299)).accessKeyID == "AKIDEXAMPLE")
        #expect(throws: SigV4VerificationError.self) {
            try verifier.verify(sent, now: signedAt.addingTimeInterval(301))
        }
    }

    @Test func keyCacheIsKeyedOnTheSecret() {
        let cache = SigningKeyCache()
        let a = cache.key(secret: "one", date: "20240101", region: "r", service: "s")
        let b = cache.key(secret: "two", date: "20240101", region: "r", service: "s")
        #expect(a != b)
        #expect(cache.key(secret: "one", date: "20240101", region: "r", service: "s") == a)
        #expect(cache.count == 2)
    }

    /// The date text is formatted once a second and follows the clock, skew included.
    @Test func clockFormatsTheAmzDateOncePerSecond() {
        let now = Mutex(Date(timeIntervalSince1970: 1_440_938_160.25))  // 2015-08-30T12:36:00.25Z
        let clock = SigV4Clock(now: { now.withLock { $0 } })
        #expect(clock.currentAmzDate() == "20150830T123600Z")
        now.withLock { $0 = $0.addingTimeInterval(0.7) }
        #expect(clock.currentAmzDate() == "20150830T123600Z")
        now.withLock { $0 = $0.addingTimeInterval(0.1) }
        #expect(clock.currentAmzDate() == "20150830T123601Z")
        clock.update(serverDate: now.withLock { $0 }.addingTimeInterval(3600))
        #expect(clock.currentAmzDate() == "20150830T133601Z")
        let signer = SigV4Signer(service: "qldb", region: "us-east-1", clock: clock)
        let signed = signer.sign(sendCommand(body: body), credentials: credentials)
        #expect(signed.headersToAdd.first { $0.name == "X-Amz-Date" }?.value == "20150830T133601Z")
    }

    @Test func clockLearnsOnlyRealSkew() {
        let base = Date(timeIntervalSince1970: 1_700_000_000)
        let clock = SigV4Clock(now: { base })
        #expect(!clock.update(serverDate: base.addingTimeInterval(200)))
        #expect(clock.skew == 0)
        #expect(clock.update(serverDate: base.addingTimeInterval(900)))
        #expect(clock.skew == 900)
        #expect(!clock.update(serverDate: base.addingTimeInterval(930)), "moves under a minute are ignored")
        #expect(clock.currentDate() == base.addingTimeInterval(900))
        #expect(clock.update(serverDateHeader: "Tue, 14 Nov 2023 22:13:20 GMT"))
        #expect(clock.skew == 0)
        #expect(HTTPDate.parse("Wed, 21 Oct 2015 07:28:00 GMT") == HTTPDate.parseAmzDate("20151021T072800Z"))
    }
}
