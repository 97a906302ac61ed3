import Foundation

/// How exported objects are encrypted in S3.
public struct S3EncryptionConfiguration: Codable, Sendable, Hashable {
    /// `SSE_S3`, `SSE_KMS` or `NO_ENCRYPTION`.
    public var objectEncryptionType: String
    /// The KMS key, for `SSE_KMS`.
    public var kmsKeyArn: String?

    /// A configuration.
    public init(objectEncryptionType: String, kmsKeyArn: String? = nil) {
        self.objectEncryptionType = objectEncryptionType
        self.kmsKeyArn = kmsKeyArn
    }

    enum CodingKeys: String, CodingKey {
        case objectEncryptionType = "ObjectEncryptionType"
        case kmsKeyArn = "KmsKeyArn"
    }
}

/// Where an export writes.
public struct S3ExportConfiguration: Codable, Sendable, Hashable {
    /// The bucket.
    public var bucket: String
    /// Put before every object key.
    public var prefix: String
    /// How objects are encrypted.
    public var encryptionConfiguration: S3EncryptionConfiguration

    /// A configuration.
    public init(bucket: String, prefix: String, encryptionConfiguration: S3EncryptionConfiguration) {
        self.bucket = bucket
        self.prefix = prefix
        self.encryptionConfiguration = encryptionConfiguration
    }

    enum CodingKeys: String, CodingKey {
        case bucket = "Bucket"
        case prefix = "Prefix"
        case encryptionConfiguration = "EncryptionConfiguration"
    }
}

/// `ExportJournalToS3`'s request body.
public struct ExportJournalToS3Request: Codable, Sendable, Hashable {
    /// The first instant exported (inclusive).
    public var inclusiveStartTime: Date
    /// The instant the export ends before (exclusive).
    public var exclusiveEndTime: Date
    /// Where to write.
    public var s3ExportConfiguration: S3ExportConfiguration
    /// The role QLDB would assume to write (recorded and reported).
    public var roleArn: String
    /// `ION_TEXT` (the default), `ION_BINARY` or `JSON`.
    public var outputFormat: String?

    /// A request.
    public init(
        inclusiveStartTime: Date, exclusiveEndTime: Date, s3ExportConfiguration: S3ExportConfiguration,
        roleArn: String, outputFormat: String? = nil
    ) {
        self.inclusiveStartTime = inclusiveStartTime
        self.exclusiveEndTime = exclusiveEndTime
        self.s3ExportConfiguration = s3ExportConfiguration
        self.roleArn = roleArn
        self.outputFormat = outputFormat
    }

    enum CodingKeys: String, CodingKey {
        case inclusiveStartTime = "InclusiveStartTime"
        case exclusiveEndTime = "ExclusiveEndTime"
        case s3ExportConfiguration = "S3ExportConfiguration"
        case roleArn = "RoleArn"
        case outputFormat = "OutputFormat"
    }
}

/// `ExportJournalToS3`'s answer.
public struct ExportJournalToS3Response: Codable, Sendable, Hashable {
    /// The export's id.
    public var exportID: String

    /// An answer.
    public init(exportID: String) { self.exportID = exportID }

    enum CodingKeys: String, CodingKey { case exportID = "ExportId" }
}

/// One journal export.
public struct JournalS3ExportDescription: Codable, Sendable, Hashable {
    /// The ledger exported.
    public var ledgerName: String
    /// The export's id.
    public var exportID: String
    /// When it was asked for.
    public var exportCreationTime: Date
    /// `IN_PROGRESS`, `COMPLETED` or `CANCELLED`.
    public var status: String
    /// The first instant exported.
    public var inclusiveStartTime: Date
    /// The instant the export ends before.
    public var exclusiveEndTime: Date
    /// Where it writes.
    public var s3ExportConfiguration: S3ExportConfiguration
    /// The role given.
    public var roleArn: String
    /// The output format.
    public var outputFormat: String?

    /// A description.
    public init(
        ledgerName: String, exportID: String, exportCreationTime: Date, status: String, inclusiveStartTime: Date,
        exclusiveEndTime: Date, s3ExportConfiguration: S3ExportConfiguration, roleArn: String, outputFormat: String?
    ) {
        self.ledgerName = ledgerName
        self.exportID = exportID
        self.exportCreationTime = exportCreationTime
        self.status = status
        self.inclusiveStartTime = inclusiveStartTime
        self.exclusiveEndTime = exclusiveEndTime
        self.s3ExportConfiguration = s3ExportConfiguration
        self.roleArn = roleArn
        self.outputFormat = outputFormat
    }

    enum CodingKeys: String, CodingKey {
        case ledgerName = "LedgerName"
        case exportID = "ExportId"
        case exportCreationTime = "ExportCreationTime"
        case status = "Status"
        case inclusiveStartTime = "InclusiveStartTime"
        case exclusiveEndTime = "ExclusiveEndTime"
        case s3ExportConfiguration = "S3ExportConfiguration"
        case roleArn = "RoleArn"
        case outputFormat = "OutputFormat"
    }
}

/// `DescribeJournalS3Export`'s answer.
public struct DescribeJournalS3ExportResponse: Codable, Sendable, Hashable {
    /// The export.
    public var exportDescription: JournalS3ExportDescription

    /// An answer.
    public init(exportDescription: JournalS3ExportDescription) { self.exportDescription = exportDescription }

    enum CodingKeys: String, CodingKey { case exportDescription = "ExportDescription" }
}

/// `ListJournalS3Exports`' and `ListJournalS3ExportsForLedger`'s answer.
public struct ListJournalS3ExportsResponse: Codable, Sendable, Hashable {
    /// A page of exports.
    public var journalS3Exports: [JournalS3ExportDescription]
    /// The next page's token.
    public var nextToken: String?

    /// A page.
    public init(journalS3Exports: [JournalS3ExportDescription], nextToken: String?) {
        self.journalS3Exports = journalS3Exports
        self.nextToken = nextToken
    }

    enum CodingKeys: String, CodingKey {
        case journalS3Exports = "JournalS3Exports"
        case nextToken = "NextToken"
    }
}
