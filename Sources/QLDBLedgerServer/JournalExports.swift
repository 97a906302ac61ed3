import Foundation
import Ion
import Logging
import QLDBControl
import QLDBLedger
import QLDBPrimitives
import Synchronization

/// Journal exports to S3 as QLDB writes them, for ExportJournalToS3:
///
/// - `{prefix}{exportId}.started.manifest`: what was asked (ledger, id, time bounds, bucket,
///   prefix, encryption, format);
/// - data objects `{prefix}{yyyy}/{mm}/{dd}/{hh}/{strandId}.{first}-{last}.ion` (`.json` for
///   JSON): the journal blocks committed in the time bounds, one value per block, in sequence
///   order, split by the hour (UTC) of their timestamps and at most ``blocksPerObject`` each;
/// - `{prefix}{exportId}.{strandId}.completed.manifest`: `{keys: [...]}`, every data object's
///   whole key in order.
///
/// Each export's description is kept in its ledger's metadata, so it survives restarts and every
/// frontend sees it. An export left `IN_PROGRESS` by a process that stopped stays so; it is
/// never resumed (QLDB's statuses have no "failed": a failed export is `CANCELLED`).
final class JournalExports: Sendable {
    static let keyPrefix = "control-plane.export."
    static let blocksPerObject = 1000
    /// Exports one ledger may run at once (QLDB's quota).
    static let concurrentPerLedger = 2

    let destination: (any JournalExportDestination)?
    let logger: Logger
    /// Exports running in this process, by ledger name.
    private let running = Mutex<[String: Set<String>]>([:])

    init(destination: (any JournalExportDestination)?, logger: Logger) {
        self.destination = destination
        self.logger = logger
    }

    /// Starts an export after checking the request; the description as recorded.
    func start(
        ledger: Ledger, settings: LedgerSettings, request: ExportJournalToS3Request, now: Date
    ) async throws(ControlPlaneError) -> (JournalS3ExportDescription, Task<Void, Never>) {
        guard let destination else {
            throw ControlPlaneError(
                .resourcePreconditionNotMet,
                "This server has no S3 endpoint to export to: start qldb serve with --s3-endpoint URL",
                resourceType: "LEDGER", resourceName: ledger.name)
        }
        try Self.check(request, now: now)
        let id = Ledger.newIdentifier()
        let admitted = running.withLock { running -> Bool in
            guard running[ledger.name, default: []].count < Self.concurrentPerLedger else { return false }
            running[ledger.name, default: []].insert(id)
            return true
        }
        guard admitted else {
            throw ControlPlaneError(
                .limitExceeded,
                "Ledger \(ledger.name) already has \(Self.concurrentPerLedger) journal exports in progress; wait for one to finish",
                resourceType: "JOURNAL_S3_EXPORT")
        }
        let description = JournalS3ExportDescription(
            ledgerName: ledger.name, exportID: id, exportCreationTime: now, status: "IN_PROGRESS",
            inclusiveStartTime: request.inclusiveStartTime, exclusiveEndTime: request.exclusiveEndTime,
            s3ExportConfiguration: request.s3ExportConfiguration, roleArn: request.roleArn,
            outputFormat: request.outputFormat)
        do {
            try await Self.save(description, in: ledger)
        } catch {
            _ = running.withLock { $0[ledger.name]?.remove(id) }
            throw ControlPlaneError(
                type: "InternalFailure", status: 500, message: "Cannot record the export: \(error)")
        }
        let from = max(request.inclusiveStartTime, settings.creationDateTime)
        let task = Task {
            var finished = description
            do {
                try await self.write(description, from: from, ledger: ledger, to: destination)
                finished.status = "COMPLETED"
                self.logger.info("journal export completed", metadata: ["ledger": "\(ledger.name)", "export": "\(id)"])
            } catch {
                finished.status = "CANCELLED"
                self.logger.error(
                    "journal export cancelled",
                    metadata: ["ledger": "\(ledger.name)", "export": "\(id)", "reason": "\(error)"])
            }
            do { try await Self.save(finished, in: ledger) } catch {
                self.logger.error(
                    "cannot record the end of a journal export",
                    metadata: ["ledger": "\(ledger.name)", "export": "\(id)", "error": "\(error)"])
            }
            _ = self.running.withLock { $0[ledger.name]?.remove(id) }
        }
        return (description, task)
    }

