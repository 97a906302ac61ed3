import Foundation

/// Who may run which statements on a ledger: `ALLOW_ALL` (any caller allowed
/// `qldb:SendCommand` on the ledger may run every statement) or `STANDARD` (each statement
/// also needs its PartiQL action on its table).
public enum PermissionsMode: String, Codable, Sendable, Hashable, CaseIterable {
    case allowAll = "ALLOW_ALL"
    case standard = "STANDARD"
}

/// Where a ledger is in its life.
public enum LedgerState: String, Codable, Sendable, Hashable {
    case creating = "CREATING"
    case active = "ACTIVE"
    case deleting = "DELETING"
    case deleted = "DELETED"
}

/// `CreateLedger`'s request body.
public struct CreateLedgerRequest: Codable, Sendable, Hashable {
    /// The name (see the model's `LedgerName` pattern).
    public var name: String
    /// Tags for the ledger.
    public var tags: [String: String]?
    /// The permissions mode (required).
    public var permissionsMode: PermissionsMode
    /// Whether DeleteLedger is refused (default true).
    public var deletionProtection: Bool?
    /// `AWS_OWNED_KMS_KEY` or a key's ARN.
    public var kmsKey: String?

    /// A request.
    public init(
        name: String, permissionsMode: PermissionsMode, deletionProtection: Bool? = nil,
        tags: [String: String]? = nil, kmsKey: String? = nil
    ) {
        self.name = name
        self.permissionsMode = permissionsMode
        self.deletionProtection = deletionProtection
        self.tags = tags
        self.kmsKey = kmsKey
    }

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case tags = "Tags"
        case permissionsMode = "PermissionsMode"
        case deletionProtection = "DeletionProtection"
        case kmsKey = "KmsKey"
    }
}

/// How a ledger's data is encrypted at rest.
public struct LedgerEncryptionDescription: Codable, Sendable, Hashable {
    /// The key's ARN, or `AWS_OWNED_KMS_KEY`.
    public var kmsKeyArn: String
    /// `ENABLED`, `UPDATING` or `KMS_KEY_INACCESSIBLE`.
    public var encryptionStatus: String
    /// When the key became inaccessible, if it did.
    public var inaccessibleKmsKeyDateTime: Date?

    /// A description.
    public init(kmsKeyArn: String, encryptionStatus: String, inaccessibleKmsKeyDateTime: Date? = nil) {
        self.kmsKeyArn = kmsKeyArn
        self.encryptionStatus = encryptionStatus
        self.inaccessibleKmsKeyDateTime = inaccessibleKmsKeyDateTime
    }

    enum CodingKeys: String, CodingKey {
        case kmsKeyArn = "KmsKeyArn"
        case encryptionStatus = "EncryptionStatus"
        case inaccessibleKmsKeyDateTime = "InaccessibleKmsKeyDateTime"
    }
}

/// A ledger as CreateLedger, DescribeLedger, UpdateLedger and UpdateLedgerPermissionsMode
/// describe it (each answers a subset of these fields).
public struct LedgerDescription: Codable, Sendable, Hashable {
    public var name: String?
    public var arn: String?
    public var state: LedgerState?
    public var creationDateTime: Date?
    public var permissionsMode: PermissionsMode?
    public var deletionProtection: Bool?
    /// CreateLedger's answer names the key here.
    public var kmsKeyArn: String?
    /// DescribeLedger's and UpdateLedger's answers describe the encryption here.
    public var encryptionDescription: LedgerEncryptionDescription?

    /// A description.
    public init(
        name: String? = nil, arn: String? = nil, state: LedgerState? = nil, creationDateTime: Date? = nil,
        permissionsMode: PermissionsMode? = nil, deletionProtection: Bool? = nil, kmsKeyArn: String? = nil,
        encryptionDescription: LedgerEncryptionDescription? = nil
    ) {
        self.name = name
        self.arn = arn
        self.state = state
        self.creationDateTime = creationDateTime
        self.permissionsMode = permissionsMode
        self.deletionProtection = deletionProtection
        self.kmsKeyArn = kmsKeyArn
        self.encryptionDescription = encryptionDescription
    }

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case arn = "Arn"
        case state = "State"
        case creationDateTime = "CreationDateTime"
        case permissionsMode = "PermissionsMode"
        case deletionProtection = "DeletionProtection"
        case kmsKeyArn = "KmsKeyArn"
        case encryptionDescription = "EncryptionDescription"
    }
}

/// `UpdateLedger`'s request body.
public struct UpdateLedgerRequest: Codable, Sendable, Hashable {
    /// A new deletion protection, or `nil` to keep it.
    public var deletionProtection: Bool?
    /// A new key, or `nil` to keep it.
    public var kmsKey: String?

    /// A request.
    public init(deletionProtection: Bool? = nil, kmsKey: String? = nil) {
        self.deletionProtection = deletionProtection
        self.kmsKey = kmsKey
    }

    enum CodingKeys: String, CodingKey {
        case deletionProtection = "DeletionProtection"
        case kmsKey = "KmsKey"
    }
}

/// `UpdateLedgerPermissionsMode`'s request body.
public struct UpdateLedgerPermissionsModeRequest: Codable, Sendable, Hashable {
    /// The new mode.
    public var permissionsMode: PermissionsMode

    /// A request.
    public init(permissionsMode: PermissionsMode) { self.permissionsMode = permissionsMode }

    enum CodingKeys: String, CodingKey { case permissionsMode = "PermissionsMode" }
}

/// One ledger in `ListLedgers`' answer.
public struct LedgerSummary: Codable, Sendable, Hashable {
    public var name: String
    public var state: LedgerState
    public var creationDateTime: Date?

    /// A summary.
    public init(name: String, state: LedgerState, creationDateTime: Date?) {
        self.name = name
        self.state = state
        self.creationDateTime = creationDateTime
    }

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case state = "State"
        case creationDateTime = "CreationDateTime"
    }
}

/// `ListLedgers`' answer: a page of ledgers and the token of the next page.
public struct ListLedgersResponse: Codable, Sendable, Hashable {
    public var ledgers: [LedgerSummary]
    public var nextToken: String?

    /// A page.
    public init(ledgers: [LedgerSummary], nextToken: String?) {
        self.ledgers = ledgers
        self.nextToken = nextToken
    }

    enum CodingKeys: String, CodingKey {
        case ledgers = "Ledgers"
        case nextToken = "NextToken"
    }
}

/// The tags of a resource (`TagResource`'s request, `ListTagsForResource`'s answer).
public struct ResourceTags: Codable, Sendable, Hashable {
    public var tags: [String: String]

    /// Tags.
    public init(tags: [String: String]) { self.tags = tags }

    enum CodingKeys: String, CodingKey { case tags = "Tags" }
}
