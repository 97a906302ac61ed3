import Foundation
import Ion
import LicenceService
import Logging
import QLDBControlClient
import QLDBDriver
import QLDBLedger
import QLDBLedgerServer
import SigV4
import Synchronization
import Testing

func quietLogger() -> Logger {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return logger
}

/// A `qldb serve` server in this process, its control plane on a loopback port: `/verify` gets
/// its proofs over HTTP with the control-plane client, as it does from a remote ledger. One
/// server for the whole test run; each API gets a ledger of its own on it.
enum ControlPlaneServer {
    static let service = LedgerService(logger: quietLogger())
    static let started = Task { () async throws -> URL in
        var configuration = LedgerServer.Configuration()
        configuration.port = 0
        configuration.controlPlane = ControlPlane(service: service, logger: quietLogger())
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = try LedgerServer(service: service, configuration: configuration, logger: quietLogger())
            .application { port in continuation.yield(port) }
        Task { try await application.run() }
        for await port in ports { return URL(string: "http://127.0.0.1:\(port)")! }
        throw CancellationError()
    }
    static let count = Mutex(0)
}

/// A licence API on a fresh in-memory ledger (served embedded to the driver, and to `/verify`
/// through the control plane over HTTP), with its tables prepared.
func makeAPI(proofs: Bool = true) async throws -> LicenceAPI {
    let url = try await ControlPlaneServer.started.value
    let number = ControlPlaneServer.count.withLock { count in
        count += 1
        return count
    }
    let name = "licences-\(number)"
    let ledger = Ledger(name: name, logger: quietLogger())
    ControlPlaneServer.service.add(ledger)
    var configuration = QLDBDriverConfiguration()
    configuration.logger = quietLogger()
    configuration.retryPolicy = RetryPolicy(maxRetries: 10) { _ in .milliseconds(2) }
    let driver = QLDBDriver(
        ledger: name, transport: EmbeddedLedgerTransport(service: ControlPlaneServer.service),
        configuration: configuration)
    let client = ControlPlaneClient(
        endpoint: url, region: "us-east-1",
        credentials: StaticCredentialProvider(AWSCredentials(accessKeyID: "AKIDTEST", secretAccessKey: "any")))
    let api = LicenceAPI(driver: driver, proofs: proofs ? client : nil, logger: quietLogger())
    try await api.prepare()
    return api
}

/// An API Gateway REST proxy event as API Gateway sends it (null maps where it sends null).
func event(_ method: String, _ target: String, body: String? = nil) -> [UInt8] {
    let pieces = target.split(separator: "?", maxSplits: 1).map(String.init)
    let path = pieces[0]
    var query: Any = NSNull()
    if pieces.count == 2 {
        var parameters: [String: String] = [:]
        for pair in pieces[1].split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            parameters[kv[0]] = kv.count == 2 ? kv[1] : ""
        }
        query = parameters
    }
    var object: [String: Any] = [
        "resource": path, "path": path, "httpMethod": method, "headers": NSNull(), "multiValueHeaders": NSNull(),
        "queryStringParameters": query, "pathParameters": NSNull(), "stageVariables": NSNull(),
        "requestContext": ["stage": "dev", "requestId": "r1", "httpMethod": method], "isBase64Encoded": false,
    ]
    object["body"] = body ?? NSNull()
    if body != nil { object["headers"] = ["Content-Type": "application/json"] }
    // swift-format-ignore: NeverUseForceTry
    // The object holds only strings, numbers, NSNull and dictionaries of them.
    return Array(try! JSONSerialization.data(withJSONObject: object))
}

struct Reply {
    var status: Int
    var headers: [String: String]
    var json: [String: Any]
    var array: [Any]
    var body: String
}

func call(_ api: LicenceAPI, _ method: String, _ path: String, body: String? = nil) async throws -> Reply {
    let bytes = await api.handle(apiGatewayEvent: event(method, path, body: body))
    let response = try JSONDecoder().decode(APIGatewayProxyResponse.self, from: Data(bytes))
    let parsed = response.body.isEmpty ? nil : try? JSONSerialization.jsonObject(with: Data(response.body.utf8))
    return Reply(
        status: response.statusCode, headers: response.headers, json: parsed as? [String: Any] ?? [:],
        array: parsed as? [Any] ?? [], body: response.body)
}

let ann =
    #"{"firstName":"Ann","lastName":"Lee","email":"ann@example.com","telephone":"01234 567890","postcode":"CF10 1AA"}"#

