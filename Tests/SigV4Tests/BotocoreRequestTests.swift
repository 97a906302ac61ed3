import Foundation
import SharedFixtures
import SigV4
import Testing

/// `../shared/qldb/wire-examples.json` holds SendCommand requests exactly as botocore signed them
/// (AKIDEXAMPLE, the suite's example secret). The verifier must accept each one, and the signer
/// must reproduce each signature from the same inputs.
@Suite(.enabled(if: BotocoreRequests.isAvailable, "../shared/qldb/wire-examples.json is absent: botocore requests are skipped"))
struct BotocoreRequestTests {
    @Test func verifierAcceptsAndSignerReproducesBotocoreSignatures() throws {
        let examples = try BotocoreRequests.load()
        let verifier = SigV4Verifier(region: "us-east-1", service: "qldb") {
            $0 == "AKIDEXAMPLE" ? "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" : nil
        }
        let signer = SigV4Signer(service: "qldb", region: "us-east-1")
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        for (command, request) in examples {
            let headers = request.headers.map { (name: $0.key, value: $0.value) } + [("Host", "session.qldb.us-east-1.amazonaws.com")]
            let wire = SigV4Request(method: request.method, path: "/", headers: headers, payload: .bytes(Array(request.body.utf8)))
            let signedAt = try #require(HTTPDate.parseAmzDate(request.headers["X-Amz-Date"] ?? ""))
            #expect(try verifier.verify(wire, now: signedAt).accessKeyID == "AKIDEXAMPLE", "\(command)")

            // Sign the same four headers botocore signed and compare signatures.
            let unsigned = SigV4Request(
                method: "POST", path: "/",
                headers: [
                    ("X-Amz-Target", request.headers["X-Amz-Target"]!), ("Content-Type", request.headers["Content-Type"]!),
                    ("Host", "session.qldb.us-east-1.amazonaws.com"),
                ], payload: .bytes(Array(request.body.utf8)))
            let ours = signer.sign(unsigned, credentials: credentials, date: signedAt)
            #expect(ours.authorization == request.headers["Authorization"], "\(command)")
        }
        #expect(examples.count == 7)
    }
}

enum BotocoreRequests {
    static let file = SharedFixtures.url("qldb/wire-examples.json")

    static var isAvailable: Bool { FileManager.default.fileExists(atPath: file.path) }

    struct Request: Decodable {
        var method: String
        var headers: [String: String]
        var body: String
    }

    struct Example: Decodable {
        var request: Request
    }

    static func load() throws -> [(String, Request)] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any] ?? [:]
        return try object.keys.filter { !$0.hasPrefix("_") }.sorted().map { key in
            let data = try JSONSerialization.data(withJSONObject: object[key]!)
            return (key, try JSONDecoder().decode(Example.self, from: data).request)
        }
    }
}
