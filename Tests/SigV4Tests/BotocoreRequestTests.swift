import Foundation
import SharedFixtures
import SigV4
import Testing

/// `../shared/qldb/wire-examples.json` holds SendCommand requests exactly as botocore signed them
/// (AKIDEXAMPLE, the suite's example secret). The verifier must accept each one, and the signer
/// must reproduce each signature from the same inputs.
@Suite(
    .enabled(
        if: BotocoreRequests.isAvailable,
        "needs ../shared/qldb/wire-examples.json beside the repository: botocore requests are skipped"))
struct BotocoreRequestTests {
    @Test(
        "The verifier accepts a botocore request and the signer reproduces its signature",
        arguments: BotocoreRequests.all)
    func verifierAcceptsAndSignerReproducesBotocoreSignature(_ example: BotocoreRequests.Example) throws {
        let command = example.testDescription
        let request = example.request
        let verifier = SigV4Verifier(region: "us-east-1", service: "qldb") {
            $0 == "AKIDEXAMPLE" ? "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" : nil
        }
        let signer = SigV4Signer(service: "qldb", region: "us-east-1")
        let credentials = AWSCredentials(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        let headers =
            request.headers.map { (name: $0.key, value: $0.value) } + [("Host", "session.qldb.us-east-1.amazonaws.com")]
        let wire = SigV4Request(
            method: request.method, path: "/", headers: headers, payload: .bytes(Array(request.body.utf8)))
        let signedAt = try #require(
            HTTPDate.parseAmzDate(request.headers["X-Amz-Date"] ?? ""), "\(command): X-Amz-Date")
        #expect(try verifier.verify(wire, now: signedAt).accessKeyID == "AKIDEXAMPLE", "\(command)")

        // Sign the same four headers botocore signed and compare signatures.
        let target = try #require(request.headers["X-Amz-Target"], "\(command): X-Amz-Target")
        let contentType = try #require(request.headers["Content-Type"], "\(command): Content-Type")
        let unsigned = SigV4Request(
            method: "POST", path: "/",
            headers: [
                ("X-Amz-Target", target), ("Content-Type", contentType),
                ("Host", "session.qldb.us-east-1.amazonaws.com"),
            ], payload: .bytes(Array(request.body.utf8)))
        let ours = signer.sign(unsigned, credentials: credentials, date: signedAt)
        #expect(ours.authorization == request.headers["Authorization"], "\(command)")
    }

    @Test("wire-examples.json holds a request for each of the seven commands")
    func everyCommandHasARequest() throws {
        #expect(try BotocoreRequests.load().count == 7)
    }
}

enum BotocoreRequests {
    static let file = SharedFixtures.url("qldb/wire-examples.json")

    static var isAvailable: Bool { SharedFixtures.isAvailable("qldb/wire-examples.json") }

    struct Request: Decodable, Sendable {
        var method: String
        var headers: [String: String]
        var body: String
    }

    /// One command's request: a test case, named by the file and the command.
    struct Example: Decodable, Sendable, CustomTestStringConvertible {
        var request: Request
        /// The command, e.g. `ExecuteStatement` (the example's key in the file).
        var command: String = ""

        enum CodingKeys: String, CodingKey {
            case request
        }

        var testDescription: String { "wire-examples.json: \(command)" }
    }

    /// The file's examples, read at test discovery; `[]` when it is absent or unreadable
    /// (`everyCommandHasARequest` then fails with the reason).
    static let all: [Example] = isAvailable ? ((try? load()) ?? []) : []

    static func load() throws -> [Example] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any] ?? [:]
        return try object.keys.filter { !$0.hasPrefix("_") }.sorted().map { key in
            let data = try JSONSerialization.data(withJSONObject: object[key]!)
            var example = try JSONDecoder().decode(Example.self, from: data)
            example.command = key
            return example
        }
    }
}
