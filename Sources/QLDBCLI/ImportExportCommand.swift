import ArgumentParser
import Foundation
import Ion
import Logging
import QLDBLedger
import S3Objects
import SigV4

/// `qldb import-export`: a ledger made from a journal export to S3, as Amazon QLDB wrote it.
struct ImportExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-export",
        abstract: "Create a ledger from a QLDB journal export (from S3, or a directory holding a copy of it).",
        discussion: """
            Reads the export's completed manifest ({exportId}.{strandId}.completed.manifest) and \
            every data object it lists, in order; verifies every block (its revisions, entries and \
            block hash, and its link to the block before) and creates the ledger in --data-dir with \
            the journal's strand, block addresses, document ids, versions and hashes. New commits \
            chain on from the last block. The export must start at the journal's first block and \
            be in Ion (ION_TEXT or ION_BINARY). Anything wrong stops the import naming the object \
            and block; nothing is created then. Exit status: 0 imported, 1 not.

            --from-dir DIR: a directory holding the export's objects under the export's prefix, \
            as `aws s3 cp --recursive s3://BUCKET/PREFIX DIR` leaves them. --from-s3 \
            s3://BUCKET/PREFIX: the export in S3 (--s3-endpoint for another S3-compatible server; \
            credentials from the AWS chain). With several exports there, --export-id picks one.

            Example: qldb import-export --ledger vehicles --from-s3 s3://exports/vehicles/ --region eu-west-1
            """
    )

    @Option(name: .customLong("ledger"), help: "The ledger to create.") var ledger: String
    @Option(name: .customLong("data-dir"), help: "Directory of the ledgers' SQLite files.") var dataDirectory =
        ".ledger"
    @Option(name: .customLong("from-dir"), help: "A directory holding a copy of the export.") var fromDirectory: String?
    @Option(name: .customLong("from-s3"), help: "The export's bucket and prefix, s3://BUCKET/PREFIX.") var fromS3:
        String?
    @Option(name: .customLong("export-id"), help: "The export to import when there are several.") var exportID: String?
    @Option(name: .customLong("s3-endpoint"), help: "An S3-compatible endpoint, path-style (default: AWS's).")
    var s3Endpoint: String?
    @Option(help: "The region of the bucket.") var region = "us-east-1"

    func run() async throws {
        if let problem = LedgerName.problem(with: ledger) { throw ValidationError("--ledger: \(problem)") }
        let source = try makeSource()
        var logger = Logger(label: "qldb.import-export")
        logger.logLevel = .warning
        do {
            let manifest = try await source.completedManifest(exportID: exportID)
            let summary = try await JournalImport.importExport(
                keys: manifest.keys, read: source.read, into: URL(fileURLWithPath: dataDirectory), ledger: ledger,
                logger: logger)
            print(
                "qldb import-export: \(ledger): \(summary.blocks) blocks imported from \(manifest.name) (strand \(summary.strandID)); digest \(summary.digest?.digest.base64 ?? "-")"
            )
        } catch {
            print("qldb import-export: \(ledger): FAILED: \(error)")
            throw ExitCode(1)
        }
    }

    private func makeSource() throws -> ExportSource {
        switch (fromDirectory, fromS3) {
        case (let directory?, nil): return .directory(URL(fileURLWithPath: directory))
        case (nil, let location?):
            guard location.hasPrefix("s3://") else {
                throw ValidationError("--from-s3 must be s3://BUCKET/PREFIX; got \(location)")
            }
            let rest = location.dropFirst("s3://".count)
            let bucket = String(rest.prefix { $0 != "/" })
            guard !bucket.isEmpty else { throw ValidationError("--from-s3 names no bucket: \(location)") }
            let prefix = String(rest.dropFirst(bucket.count + 1))
            let endpoint = s3Endpoint ?? "https://s3.\(region).amazonaws.com"
            guard let url = URL(string: endpoint), url.scheme == "http" || url.scheme == "https" else {
                throw ValidationError("--s3-endpoint must be an http(s) URL; got \(endpoint)")
            }
            return .s3(
                S3Client(endpoint: url, region: region, credentials: CredentialProviderChain.default()),
                bucket: bucket, prefix: prefix)
        default:
            throw ValidationError("give exactly one of --from-dir DIR and --from-s3 s3://BUCKET/PREFIX")
        }
    }
}

/// Where an export's objects are read from.
enum ExportSource: Sendable {
    case directory(URL)
    case s3(S3Client, bucket: String, prefix: String)

    /// The completed manifest's name and the data objects' keys it lists.
    func completedManifest(exportID: String?) async throws -> (name: String, keys: [String]) {
        let names: [String]
        switch self {
        case .directory(let url): names = try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
        case .s3(let client, let bucket, let prefix):
            names = try await client.listObjects(bucket: bucket, prefix: prefix)
        }
        let manifests = names.filter {
            $0.hasSuffix(".completed.manifest")
                && (exportID == nil || ($0.split(separator: "/").last ?? "").hasPrefix("\(exportID!)."))
        }
        guard manifests.count == 1, let manifest = manifests.first else {
            throw ImportSourceError(
                reason: manifests.isEmpty
                    ? "no completed manifest (*.completed.manifest)\(exportID.map { " of export \($0)" } ?? "") there: is the export finished?"
                    : "\(manifests.count) completed manifests there (\(manifests.joined(separator: ", "))): choose one with --export-id"
            )
        }
        guard
            let keys = try IonDocument.decode(try await read(manifest)).first?["keys"]?.elements?.compactMap(
                \.stringValue)
        else {
            throw ImportSourceError(reason: "\(manifest) has no keys list")
        }
        return (manifest, keys)
    }

    /// The bytes of an object: a manifest's name as listed, or a data object's key as the
    /// manifest gives it (in a directory, the key less the export's prefix when the file is not
    /// at the whole key).
    func read(_ key: String) async throws -> [UInt8] {
        switch self {
        case .s3(let client, let bucket, _): return try await client.getObject(bucket: bucket, key: key)
        case .directory(let url):
            let files = FileManager.default
            var candidate = key
            while true {
                let path = url.appendingPathComponent(candidate).path
                if files.fileExists(atPath: path) { return Array(try Data(contentsOf: URL(fileURLWithPath: path))) }
                // Drop the prefix one segment at a time: DIR holds the export below its prefix.
                guard let slash = candidate.firstIndex(of: "/") else { break }
                candidate = String(candidate[candidate.index(after: slash)...])
            }
            throw ImportSourceError(reason: "\(key) is not in \(url.path)")
        }
    }
}

/// The export cannot be found or read.
struct ImportSourceError: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
