import Foundation

/// An IAM policy document as AWS writes it: `Version` and one statement or a list of them, each
/// with `Effect`, `Action` or `NotAction`, `Resource` or `NotResource`, an optional `Principal`
/// (endpoint policies) and `Condition`.
public struct PolicyDocument: Sendable, Hashable {
    /// One statement.
    public struct Statement: Sendable, Hashable {
        /// `Allow` or `Deny`.
        public enum Effect: String, Sendable, Hashable {
            case allow = "Allow"
            case deny = "Deny"
        }

        /// Patterns matched either way: `Action` (listed) or `NotAction` (everything else).
        public struct Patterns: Sendable, Hashable {
            /// The patterns (`*` and `?` are wildcards).
            public var values: [String]
            /// `NotAction` / `NotResource`: the statement applies to what does not match.
            public var negated: Bool
        }

        /// One condition: an operator, a key and the values any of which may match.
        public struct Condition: Sendable, Hashable {
            /// `StringEquals`, `StringLike`, `ArnLike`, `Bool`, ….
            public var conditionOperator: String
            /// The condition key, such as `aws:PrincipalArn`.
            public var key: String
            /// The values, any of which may match.
            public var values: [String]
        }

        /// The statement's `Sid`, if it has one.
        public var sid: String?
        /// Allow or deny.
        public var effect: Effect
        /// `Action` or `NotAction`.
        public var actions: Patterns
        /// `Resource` or `NotResource`.
        public var resources: Patterns
        /// The principals an endpoint policy's statement names (`"*"` for anyone); `nil` when
        /// the statement names none (identity policies).
        public var principals: [String]?
        /// Every condition must hold.
        public var conditions: [Condition]
    }

    /// `2012-10-17` (or the older `2008-10-17`).
    public var version: String?
    /// The statements, in order.
    public var statements: [Statement]

    /// Reads a document from its JSON object.
    ///
    /// - Throws: ``PolicyError`` naming what is malformed and where.
    public init(json object: Any, at place: String) throws(PolicyError) {
        guard let document = object as? [String: Any] else {
            throw PolicyError("\(place) is not a JSON object")
        }
        version = document["Version"] as? String
        if let version, version != "2012-10-17", version != "2008-10-17" {
            throw PolicyError("\(place).Version is \(version); IAM knows 2012-10-17 and 2008-10-17")
        }
        let raw: [Any]
        switch document["Statement"] {
        case let list as [Any]: raw = list
        case let one as [String: Any]: raw = [one]
        default: throw PolicyError("\(place).Statement is missing or neither an object nor a list")
        }
        var statements: [Statement] = []
        for (index, item) in raw.enumerated() {
            statements.append(try Self.statement(item, at: "\(place).Statement[\(index)]"))
        }
        self.statements = statements
    }

    static func statement(_ item: Any, at place: String) throws(PolicyError) -> Statement {
        guard let object = item as? [String: Any] else { throw PolicyError("\(place) is not an object") }
        guard let effectText = object["Effect"] as? String, let effect = Statement.Effect(rawValue: effectText) else {
            throw PolicyError("\(place).Effect must be Allow or Deny")
        }
        let actions = try patterns(object, "Action", "NotAction", at: place)
        let resources = try patterns(object, "Resource", "NotResource", at: place)
        var principals: [String]?
        if let principal = object["Principal"] {
            switch principal {
            case let star as String where star == "*": principals = ["*"]
            case let map as [String: Any]:
                guard let aws = map["AWS"] else { throw PolicyError("\(place).Principal names no AWS principal") }
                principals = try strings(aws, at: "\(place).Principal.AWS")
            default: throw PolicyError("\(place).Principal must be \"*\" or {\"AWS\": …}")
            }
        }
        var conditions: [Statement.Condition] = []
        if let block = object["Condition"] {
            guard let operators = block as? [String: Any] else {
                throw PolicyError("\(place).Condition is not an object")
            }
            for (conditionOperator, keys) in operators.sorted(by: { $0.key < $1.key }) {
                guard PolicyEvaluator.knownOperators.contains(conditionOperator) else {
                    throw PolicyError(
                        "\(place).Condition uses \(conditionOperator); supported: \(PolicyEvaluator.knownOperators.sorted().joined(separator: ", "))"
                    )
                }
                guard let map = keys as? [String: Any] else {
                    throw PolicyError("\(place).Condition.\(conditionOperator) is not an object")
                }
                for (key, values) in map.sorted(by: { $0.key < $1.key }) {
                    conditions.append(
                        .init(
                            conditionOperator: conditionOperator, key: key,
                            values: try strings(values, at: "\(place).Condition.\(conditionOperator).\(key)")))
                }
            }
        }
        return Statement(
            sid: object["Sid"] as? String, effect: effect, actions: actions, resources: resources,
            principals: principals, conditions: conditions)
    }

    static func patterns(_ object: [String: Any], _ name: String, _ negated: String, at place: String)
        throws(PolicyError) -> Statement.Patterns
    {
        switch (object[name], object[negated]) {
        case (let value?, nil): return .init(values: try strings(value, at: "\(place).\(name)"), negated: false)
        case (nil, let value?): return .init(values: try strings(value, at: "\(place).\(negated)"), negated: true)
        case (nil, nil): throw PolicyError("\(place) has neither \(name) nor \(negated)")
        default: throw PolicyError("\(place) has both \(name) and \(negated)")
        }
    }

    static func strings(_ value: Any, at place: String) throws(PolicyError) -> [String] {
        switch value {
        case let text as String: return [text]
        case let flag as Bool: return [flag ? "true" : "false"]
        case let list as [Any]:
            var out: [String] = []
            for item in list {
                guard let text = item as? String else {
                    throw PolicyError("\(place) holds a value that is not a string")
                }
                out.append(text)
            }
            return out
        default: throw PolicyError("\(place) must be a string or a list of strings")
        }
    }
}

/// A policy or IAM file that cannot be used, with the place of the problem.
public struct PolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, and where.
    public var message: String

    init(_ message: String) { self.message = message }

    public var description: String { message }
}