    /// The model's rules for a request, with the message and parameter QLDB names.
    static func check(_ request: ExportJournalToS3Request, now: Date) throws(ControlPlaneError) {
        guard request.inclusiveStartTime < request.exclusiveEndTime else {
            throw ControlPlaneError(
                .invalidParameter, "The InclusiveStartTime must be before ExclusiveEndTime",
                parameterName: "InclusiveStartTime")
        }
        // botocore sends whole seconds; a second of slack keeps "now" from the caller valid.
        guard request.exclusiveEndTime <= now.addingTimeInterval(1) else {
            throw ControlPlaneError(
                .invalidParameter, "The ExclusiveEndTime must be less than or equal to the current UTC date and time",
                parameterName: "ExclusiveEndTime")
        }
        let s3 = request.s3ExportConfiguration
        guard (3...255).contains(s3.bucket.count),
            s3.bucket.utf8.allSatisfy({ byte in
                byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
            })
        else {
            throw ControlPlaneError(
                .invalidParameter, "Bucket \(s3.bucket) is not a bucket name (3 to 255 letters, digits, -, _ and .)",
                parameterName: "Bucket")
        }
        guard s3.prefix.count <= 128 else {
            throw ControlPlaneError(.invalidParameter, "Prefix has at most 128 characters", parameterName: "Prefix")
        }
        let encryption = s3.encryptionConfiguration
        switch encryption.objectEncryptionType {
        case "SSE_S3", "NO_ENCRYPTION": break
        case "SSE_KMS":
            guard encryption.kmsKeyArn != nil else {
                throw ControlPlaneError(
                    .invalidParameter, "You must provide a KmsKeyArn if you specify SSE_KMS",
                    parameterName: "KmsKeyArn")
            }
        default:
            throw ControlPlaneError(
                .invalidParameter,
                "ObjectEncryptionType is SSE_KMS, SSE_S3 or NO_ENCRYPTION; got \(encryption.objectEncryptionType)",
                parameterName: "ObjectEncryptionType")
        }
        guard (20...1600).contains(request.roleArn.count) else {
            throw ControlPlaneError(
                .invalidParameter, "RoleArn has 20 to 1600 characters", parameterName: "RoleArn")
        }
        if let format = request.outputFormat, !["ION_TEXT", "ION_BINARY", "JSON"].contains(format) {
            throw ControlPlaneError(
                .invalidParameter, "OutputFormat is ION_BINARY, ION_TEXT or JSON; got \(format)",
                parameterName: "OutputFormat")
        }
    }

    // MARK: Writing

