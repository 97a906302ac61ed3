import Foundation
import Logging
import QLDBHashing
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The append-only journal file of one ledger.
///
/// Each record is `length (4 bytes, big-endian) ‖ SHA-256 of the payload (first 8 bytes) ‖ payload`,
/// the payload being one block in Ion binary. A commit is acknowledged only once its record is
/// written and `fsync`ed; commits that arrive while a sync is running share the next one (group
/// commit). On open every record is checked: damage anywhere is a ``JournalError`` naming the
/// block and byte offset, and a record cut short by a crash (a torn tail) is truncated only when
/// the caller asks for the repair.
final class JournalFile: Sendable {
    struct State {
        var pending: [UInt8] = []
        var pendingThrough = 0
        var durableThrough = 0
        var syncing = false
        var waiters: [(Int, CheckedContinuation<Void, any Error>)] = []
        var failure: String?
    }

    let path: String
    private let descriptor: Int32
    private let state: Mutex<State>
    private let queue = DispatchQueue(label: "swift-qldb.journal")
    let fsyncs = Mutex(0)

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

    /// Opens the journal of `ledger` and returns its complete records.
    ///
    /// - Throws: ``JournalError`` when a record is corrupted, or when the last one is torn and
    ///   `access` does not ask for the repair; the file is then unchanged.
    static func open(path: String, ledger: String, access: JournalAccess, logger: Logger) throws -> (
        JournalFile, [Record]
    ) {
        let flags = access == .readOnly ? O_RDONLY | O_CLOEXEC : O_RDWR | O_CREAT | O_CLOEXEC
        let fd = openFile(path, flags, 0o644)
        guard fd >= 0 else {
            throw LedgerError.badRequest("cannot open journal \(path): \(String(cString: strerror(errno)))")
        }
        let data = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
        let bytes = [UInt8](data)
        let (records, failure) = scan(bytes)
        var end = bytes.count
        if let failure {
            let error = JournalError(
                kind: failure.kind, ledger: ledger, path: path, block: records.count, offset: failure.offset,
                reason: failure.reason)
            guard failure.kind == .tornTail, access == .readWrite(repairTornTail: true) else {
                close(fd)
                throw error
            }
            logger.warning(
                "repairing the journal's torn tail as asked: truncating its incomplete last record",
                metadata: [
                    "ledger": "\(ledger)", "path": "\(path)", "block": "\(records.count)",
                    "offset": "\(failure.offset)", "discardedBytes": "\(bytes.count - failure.offset)",
                ])
            guard ftruncate(fd, off_t(failure.offset)) == 0, fsync(fd) == 0 else {
                close(fd)
                throw LedgerError.badRequest("cannot truncate journal \(path): \(String(cString: strerror(errno)))")
            }
            end = failure.offset
        }
        lseek(fd, off_t(end), SEEK_SET)
        return (JournalFile(path: path, descriptor: fd), records)
    }

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
        self.state = Mutex(State())
    }

    deinit { close(descriptor) }

    static func frame(_ payload: [UInt8]) -> [UInt8] {
        let n = payload.count
        var record: [UInt8] = [UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
        QLDBHash.sha256(payload).withUnsafeBytes { record += $0.prefix(8) }
        record += payload
        return record
    }

    /// Queues a record; call under the ledger's lock so records are in commit order. Returns the
    /// ticket to wait for.
    func append(_ payload: [UInt8]) -> Int {
        state.withLock { state in
            state.pending += Self.frame(payload)
            state.pendingThrough += 1
            return state.pendingThrough
        }
    }

    /// Waits until the record with this ticket is on disk.
    func waitDurable(_ ticket: Int) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let startSync: Bool = state.withLock { state in
                if let failure = state.failure {
                    continuation.resume(throwing: LedgerError(type: "InternalFailure", status: 500, message: failure))
                    return false
                }
                if state.durableThrough >= ticket {
                    continuation.resume()
                    return false
                }
                state.waiters.append((ticket, continuation))
                if state.syncing { return false }
                state.syncing = true
                return true
            }
            if startSync { queue.async { self.syncLoop() } }
        }
    }

    /// Writes and syncs whatever is pending, again and again while more arrives.
    private func syncLoop() {
        while true {
            let (bytes, through): ([UInt8], Int) = state.withLock { state in
                let taken = (state.pending, state.pendingThrough)
                state.pending = []
                return taken
            }
            var failure: String?
            if !bytes.isEmpty {
                var written = 0
                while written < bytes.count {
                    let n = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                    if n < 0 {
                        if errno == EINTR { continue }
                        failure = "journal write failed: \(String(cString: strerror(errno)))"
                        break
                    }
                    written += n
                }
            }
            if failure == nil && fsync(descriptor) != 0 {
                failure = "journal fsync failed: \(String(cString: strerror(errno)))"
            }
            fsyncs.withLock { $0 += 1 }
            let done: [CheckedContinuation<Void, any Error>] = state.withLock { state in
                if let failure { state.failure = failure }
                state.durableThrough = failure == nil ? through : state.durableThrough
                var ready: [CheckedContinuation<Void, any Error>] = []
                state.waiters.removeAll { ticket, continuation in
                    if state.failure != nil || ticket <= state.durableThrough {
                        ready.append(continuation)
                        return true
                    }
                    return false
                }
                if state.waiters.isEmpty || state.failure != nil { state.syncing = false }
                return ready
            }
            let failed = state.withLock { $0.failure }
            for continuation in done {
                if let failed {
                    continuation.resume(throwing: LedgerError(type: "InternalFailure", status: 500, message: failed))
                } else {
                    continuation.resume()
                }
            }
            if !(state.withLock { $0.syncing }) { return }
        }
    }
}

private func openFile(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
