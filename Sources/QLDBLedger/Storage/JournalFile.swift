import Foundation
import Logging
import QLDBHashing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The journal file of earlier versions of this package: one ledger's blocks, appended.
///
/// Each record is `length (4 bytes, big-endian) ‖ SHA-256 of the payload (first 8 bytes) ‖ payload`,
/// the payload being one block in Ion binary (the first record is the journal's header). Ledgers
/// are now kept in a store; a journal file is only read, to convert it once (see
/// `LegacyJournalConversion`). Damage anywhere is a ``JournalError`` naming the block and byte
/// offset, and a record cut short by a crash (a torn tail) is truncated only when the caller
/// asks for the repair.
enum JournalFile {
    /// One record of the file: its payload and where it starts.
    struct Record {
        var offset: Int
        var payload: [UInt8]
    }

    /// The largest payload a record can have: a block holds at most a 4 MB transaction plus its
    /// metadata, so a longer length field is damage, not a record.
    static let maxPayloadBytes = 64 * 1024 * 1024

    /// Every record of `bytes`, or where they stop being valid.
    ///
    /// Only an incomplete final record is a torn tail: a header cut short, or a length that runs
    /// past the end of the file with no valid record after it. A bad checksum, an implausible
    /// length, or a length running past the end while a valid record follows is corruption.
    static func scan(_ bytes: [UInt8]) -> (
        records: [Record], failure: (offset: Int, kind: JournalError.Kind, reason: String)?
    ) {
        var records: [Record] = []
        var offset = 0
        while offset < bytes.count {
            guard offset + 12 <= bytes.count else {
                return (records, (offset, .tornTail, "\(bytes.count - offset) bytes of a 12-byte record header"))
            }
            let length = recordLength(bytes, at: offset)
            guard length <= maxPayloadBytes else {
                return (records, (offset, .corrupted, "record length \(length) exceeds the largest possible block"))
            }
            guard offset + 12 + length <= bytes.count else {
                if let later = firstValidRecord(in: bytes, after: offset + 12) {
                    return (
                        records,
                        (
                            offset, .corrupted,
                            "record length \(length) runs past the end, but a valid record follows at byte \(later)"
                        )
                    )
                }
                return (
                    records,
                    (
                        offset, .tornTail,
                        "length \(length) runs past the end: \(bytes.count - offset - 12) bytes present"
                    )
                )
            }
            let payload = Array(bytes[(offset + 12)..<(offset + 12 + length)])
            guard checksumMatches(payload, bytes[(offset + 4)..<(offset + 12)]) else {
                return (records, (offset, .corrupted, "checksum mismatch"))
            }
            records.append(Record(offset: offset, payload: payload))
            offset += 12 + length
        }
        return (records, nil)
    }

    /// The big-endian payload length of the record header at `offset` (4 bytes present).
    static func recordLength(_ bytes: [UInt8], at offset: Int) -> Int {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
    }

    static func checksumMatches(_ payload: [UInt8], _ checksum: ArraySlice<UInt8>) -> Bool {
        QLDBHash.sha256(payload).withUnsafeBytes { $0.prefix(8).elementsEqual(checksum) }
    }

    /// The offset of a complete record with a valid checksum after `start`, if any. Payloads are
    /// Ion binary, so only positions whose payload starts with the Ion version marker are hashed.
    static func firstValidRecord(in bytes: [UInt8], after start: Int) -> Int? {
        var p = start
        while p + 16 <= bytes.count {
            if bytes[p + 12] == 0xE0 && bytes[p + 13] == 0x01 && bytes[p + 14] == 0x00 && bytes[p + 15] == 0xEA {
                let length = recordLength(bytes, at: p)
                if length <= maxPayloadBytes, p + 12 + length <= bytes.count,
                    checksumMatches(Array(bytes[(p + 12)..<(p + 12 + length)]), bytes[(p + 4)..<(p + 12)])
                {
                    return p
                }
            }
            p += 1
        }
        return nil
    }

    /// Reads the journal at `path` and returns its complete records.
    ///
    /// - Throws: ``JournalError`` when a record is corrupted, or when the last one is torn and
    ///   `access` does not ask for the repair; the file is then unchanged.
    static func read(path: String, ledger: String, access: JournalAccess, logger: Logger) throws -> [Record] {
        let flags = access == .readOnly ? O_RDONLY | O_CLOEXEC : O_RDWR | O_CLOEXEC
        let fd = openFile(path, flags, 0o644)
        guard fd >= 0 else {
            throw LedgerError.badRequest("cannot open journal \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let data = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
        let bytes = [UInt8](data)
        let (records, failure) = scan(bytes)
        if let failure {
            let error = JournalError(
                kind: failure.kind, ledger: ledger, path: path, block: records.count, offset: failure.offset,
                reason: failure.reason)
            guard failure.kind == .tornTail, access == .readWrite(repairTornTail: true) else { throw error }
            logger.warning(
                "repairing the journal's torn tail as asked: truncating its incomplete last record",
                metadata: [
                    "ledger": "\(ledger)", "path": "\(path)", "block": "\(records.count)",
                    "offset": "\(failure.offset)", "discardedBytes": "\(bytes.count - failure.offset)",
                ])
            guard ftruncate(fd, off_t(failure.offset)) == 0, fsync(fd) == 0 else {
                throw LedgerError.badRequest("cannot truncate journal \(path): \(String(cString: strerror(errno)))")
            }
        }
        return records
    }
}

private func openFile(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
