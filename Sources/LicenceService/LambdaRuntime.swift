import AsyncHTTPClient
import Foundation
import Ion
import Logging
import NIOCore

/// A client of the Lambda Runtime API (2018-06-01): fetch the next event, post its response or
/// error, report an initialisation failure.
public struct LambdaRuntime: Sendable {
    /// What the runtime says about one invocation.
    public struct Invocation: Sendable {
        /// `Lambda-Runtime-Aws-Request-Id`.
        public var requestID: String
        /// `Lambda-Runtime-Deadline-Ms`, as a date.
        public var deadline: Date?
        /// `Lambda-Runtime-Trace-Id`.
        public var traceID: String?
        /// `Lambda-Runtime-Invoked-Function-Arn`.
        public var functionARN: String?
        /// The event.
        public var event: [UInt8]
    }

    /// The Runtime API's failure: what call, what status.
    public struct RuntimeError: Error, Sendable, CustomStringConvertible {
        /// What happened.
        public var message: String
        public var description: String { message }
    }

    let base: String
    let client: HTTPClient
    let logger: Logger

    /// A client for `AWS_LAMBDA_RUNTIME_API` (`host:port`).
    public init(api: String, client: HTTPClient = .shared, logger: Logger = Logger(label: "licence-service.lambda")) {
        base = "http://\(api)/2018-06-01"
        self.client = client
        self.logger = logger
    }

    /// Waits for the next invocation (the Runtime API blocks until there is one).
    public func next() async throws -> Invocation {
        let response = try await client.execute(
            HTTPClientRequest(url: "\(base)/runtime/invocation/next"), timeout: .hours(24 * 365))
        var body = try await response.body.collect(upTo: 6 * 1024 * 1024 + 1024)
        guard response.status == .ok, let requestID = response.headers.first(name: "Lambda-Runtime-Aws-Request-Id")
        else {
            throw RuntimeError(message: "invocation/next answered \(response.status.code) without a request id")
        }
        let deadline = response.headers.first(name: "Lambda-Runtime-Deadline-Ms").flatMap(Double.init).map {
            Date(timeIntervalSince1970: $0 / 1000)
        }
        return Invocation(
            requestID: requestID, deadline: deadline, traceID: response.headers.first(name: "Lambda-Runtime-Trace-Id"),
            functionARN: response.headers.first(name: "Lambda-Runtime-Invoked-Function-Arn"),
            event: body.readBytes(length: body.readableBytes) ?? [])
    }

    /// Posts an invocation's result.
    public func respond(_ requestID: String, _ body: [UInt8]) async throws {
        try await post("\(base)/runtime/invocation/\(requestID)/response", body: body, errorType: nil)
    }

    /// Posts an invocation's failure.
    public func fail(_ requestID: String, type: String, message: String) async throws {
        try await post(
            "\(base)/runtime/invocation/\(requestID)/error", body: Self.errorBody(type, message), errorType: type)
    }

    /// Reports a failure to initialise (the process should exit afterwards).
    public func initFailed(type: String, message: String) async throws {
        try await post("\(base)/runtime/init/error", body: Self.errorBody(type, message), errorType: type)
    }

    static func errorBody(_ type: String, _ message: String) -> [UInt8] {
        let object: IonValue = ["errorMessage": .string(message), "errorType": .string(type), "stackTrace": []]
        return Array(object.jsonText.utf8)
    }

    private func post(_ url: String, body: [UInt8], errorType: String?) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.body = .bytes(ByteBuffer(bytes: body))
        if let errorType { request.headers.add(name: "Lambda-Runtime-Function-Error-Type", value: errorType) }
        let response = try await client.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1024 * 1024)
        guard response.status.code == 202 else {
            throw RuntimeError(message: "\(url) answered \(response.status.code)")
        }
    }

    /// The invocation loop: each event goes to `handler`, whose result is posted back; a thrown
    /// error is posted as the invocation's error. The trace id is exported as `_X_AMZN_TRACE_ID`,
    /// and a handler still running 500 ms before the deadline is abandoned with an error.
    /// Returns after `limit` invocations (forever when `nil`).
    public func run(limit: Int? = nil, handler: @escaping @Sendable ([UInt8]) async throws -> [UInt8]) async throws {
        var handled = 0
        while limit.map({ handled < $0 }) ?? true {
            let invocation = try await next()
            handled += 1
            if let trace = invocation.traceID { setenv("_X_AMZN_TRACE_ID", trace, 1) }
            do {
                let result = try await Self.withDeadline(invocation.deadline) { try await handler(invocation.event) }
                try await respond(invocation.requestID, result)
            } catch let error as DeadlineExceeded {
                logger.error("invocation ran out of time", metadata: ["requestId": "\(invocation.requestID)"])
                try await fail(invocation.requestID, type: "Runtime.Timeout", message: error.description)
            } catch {
                logger.error(
                    "invocation failed", metadata: ["requestId": "\(invocation.requestID)", "error": "\(error)"])
                try await fail(invocation.requestID, type: "Runtime.HandlerError", message: "\(error)")
            }
        }
    }

    struct DeadlineExceeded: Error, CustomStringConvertible {
        var description: String { "the handler did not finish before the invocation deadline" }
    }

    static func withDeadline<T: Sendable>(_ deadline: Date?, _ body: @escaping @Sendable () async throws -> T)
        async throws -> T
    {
        guard let deadline else { return try await body() }
        let budget = deadline.timeIntervalSinceNow - 0.5
        guard budget > 0 else { throw DeadlineExceeded() }
        return try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int(budget * 1000)))
                throw DeadlineExceeded()
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}
