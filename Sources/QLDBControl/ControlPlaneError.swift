import Foundation

/// An error of QLDB's control plane, as the service answers it: a type from the model, its HTTP
/// status, and a message.
public struct ControlPlaneError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The model's error shapes and their HTTP statuses.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case invalidParameter = "InvalidParameterException"
        case limitExceeded = "LimitExceededException"
        case resourceAlreadyExists = "ResourceAlreadyExistsException"
        case resourceInUse = "ResourceInUseException"
        case resourceNotFound = "ResourceNotFoundException"
        case resourcePreconditionNotMet = "ResourcePreconditionNotMetException"

        /// The status the model gives the shape.
        public var status: Int {
            switch self {
            case .invalidParameter, .limitExceeded: 400
            case .resourceAlreadyExists, .resourceInUse: 409
            case .resourceNotFound: 404
            case .resourcePreconditionNotMet: 412
            }
        }
    }

    /// The error's type (`ResourceNotFoundException`, or one outside the model such as
    /// `InvalidSignatureException` or `UnknownOperationException`).
    public var type: String
    /// The HTTP status.
    public var status: Int
    /// What was wrong.
    public var message: String
    /// `ResourceType` of the resource errors (`LEDGER`, `JOURNAL_S3_EXPORT`).
    public var resourceType: String?
    /// `ResourceName` of the resource errors.
    public var resourceName: String?
    /// `ParameterName` of `InvalidParameterException`.
    public var parameterName: String?

    /// An error of one of the model's kinds.
    public init(
        _ kind: Kind, _ message: String, resourceType: String? = nil, resourceName: String? = nil,
        parameterName: String? = nil
    ) {
        self.init(
            type: kind.rawValue, status: kind.status, message: message, resourceType: resourceType,
            resourceName: resourceName, parameterName: parameterName)
    }

    /// Any error.
    public init(
        type: String, status: Int, message: String, resourceType: String? = nil, resourceName: String? = nil,
        parameterName: String? = nil
    ) {
        self.type = type
        self.status = status
        self.message = message
        self.resourceType = resourceType
        self.resourceName = resourceName
        self.parameterName = parameterName
    }

    /// The model's kind, when the type is one of them.
    public var kind: Kind? { Kind(rawValue: type) }

    public var description: String { "\(type) (\(status)): \(message)" }

    /// The body rest-json errors carry: `{"Message": …}` and the shape's other members.
    public var body: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let fields = Fields(
            message: message, resourceType: resourceType, resourceName: resourceName, parameterName: parameterName)
        return Array((try? encoder.encode(fields)) ?? Data())
    }

    /// The members of an error body, as the model names them.
    private struct Fields: Codable {
        var type: String?
        var code: String?
        var message: String?
        /// `message` in lower case, as some services spell it.
        var lowerCaseMessage: String?
        var resourceType: String?
        var resourceName: String?
        var parameterName: String?

        enum CodingKeys: String, CodingKey {
            case type = "__type"
            case code
            case message = "Message"
            case lowerCaseMessage = "message"
            case resourceType = "ResourceType"
            case resourceName = "ResourceName"
            case parameterName = "ParameterName"
        }

        init(message: String, resourceType: String?, resourceName: String?, parameterName: String?) {
            self.message = message
            self.resourceType = resourceType
            self.resourceName = resourceName
            self.parameterName = parameterName
        }
    }

    /// Reads an error answer: the type from `x-amzn-ErrorType` (up to any `:`), else from the
    /// body's `__type` or `code` (after any `#`).
    public init(status: Int, errorTypeHeader: String?, body: [UInt8]) {
        let fields = try? JSONDecoder().decode(Fields.self, from: Data(body))
        var type = errorTypeHeader.map { String($0.prefix { $0 != ":" }) }
        if type?.isEmpty ?? true {
            type = (fields?.type ?? fields?.code).map { String($0.split(separator: "#").last ?? "") }
        }
        self.init(
            type: type ?? "HTTP\(status)", status: status,
            message: fields?.message ?? fields?.lowerCaseMessage ?? String(decoding: body.prefix(200), as: UTF8.self),
            resourceType: fields?.resourceType, resourceName: fields?.resourceName,
            parameterName: fields?.parameterName)
    }
}
