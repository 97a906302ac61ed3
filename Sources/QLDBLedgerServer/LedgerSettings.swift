import Foundation
import Ion
import QLDBControl
import QLDBLedger

/// What the control plane keeps of a ledger beside its journal: its permissions mode, deletion
/// protection, creation time, key and tags, in the ledger's own metadata (one JSON value), so
/// every frontend sharing the ledger sees the same.
struct LedgerSettings: Codable, Sendable, Hashable {
    static let key = "control-plane.settings"
    /// `kmsKey` of a ledger created without one, as QLDB reports it.
    static let awsOwnedKey = "AWS_OWNED_KMS_KEY"

    var permissionsMode: PermissionsMode
    var deletionProtection: Bool
    var creationDateTime: Date
    var kmsKey: String
    var tags: [String: String]

    /// What a ledger that was never created through the control plane (served with `--ledger`,
    /// or a file in the data directory) has: as CreateLedger's defaults, created now.
    static func defaults(now: Date) -> LedgerSettings {
        LedgerSettings(
            permissionsMode: .allowAll, deletionProtection: true, creationDateTime: now, kmsKey: awsOwnedKey,
            tags: [:])
    }

    /// The ledger's settings; when it has none yet, the defaults, written, created when its
    /// first block was (exports start no earlier than a ledger's creation).
    static func load(_ ledger: Ledger) async throws -> LedgerSettings {
        if let bytes = try await ledger.metadata(key) {
            return try JSONDecoder().decode(LedgerSettings.self, from: Data(bytes))
        }
        let first = try await ledger.blocks(1...1).first?["blockTimestamp"]?.timestampValue?.date
        let settings = defaults(now: first ?? Date())
        try await settings.save(ledger)
        return settings
    }

    func save(_ ledger: Ledger) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try await ledger.setMetadata(Self.key, Array(try encoder.encode(self)))
    }
}
