import Ion

/// A request to the licence API, whatever carried it (API Gateway event or HTTP).
public struct LicenceRequest: Sendable {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    public var method: String
    /// The path, such as `/licences/KpxNPoMnIpM4vtqX2wgadT` (a `?query` part is ignored; see ``query``).
    public var path: String
    /// The query parameters (the last value of each name), such as `email` of `GET /licences?email=…`.
    public var query: [String: String]
    /// The body, if any.
    public var body: [UInt8]?

    /// Creates a request.
    public init(method: String, path: String, query: [String: String] = [:], body: [UInt8]? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
    }
}

/// A response of the licence API.
public struct LicenceResponse: Sendable, Equatable {
    /// The HTTP status.
    public var status: Int
    /// Response headers (`Content-Type` and CORS).
    public var headers: [String: String]
    /// The body (JSON, problem JSON, or empty).
    public var body: [UInt8]

    /// The body read as Ion (JSON is a subset of Ion text), for tests and tools; `nil` when it is
    /// empty or not JSON.
    public var json: IonValue? { body.isEmpty ? nil : (try? IonValue.decode(json: body))?.first }

    static func json(_ status: Int, _ text: String) -> LicenceResponse {
        LicenceResponse(
            status: status, headers: ["Content-Type": "application/json", "Access-Control-Allow-Origin": "*"],
            body: Array(text.utf8))
    }

    static func empty(_ status: Int) -> LicenceResponse {
        LicenceResponse(status: status, headers: ["Access-Control-Allow-Origin": "*"], body: [])
    }
}

/// An RFC 9457 problem: what went wrong, as `application/problem+json`.
public struct Problem: Error, Sendable, Equatable {
    /// A URI reference naming the kind of problem, such as `/problems/validation`.
    public var type: String
    /// A short summary of the kind.
    public var title: String
    /// The HTTP status.
    public var status: Int
    /// What exactly was wrong with this request.
    public var detail: String
    /// Headers the response carries besides `Content-Type` and CORS (`Allow` on a 405).
    public var headers: [String: String] = [:]

    /// Creates a problem.
    public init(type: String, title: String, status: Int, detail: String) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
    }

    static func validation(_ detail: String) -> Problem {
        Problem(type: "/problems/validation", title: "Invalid request", status: 400, detail: detail)
    }

    static func notFound(_ licenceID: String) -> Problem {
        Problem(
            type: "/problems/not-found", title: "Licence not found", status: 404,
            detail: "No licence with licenceId \(licenceID)")
    }

    /// The response carrying this problem.
    public var response: LicenceResponse {
        let object: IonValue = [
            "detail": .string(detail), "status": .int(status), "title": .string(title), "type": .string(type),
        ]
        var headers = headers
        headers["Content-Type"] = "application/problem+json"
        headers["Access-Control-Allow-Origin"] = "*"
        return LicenceResponse(status: status, headers: headers, body: Array(object.jsonText.utf8))
    }
}