    /// Writes the manifests and the data objects of an export.
    private func write(
        _ export: JournalS3ExportDescription, from start: Date, ledger: Ledger,
        to destination: any JournalExportDestination
    ) async throws {
        let s3 = export.s3ExportConfiguration
        let format = ObjectFormat(export.outputFormat)
        let headers = Self.encryptionHeaders(s3.encryptionConfiguration)
        func put(_ key: String, _ values: [IonValue]) async throws {
            try await destination.putObject(
                bucket: s3.bucket, key: key, body: try format.encode(values), headers: headers)
        }
        var started: IonStruct = [
            "ledgerName": .string(export.ledgerName), "exportId": .string(export.exportID),
            "inclusiveStartTime": .timestamp(try IonTimestamp(export.inclusiveStartTime)),
            "exclusiveEndTime": .timestamp(try IonTimestamp(export.exclusiveEndTime)),
            "bucket": .string(s3.bucket), "prefix": .string(s3.prefix),
            "objectEncryptionType": .string(s3.encryptionConfiguration.objectEncryptionType),
        ]
        if let requested = export.outputFormat { started["outputFormat"] = .string(requested) }
        try await put("\(s3.prefix)\(export.exportID).started.manifest", [.struct(started)])

        var keys: [String] = []
        var pending: [(block: IonValue, sequence: Int, hour: String)] = []
        var strand = ""
        func flush() async throws {
            guard let first = pending.first, let last = pending.last else { return }
            let key = "\(s3.prefix)\(first.hour)/\(strand).\(first.sequence)-\(last.sequence).\(format.fileExtension)"
            try await put(key, pending.map(\.block))
            keys.append(key)
            pending = []
        }
        let tip = try await ledger.digest()?.tipAddress
        let end = tip?.sequenceNo ?? 0
        var next = 1
        scan: while next <= end {
            let upper = min(next + 255, end)
            for block in try await ledger.blocks(next...upper) {
                guard let timestamp = block["blockTimestamp"]?.timestampValue?.date,
                    let address = block["blockAddress"], let sequence = address["sequenceNo"]?.intValue,
                    let blockStrand = address["strandId"]?.stringValue
                else { throw ExportFailure(reason: "a stored block has no timestamp or address") }
                // Blocks are stored in commit order, their timestamps in the same order.
                if timestamp >= export.exclusiveEndTime { break scan }
                guard timestamp >= start else { continue }
                strand = blockStrand
                let hour = Self.hourFolder(timestamp)
                if let current = pending.first, current.hour != hour || pending.count == Self.blocksPerObject {
                    try await flush()
                }
                pending.append((block, sequence, hour))
            }
            next = upper + 1
        }
        try await flush()
        if strand.isEmpty { strand = tip?.strandID ?? "" }
        try await put(
            "\(s3.prefix)\(export.exportID).\(strand).completed.manifest",
            [["keys": .list(keys.map { .string($0) })]])
    }

    struct ExportFailure: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    /// `yyyy/mm/dd/hh` of an instant, in UTC.
    static func hourFolder(_ date: Date) -> String {
        let time = CivilCalendar.fields(fromSecondsSinceEpoch: Int(date.timeIntervalSince1970.rounded(.down)))
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(time.year)/\(two(time.month))/\(two(time.day))/\(two(time.hour))"
    }

    /// S3's server-side encryption headers for an export's configuration.
    static func encryptionHeaders(_ configuration: S3EncryptionConfiguration) -> [(name: String, value: String)] {
        switch configuration.objectEncryptionType {
        case "SSE_S3": [("x-amz-server-side-encryption", "AES256")]
        case "SSE_KMS":
            [
                ("x-amz-server-side-encryption", "aws:kms"),
                ("x-amz-server-side-encryption-aws-kms-key-id", configuration.kmsKeyArn ?? ""),
            ]
        default: []
        }
    }

    /// How an export's objects are written.
    enum ObjectFormat {
        case ionText, ionBinary, json

        init(_ outputFormat: String?) {
            switch outputFormat {
            case "ION_BINARY": self = .ionBinary
            case "JSON": self = .json
            default: self = .ionText
            }
        }

        var fileExtension: String { self == .json ? "json" : "ion" }

        /// One value per line in the text formats.
        func encode(_ values: [IonValue]) throws -> [UInt8] {
            switch self {
            case .ionBinary: return try IonValue.encode(binary: values)
            case .ionText: return Array(try values.map { try IonValue.encode(text: [$0]) }.joined(separator: "\n").utf8)
            case .json: return Array(values.map { IonValue.encode(json: [$0]) }.joined(separator: "\n").utf8)
            }
        }
    }

    // MARK: Descriptions

    static func save(_ description: JournalS3ExportDescription, in ledger: Ledger) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .secondsSince1970
        try await ledger.setMetadata(keyPrefix + description.exportID, Array(try encoder.encode(description)))
    }

    /// The exports of a ledger, in id order.
    static func descriptions(of ledger: Ledger) async throws -> [JournalS3ExportDescription] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        var found: [JournalS3ExportDescription] = []
        for key in try await ledger.metadataKeys(withPrefix: keyPrefix) {
            guard let bytes = try await ledger.metadata(key) else { continue }
            found.append(try decoder.decode(JournalS3ExportDescription.self, from: Data(bytes)))
        }
        return found
    }
}
