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
        var object = ["Message": message]
        if let resourceType { object["ResourceType"] = resourceType }
        if let resourceName { object["ResourceName"] = resourceName }
        if let parameterName { object["ParameterName"] = parameterName }
        return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }

    /// Reads an error answer: the type from `x-amzn-ErrorType` (up to any `:`), else from the
    /// body's `__type` or `code` (after any `#`).
    public init(status: Int, errorTypeHeader: String?, body: [UInt8]) {
        let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        var type = errorTypeHeader.map { String($0.prefix { $0 != ":" }) }
        if type?.isEmpty ?? true {
            type = (object["__type"] as? String ?? object["code"] as? String).map {
                String($0.split(separator: "#").last ?? "")
            }
        }
        self.init(
            type: type ?? "HTTP\(status)", status: status,
            message: object["Message"] as? String ?? object["message"] as? String
                ?? String(decoding: body.prefix(200), as: UTF8.self),
            resourceType: object["ResourceType"] as? String, resourceName: object["ResourceName"] as? String,
            parameterName: object["ParameterName"] as? String)
    }
}
