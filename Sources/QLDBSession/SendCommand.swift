import Foundation

/// `QLDBSession.SendCommand`: one request carrying exactly one command, and its result
/// (awsJson1_0, `X-Amz-Target: QLDBSession.SendCommand`), as in the qldb-session API model
/// of 2019-07-11. Blobs (`IonBinary`, `CommitDigest`) travel as base64, as `JSONEncoder` writes `Data`.
public struct SendCommandRequest: Codable, Sendable, Hashable {
    /// The session the command runs in; absent only on `StartSession`.
    public var sessionToken: String?
    /// The `StartSession` member.
    public var startSession: StartSessionRequest?
    /// The `StartTransaction` member.
    public var startTransaction: StartTransactionRequest?
    /// The `EndSession` member.
    public var endSession: EndSessionRequest?
    /// The `CommitTransaction` member.
    public var commitTransaction: CommitTransactionRequest?
    /// The `AbortTransaction` member.
    public var abortTransaction: AbortTransactionRequest?
    /// The `ExecuteStatement` member.
    public var executeStatement: ExecuteStatementRequest?
    /// The `FetchPage` member.
    public var fetchPage: FetchPageRequest?

    /// Creates an empty request; set exactly one command.
    public init(sessionToken: String? = nil) { self.sessionToken = sessionToken }

    /// The name of the command this request carries, or `nil` when it carries none or several.
    public var commandName: String? {
        let present: [(String, Bool)] = [
            ("StartSession", startSession != nil), ("StartTransaction", startTransaction != nil),
            ("EndSession", endSession != nil),
            ("CommitTransaction", commitTransaction != nil), ("AbortTransaction", abortTransaction != nil),
            ("ExecuteStatement", executeStatement != nil), ("FetchPage", fetchPage != nil),
        ]
        let names = present.filter(\.1).map(\.0)
        return names.count == 1 ? names[0] : nil
    }
}

/// `StartSession`: opens a session on a ledger.
public struct StartSessionRequest: Codable, Sendable, Hashable {
    /// The `LedgerName` member.
    public var ledgerName: String
    /// Creates the value with the given members.
    public init(ledgerName: String) { self.ledgerName = ledgerName }
}

/// `StartTransaction`: no members.
public struct StartTransactionRequest: Codable, Sendable, Hashable {
    /// Creates the value with the given members.
    public init() {}
}

/// `EndSession`: no members.
public struct EndSessionRequest: Codable, Sendable, Hashable {
    /// Creates the value with the given members.
    public init() {}
}

/// `AbortTransaction`: no members.
public struct AbortTransactionRequest: Codable, Sendable, Hashable {
    /// Creates the value with the given members.
    public init() {}
}

/// `CommitTransaction` with the transaction's commit digest.
public struct CommitTransactionRequest: Codable, Sendable, Hashable {
    /// The `TransactionId` member.
    public var transactionId: String
    /// The 32-byte commit digest.
    public var commitDigest: Data
    /// Creates the value with the given members.
    public init(transactionID: String, commitDigest: Data) {
        self.transactionId = transactionID
        self.commitDigest = commitDigest
    }
}

/// `ExecuteStatement`: a PartiQL statement and its parameters.
public struct ExecuteStatementRequest: Codable, Sendable, Hashable {
    /// The `TransactionId` member.
    public var transactionId: String
    /// The `Statement` member.
    public var statement: String
    /// Each parameter is one complete Ion binary document (or Ion text).
    public var parameters: [ValueHolder]?
    /// Creates the value with the given members.
    public init(transactionID: String, statement: String, parameters: [ValueHolder]) {
        self.transactionId = transactionID
        self.statement = statement
        self.parameters = parameters
    }
}

/// `FetchPage`: the next page of a statement's results.
public struct FetchPageRequest: Codable, Sendable, Hashable {
    /// The `TransactionId` member.
    public var transactionId: String
    /// The `NextPageToken` member.
    public var nextPageToken: String
    /// Creates the value with the given members.
    public init(transactionID: String, nextPageToken: String) {
        self.transactionId = transactionID
        self.nextPageToken = nextPageToken
    }
}

/// One Ion value: binary (what every official driver sends) or text.
///
/// `IonBinary` is held as bytes: the driver encodes parameters to bytes and decodes results from
/// bytes, and going through `Data` on the way cost two copies and allocations per value.
public struct ValueHolder: Codable, Sendable, Hashable {
    /// The `IonBinary` member, as bytes.
    public var ionBinaryBytes: [UInt8]?
    /// The `IonText` member.
    public var ionText: String?

    /// The `IonBinary` member (a copy of ``ionBinaryBytes``).
    public var ionBinary: Data? {
        get { ionBinaryBytes.map { Data($0) } }
        set { ionBinaryBytes = newValue.map { [UInt8]($0) } }
    }

    /// Creates the value with the given members.
    public init(ionBinary: [UInt8]) { self.ionBinaryBytes = ionBinary }
    /// Creates the value with the given members.
    public init(ionBinary: Data) { self.ionBinaryBytes = [UInt8](ionBinary) }
    /// Creates the value with the given members.
    public init(ionText: String) { self.ionText = ionText }

    private enum CodingKeys: String, CodingKey {
        case ionBinary, ionText
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        ionBinaryBytes = try container.decodeIfPresent(Data.self, forKey: .ionBinary).map { [UInt8]($0) }
        ionText = try container.decodeIfPresent(String.self, forKey: .ionText)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(ionBinary, forKey: .ionBinary)
        try container.encodeIfPresent(ionText, forKey: .ionText)
    }
}