@Suite struct LicenceRouteTests {
    @Test func aLicenceLivesItsWholeLife() async throws {
        let api = try await makeAPI()
        let created = try await call(api, "POST", "/licences", body: ann)
        #expect(created.status == 201)
        #expect(created.headers["Content-Type"] == "application/json")
        let id = try #require(created.json["licenceId"] as? String)
        #expect(id.count == 22)
        #expect(created.json["penaltyPoints"] as? Int == 0)
        #expect((created.json["events"] as? [[String: Any]])?.first?["eventName"] as? String == "LicenceCreated")

        let fetched = try await call(api, "GET", "/licences/\(id)")
        #expect(fetched.status == 200)
        #expect(fetched.json["email"] as? String == "ann@example.com")
        #expect(fetched.json["licenceId"] as? String == id)

        let points = try await call(
            api, "PUT", "/licences/\(id)/points", body: #"{"points": 3, "description": "speeding"}"#)
        #expect(points.status == 200)
        #expect(points.json["penaltyPoints"] as? Int == 3)
        let fewer = try await call(
            api, "PUT", "/licences/\(id)/points", body: #"{"points": -2, "description": "course"}"#)
        #expect(fewer.json["penaltyPoints"] as? Int == 1)
        let negative = try await call(
            api, "PUT", "/licences/\(id)/points", body: #"{"points": -5, "description": "x"}"#)
        #expect(negative.status == 409)

        let contact = try await call(api, "PUT", "/licences/\(id)/contact", body: #"{"postcode": "SA1 1AA"}"#)
        #expect(contact.status == 200)
        #expect(contact.json["postcode"] as? String == "SA1 1AA")
        #expect(contact.json["telephone"] as? String == "01234 567890")

        let after = try await call(api, "GET", "/licences/\(id)")
        #expect(
            (after.json["events"] as? [[String: Any]])?.map { $0["eventName"] as? String } == [
                "LicenceCreated", "PenaltyPointsAdded", "PenaltyPointsRemoved", "ContactDetailsChanged",
            ])

        let history = try await call(api, "GET", "/licences/\(id)/history")
        #expect(history.status == 200)
        let revisions = history.array.compactMap { $0 as? [String: Any] }
        #expect(revisions.map { ($0["metadata"] as? [String: Any])?["version"] as? Int } == [0, 1, 2, 3])
        #expect(revisions.allSatisfy { ($0["hash"] as? String).flatMap { Data(base64Encoded: $0) }?.count == 32 })

        let verified = try await call(api, "GET", "/licences/\(id)/verify")
        #expect(verified.status == 200)
        #expect(verified.json["verified"] as? Bool == true)
        #expect((verified.json["digest"] as? String).flatMap { Data(base64Encoded: $0) }?.count == 32)
        #expect((verified.json["blockAddress"] as? [String: Any])?["sequenceNo"] as? Int != nil)

        let deleted = try await call(api, "DELETE", "/licences/\(id)")
        #expect(deleted.status == 204)
        #expect(deleted.body.isEmpty)
        #expect(try await call(api, "GET", "/licences/\(id)").status == 404)
        #expect(try await call(api, "DELETE", "/licences/\(id)").status == 404)
    }

    @Test(arguments: [
        ("{\"firstName\":\"Ann\"", "the body is not valid JSON"),
        ("[1,2]", "the body must be a JSON object"),
        (#"{"lastName":"Lee","email":"a@b.co","telephone":"0123456","postcode":"AB1"}"#, "firstName is required"),
        (
            #"{"firstName":5,"lastName":"Lee","email":"a@b.co","telephone":"0123456","postcode":"AB1"}"#,
            "firstName must be a string"
        ),
        (
            #"{"firstName":"A","lastName":"Lee","email":"nope","telephone":"0123456","postcode":"AB1"}"#,
            "email must be an email address with exactly one @"
        ),
        (
            #"{"firstName":"A","lastName":"Lee","email":"dup@example.com\n","telephone":"0123456","postcode":"AB1"}"#,
            "email must not contain the control character U+A in the domain"
        ),
        (
            #"{"firstName":"A","lastName":"Lee","email":" a@b.co","telephone":"0123456","postcode":"AB1"}"#,
            "email must not contain ' ' before the @"
        ),
        (
            #"{"firstName":"A","lastName":"Lee","email":"a@localhost","telephone":"0123456","postcode":"AB1"}"#,
            "email must have a dot in the domain after the @"
        ),
        (
            #"{"firstName":"A\u0000","lastName":"Lee","email":"a@b.co","telephone":"0123456","postcode":"AB1"}"#,
            "firstName must not contain the character U+0 (control and bidirectional-override characters are refused)"
        ),
        (
            #"{"firstName":"A","lastName":"\u202Eeel","email":"a@b.co","telephone":"0123456","postcode":"AB1"}"#,
            "lastName must not contain the character U+202E (control and bidirectional-override characters are refused)"
        ),
        (
            #"{"firstName":"A","firstName":"B","lastName":"L","email":"a@b.co","telephone":"0123456","postcode":"AB1"}"#,
            "the field 'firstName' appears more than once"
        ),
        (
            #"{"firstName":"A","lastName":" ","email":"a@b.co","telephone":"0123456","postcode":"AB1"}"#,
            "lastName must not be empty"
        ),
        (
            #"{"firstName":"A","lastName":"L","email":"a@b.co","telephone":"0123456","postcode":"AB1","emial":"x"}"#,
            "unknown field 'emial'; allowed: email, firstName, lastName, postcode, telephone"
        ),
    ])
    func badBodiesAreRejectedNamingTheField(body: String, detail: String) async throws {
        let api = try await makeAPI()
        let reply = try await call(api, "POST", "/licences", body: body)
        #expect(reply.status == 400)
        #expect(reply.headers["Content-Type"] == "application/problem+json")
        #expect(reply.json["detail"] as? String == detail)
        #expect(reply.json["status"] as? Int == 400)
        #expect(reply.json["type"] as? String == "/problems/validation")
    }

    @Test func otherClientErrors() async throws {
        let api = try await makeAPI()
        #expect(
            try await call(api, "POST", "/licences").json["detail"] as? String == "the request needs a JSON object body"
        )
        let huge = "{\"firstName\":\"" + String(repeating: "a", count: 20_000) + "\"}"
        let tooBig = try await call(api, "POST", "/licences", body: huge)
        #expect(tooBig.status == 413)
        #expect(tooBig.json["detail"] as? String == "the body is 20016 bytes; the limit is 16384")
        let unknown = try await call(api, "GET", "/licences/AAAAAAAAAAAAAAAAAAAAAA")
        #expect(unknown.status == 404)
        #expect(unknown.json["detail"] as? String == "No licence with licenceId AAAAAAAAAAAAAAAAAAAAAA")
        let malformedID = try await call(api, "GET", "/licences/x'y")
        #expect(malformedID.status == 400)
        #expect(try await call(api, "PATCH", "/licences").status == 405)
        #expect(try await call(api, "GET", "/nothing").status == 404)
        let points = try await call(
            api, "PUT", "/licences/AAAAAAAAAAAAAAAAAAAAAA/points", body: #"{"points": 1.5, "description": "x"}"#)
        #expect(points.json["detail"] as? String == "points must be a non-zero whole number from -100 to 100")
        let contact = try await call(api, "PUT", "/licences/AAAAAAAAAAAAAAAAAAAAAA/contact", body: "{}")
        #expect(contact.json["detail"] as? String == "give telephone, postcode or both")
        let garbage = await api.handle(apiGatewayEvent: Array("not json".utf8))
        let response = try JSONDecoder().decode(APIGatewayProxyResponse.self, from: Data(garbage))
        #expect(response.statusCode == 400)
    }

    @Test func aLicenceIsFoundByItsEmail() async throws {
        let api = try await makeAPI()
        let created = try await call(api, "POST", "/licences", body: ann)
        let id = try #require(created.json["licenceId"] as? String)
        let found = try await call(api, "GET", "/licences?email=ann@example.com")
        #expect(found.status == 200)
        #expect(found.json["licenceId"] as? String == id)
        #expect(try await call(api, "GET", "/licences?email=ANN@Example.com").json["licenceId"] as? String == id)
        let missing = try await call(api, "GET", "/licences?email=bo@example.com")
        #expect(missing.status == 404)
        #expect(missing.json["detail"] as? String == "No licence with email bo@example.com")
        let noEmail = try await call(api, "GET", "/licences")
        #expect(noEmail.status == 400)
        #expect(noEmail.json["detail"] as? String == "give the licence holder's email: GET /licences?email=ADDRESS")
        #expect(try await call(api, "GET", "/licences?email=nope").status == 400)
    }

    @Test func methodsAreNamedOn405AndPreflightIsAnswered() async throws {
        let api = try await makeAPI()
        let patch = try await call(api, "PATCH", "/licences")
        #expect(patch.status == 405)
        #expect(patch.headers["Allow"] == "GET, POST, OPTIONS")
        let put = try await call(api, "PUT", "/licences/AAAAAAAAAAAAAAAAAAAAAA")
        #expect(put.headers["Allow"] == "GET, DELETE, OPTIONS")
        let preflight = try await call(api, "OPTIONS", "/licences/AAAAAAAAAAAAAAAAAAAAAA/points")
        #expect(preflight.status == 204)
        #expect(preflight.headers["Access-Control-Allow-Methods"] == "PUT, OPTIONS")
        #expect(preflight.headers["Access-Control-Allow-Origin"] == "*")
        #expect(preflight.headers["Access-Control-Allow-Headers"] == "Content-Type")
    }

    @Test func routesComeFromTheResourceSoABasePathDoesNotMatter() async throws {
        let api = try await makeAPI()
        let id = try #require(try await call(api, "POST", "/licences", body: ann).json["licenceId"] as? String)
        let object: [String: Any] = [
            "resource": "/licences/{licenceId}", "path": "/Prod/licences/\(id)", "httpMethod": "GET",
            "pathParameters": ["licenceId": id], "queryStringParameters": NSNull(), "headers": NSNull(),
            "body": NSNull(),
        ]
        let bytes = await api.handle(apiGatewayEvent: Array(try JSONSerialization.data(withJSONObject: object)))
        let response = try JSONDecoder().decode(APIGatewayProxyResponse.self, from: Data(bytes))
        #expect(response.statusCode == 200)
        let proxy: [String: Any] = [
            "resource": "/{proxy+}", "path": "/Prod/licences/\(id)/history", "httpMethod": "GET",
            "pathParameters": ["proxy": "licences/\(id)/history"], "headers": NSNull(), "body": NSNull(),
        ]
        let proxied = await api.handle(apiGatewayEvent: Array(try JSONSerialization.data(withJSONObject: proxy)))
        #expect(try JSONDecoder().decode(APIGatewayProxyResponse.self, from: Data(proxied)).statusCode == 200)
        let notAnEvent = await api.handle(apiGatewayEvent: Array(#"{"hello": "world"}"#.utf8))
        let answer = try JSONDecoder().decode(APIGatewayProxyResponse.self, from: Data(notAnEvent))
        #expect(answer.statusCode == 400)
        #expect(
            answer.body.contains(
                "the event is not an API Gateway REST proxy event: it has no httpMethod, or neither resource nor path"))
    }

    @Test func duplicateEmailIs409() async throws {
        let api = try await makeAPI()
        #expect(try await call(api, "POST", "/licences", body: ann).status == 201)
        let again = try await call(api, "POST", "/licences", body: ann)
        #expect(again.status == 409)
        #expect(again.json["detail"] as? String == "A licence with email ann@example.com already exists")
        // Emails are one licence whatever their letter case.
        let shouting = try await call(
            api, "POST", "/licences", body: ann.replacingOccurrences(of: "ann@example.com", with: "ANN@Example.COM"))
        #expect(shouting.status == 409)
        #expect(shouting.json["detail"] as? String == "A licence with email ann@example.com already exists")
    }

    @Test func verifyWithoutProofsIs501() async throws {
        let api = try await makeAPI(proofs: false)
        let id = try #require(try await call(api, "POST", "/licences", body: ann).json["licenceId"] as? String)
        let reply = try await call(api, "GET", "/licences/\(id)/verify")
        #expect(reply.status == 501)
        #expect((reply.json["detail"] as? String)?.contains("GetDigest") == true)
    }

    @Test func twentyConcurrentCreatesWithOneEmailGiveOne201() async throws {
        let api = try await makeAPI()
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 { group.addTask { try await call(api, "POST", "/licences", body: ann).status } }
            var all: [Int] = []
            for try await status in group { all.append(status) }
            return all
        }
        print(
            "20 concurrent creates with one email: \(statuses.filter { $0 == 201 }.count)×201, \(statuses.filter { $0 == 409 }.count)×409, others \(statuses.filter { $0 != 201 && $0 != 409 })"
        )
        #expect(statuses.filter { $0 == 201 }.count == 1)
        #expect(statuses.filter { $0 == 409 }.count == 19)
    }
}
