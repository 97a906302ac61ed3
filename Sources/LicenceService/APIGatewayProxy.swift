import Foundation

/// An API Gateway REST (v1) proxy event. Every map and the body may be `null`.
public struct APIGatewayProxyEvent: Decodable, Sendable {
    /// The resource template, such as `/licences/{licenceid}`.
    public var resource: String?
    /// The request path.
    public var path: String?
    /// The HTTP method.
    public var httpMethod: String?
    /// Headers (last value per name).
    public var headers: [String: String]?
    /// Path parameters.
    public var pathParameters: [String: String]?
    /// Query string parameters (last value per name).
    public var queryStringParameters: [String: String]?
    /// The body, possibly base64.
    public var body: String?
    /// Whether `body` is base64.
    public var isBase64Encoded: Bool?

    /// The licence request this event carries.
    ///
    /// - Throws: ``Problem`` (400) when the event has no method or path, or a body that is not base64 as declared.
    public func licenceRequest() throws -> LicenceRequest {
        guard let method = httpMethod, let path = routedPath ?? path else {
            throw Problem.validation(
                "the event is not an API Gateway REST proxy event: it has no httpMethod, or neither resource nor path")
        }
        var bytes: [UInt8]?
        if let body {
            if isBase64Encoded == true {
                guard let data = Data(base64Encoded: body) else {
                    throw Problem.validation("the body is marked base64 but is not")
                }
                bytes = [UInt8](data)
            } else {
                bytes = Array(body.utf8)
            }
        }
        return LicenceRequest(method: method, path: path, query: queryStringParameters ?? [:], body: bytes)
    }

    /// The path the resource template names, its `{parameters}` (and a greedy `{proxy+}`) filled
    /// in from `pathParameters`. Routing on it, not on `path`, makes a stage or a custom domain's
    /// base path (`/Prod/licences/…`) irrelevant; `nil` without a resource.
    var routedPath: String? {
        guard let resource, resource.hasPrefix("/") else { return nil }
        var parts: [String] = []
        for segment in resource.split(separator: "/", omittingEmptySubsequences: true) {
            guard segment.hasPrefix("{"), segment.hasSuffix("}") else {
                parts.append(String(segment))
                continue
            }
            var name = segment.dropFirst().dropLast()
            if name.hasSuffix("+") { name = name.dropLast() }
            guard let value = pathParameters?[String(name)] else { return nil }
            parts.append(value)
        }
        return "/" + parts.joined(separator: "/")
    }
}

/// The proxy integration's response: `{statusCode, headers, body, isBase64Encoded}`.
public struct APIGatewayProxyResponse: Codable, Sendable, Equatable {
    /// The HTTP status.
    public var statusCode: Int
    /// Response headers.
    public var headers: [String: String]
    /// The body text.
    public var body: String
    /// Always `false`: bodies are JSON text.
    public var isBase64Encoded: Bool

    /// The proxy response for a licence response.
    public init(_ response: LicenceResponse) {
        statusCode = response.status
        headers = response.headers
        body = String(decoding: response.body, as: UTF8.self)
        isBase64Encoded = false
    }
}

extension LicenceAPI {
    /// Handles an API Gateway REST proxy event (JSON) and returns the proxy response (JSON).
    /// An event that is not valid JSON still gets a 400 proxy response.
    public func handle(apiGatewayEvent bytes: [UInt8]) async -> [UInt8] {
        let response: LicenceResponse
        do {
            let event = try JSONDecoder().decode(APIGatewayProxyEvent.self, from: Data(bytes))
            response = await handle(try event.licenceRequest())
        } catch let problem as Problem {
            response = problem.response
        } catch {
            response =
                Problem.validation(
                    "the event is not an API Gateway REST proxy event (a JSON object with httpMethod and resource or path)"
                ).response
        }
        return Array((try? JSONEncoder().encode(APIGatewayProxyResponse(response))) ?? Data())
    }
}