/// The result of `SendCommand`: exactly one member, matching the command sent.
public struct SendCommandResponse: Codable, Sendable, Hashable {
    /// The `StartSession` member.
    public var startSession: StartSessionResult?
    /// The `StartTransaction` member.
    public var startTransaction: StartTransactionResult?
    /// The `EndSession` member.
    public var endSession: EndSessionResult?
    /// The `CommitTransaction` member.
    public var commitTransaction: CommitTransactionResult?
    /// The `AbortTransaction` member.
    public var abortTransaction: AbortTransactionResult?
    /// The `ExecuteStatement` member.
    public var executeStatement: ExecuteStatementResult?
    /// The `FetchPage` member.
    public var fetchPage: FetchPageResult?
    /// Creates the value with the given members.
    public init() {}
}

/// Server-side processing time of a command.
public struct TimingInformation: Codable, Sendable, Hashable {
    /// The `ProcessingTimeMilliseconds` member.
    public var processingTimeMilliseconds: Int64?
    /// Creates the value with the given members.
    public init(processingTimeMilliseconds: Int64) { self.processingTimeMilliseconds = processingTimeMilliseconds }
}

/// I/O requests a command consumed.
public struct IOUsage: Codable, Sendable, Hashable {
    /// The `ReadIOs` member.
    public var readIOs: Int64?
    /// The `WriteIOs` member.
    public var writeIOs: Int64?
    /// Creates the value with the given members.
    public init(readIOs: Int64, writeIOs: Int64) {
        self.readIOs = readIOs
        self.writeIOs = writeIOs
    }
}

/// The `StartSession` shape of the qldb-session API model.
public struct StartSessionResult: Codable, Sendable, Hashable {
    /// Creates a result with no members set.
    public init() {}

    /// The `SessionToken` member.
    public var sessionToken: String?
    /// The `TimingInformation` member.
    public var timingInformation: TimingInformation?
}

/// The `StartTransaction` shape of the qldb-session API model.
public struct StartTransactionResult: Codable, Sendable, Hashable {
    /// Creates a result with no members set.
    public init() {}

    /// The `TransactionId` member.
    public var transactionId: String?
    /// The `TimingInformation` member.
    public var timingInformation: TimingInformation?
}

/// The `EndSession` shape of the qldb-session API model.
public struct EndSessionResult: Codable, Sendable, Hashable {
    /// Creates a result with no members set.
    public init() {}

    /// The `TimingInformation` member.
    public var timingInformation: TimingInformation?
}

/// The `AbortTransaction` shape of the qldb-session API model.
public struct AbortTransactionResult: Codable, Sendable, Hashable {
    /// Creates a result with no members set.
    public init() {}

    /// The `TimingInformation` member.
    public var timingInformation: TimingInformation?
}

/// The `CommitTransaction` shape of the qldb-session API model.
public struct CommitTransactionResult: Codable, Sendable, Hashable {
    /// Creates a result with no members set.
    public init() {}

    /// The `TransactionId` member.
    public var transactionId: String?
    /// The digest the ledger computed; it must equal the one sent.
    public var commitDigest: Data?
    /// The `TimingInformation` member.
    public var timingInformation: TimingInformation?
    /// The `ConsumedIOs` member.
    public var consumedIOs: IOUsage?
}

/// A page of results; a page may be empty and still carry a token.
public struct Page: Codable, Sendable, Hashable {
    /// The `Values` member.
    public var values: [ValueHolder]?
    /// The `NextPageToken` member.
    public var nextPageToken: String?
    /// Creates the value with the given members.
    public init(values: [ValueHolder], nextPageToken: String?) {
        self.values = values
        self.nextPageToken = nextPageToken
    }
}

/// The `ExecuteStatement` shape of the qldb-session API model.
public struct ExecuteStatementResult: Codable, Sendable, Hashable {
    /// Creates a result with no members set.
    public init() {}

    /// The `FirstPage` member.
    public var firstPage: Page?
    /// The `TimingInformation` member.
    public var timingInformation: TimingInformation?
    /// The `ConsumedIOs` member.
    public var consumedIOs: IOUsage?
}

/// The `FetchPage` shape of the qldb-session API model.
public struct FetchPageResult: Codable, Sendable, Hashable {
    /// Creates a result with no members set.
    public init() {}

    /// The `Page` member.
    public var page: Page?
    /// The `TimingInformation` member.
    public var timingInformation: TimingInformation?
    /// The `ConsumedIOs` member.
    public var consumedIOs: IOUsage?
}

/// The JSON coding of `SendCommand` bodies: members are written with an uppercase first letter
/// (`SessionToken`, `IonBinary`, `ReadIOs`), as the service model names them, from the
/// lowerCamelCase Swift properties; blobs are base64.
public enum SendCommandJSON {
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// An encoder for request and response bodies.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .custom { path in
            let name = path.last!.stringValue
            return Key(stringValue: name.prefix(1).uppercased() + name.dropFirst())
        }
        encoder.dataEncodingStrategy = .base64
        return encoder
    }

    /// A decoder for request and response bodies.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom { path in
            let name = path.last!.stringValue
            return Key(stringValue: name.prefix(1).lowercased() + name.dropFirst())
        }
        decoder.dataDecodingStrategy = .base64
        return decoder
    }
}
