import Foundation
import Hummingbird
import LicenceService
import NIOCore
import Synchronization
import Testing

/// A fake Lambda Runtime API on 127.0.0.1: hands out queued events and records what comes back.
final class FakeRuntimeAPI: Sendable {
    struct Posted: Sendable {
        var path: String
        var errorType: String?
        var body: String
    }

    let events = Mutex<[(id: String, body: String)]>([])
    let posted = Mutex<[Posted]>([])

    func enqueue(_ id: String, _ body: [UInt8]) {
        events.withLock { $0.append((id, String(decoding: body, as: UTF8.self))) }
    }

    func run(_ body: @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.get("/2018-06-01/runtime/invocation/next") { _, _ -> Response in
            while true {
                if let next = self.events.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
                    var headers = HTTPFields()
                    headers[.init("Lambda-Runtime-Aws-Request-Id")!] = next.id
                    headers[.init("Lambda-Runtime-Deadline-Ms")!] = String(
                        Int((Date().timeIntervalSince1970 + 30) * 1000))
                    headers[.init("Lambda-Runtime-Trace-Id")!] = "Root=1-5759e988-bd862e3fe1be46a994272793"
                    headers[.init("Lambda-Runtime-Invoked-Function-Arn")!] =
                        "arn:aws:lambda:eu-west-1:123456789012:function:licences"
                    return Response(
                        status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: next.body)))
                }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        router.post("/2018-06-01/**") { request, _ -> Response in
            var buffer = try await request.body.collect(upTo: 7 * 1024 * 1024)
            let text = buffer.readString(length: buffer.readableBytes) ?? ""
            self.posted.withLock {
                $0.append(
                    Posted(
                        path: request.uri.path,
                        errorType: request.headers[.init("Lambda-Runtime-Function-Error-Type")!], body: text))
            }
            return Response(status: .accepted)
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        let server = Task { try await app.run() }
        defer { server.cancel() }
        for await port in ports {
            try await body("127.0.0.1:\(port)")
            break
        }
    }
}

@Suite struct LambdaRuntimeTests {
    @Test func anInvocationIsHandledAndItsResponsePosted() async throws {
        let fake = FakeRuntimeAPI()
        let api = try await makeAPI()
        fake.enqueue("req-1", event("POST", "/licences", body: ann))
        fake.enqueue("req-2", event("GET", "/licences/AAAAAAAAAAAAAAAAAAAAAA"))
        try await fake.run { address in
            try await LambdaRuntime(api: address).run(limit: 2) { await api.handle(apiGatewayEvent: $0) }
        }
        let posted = fake.posted.withLock { $0 }
        #expect(
            posted.map(\.path) == [
                "/2018-06-01/runtime/invocation/req-1/response", "/2018-06-01/runtime/invocation/req-2/response",
            ])
        let first = try JSONDecoder().decode(APIGatewayProxyResponse.self, from: Data(posted[0].body.utf8))
        #expect(first.statusCode == 201)
        let second = try JSONDecoder().decode(APIGatewayProxyResponse.self, from: Data(posted[1].body.utf8))
        #expect(second.statusCode == 404)
        #expect(ProcessInfo.processInfo.environment["_X_AMZN_TRACE_ID"] == "Root=1-5759e988-bd862e3fe1be46a994272793")
    }

    @Test func aHandlerErrorIsPostedAsTheInvocationError() async throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "the handler broke" } }
        let fake = FakeRuntimeAPI()
        fake.enqueue("req-9", Array("{}".utf8))
        try await fake.run { address in
            try await LambdaRuntime(api: address).run(limit: 1) { _ in throw Broken() }
        }
        let posted = try #require(fake.posted.withLock { $0.first })
        #expect(posted.path == "/2018-06-01/runtime/invocation/req-9/error")
        #expect(posted.errorType == "Runtime.HandlerError")
        let body = try JSONSerialization.jsonObject(with: Data(posted.body.utf8)) as? [String: Any]
        #expect(body?["errorMessage"] as? String == "the handler broke")
        #expect(body?["errorType"] as? String == "Runtime.HandlerError")
    }

    @Test func anInitFailureIsReported() async throws {
        let fake = FakeRuntimeAPI()
        try await fake.run { address in
            try await LambdaRuntime(api: address).initFailed(
                type: "Runtime.InitError", message: "LEDGER_NAME is not set")
        }
        let posted = try #require(fake.posted.withLock { $0.first })
        #expect(posted.path == "/2018-06-01/runtime/init/error")
        #expect(posted.errorType == "Runtime.InitError")
        #expect(posted.body.contains("LEDGER_NAME is not set"))
    }
}
