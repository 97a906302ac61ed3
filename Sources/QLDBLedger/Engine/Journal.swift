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
/// commit). A record cut short by a crash (a torn tail) is found on open by its length or its
/// checksum, logged, and truncated away.
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

    /// Opens (creating) the journal and returns the complete records, truncating a torn tail.
    static func open(path: String, logger: Logger) throws -> (JournalFile, [[UInt8]]) {
        let fd = openFile(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw LedgerError.badRequest("cannot open journal \(path): \(String(cString: strerror(errno)))")
        }
        let data = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
        let bytes = [UInt8](data)
        var records: [[UInt8]] = []
        var offset = 0
        var goodEnd = 0
        while offset < bytes.count {
            guard offset + 12 <= bytes.count else { break }
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            guard offset + 12 + length <= bytes.count else { break }
            let payload = Array(bytes[(offset + 12)..<(offset + 12 + length)])
            guard
                QLDBHash.sha256(payload).withUnsafeBytes({
                    $0.prefix(8).elementsEqual(bytes[(offset + 4)..<(offset + 12)])
                })
            else {
                break
            }
            records.append(payload)
            offset += 12 + length
            goodEnd = offset
        }
        if goodEnd < bytes.count {
            logger.warning(
                "journal has a torn tail; truncating it",
                metadata: ["path": "\(path)", "validBytes": "\(goodEnd)", "discardedBytes": "\(bytes.count - goodEnd)"])
            guard ftruncate(fd, off_t(goodEnd)) == 0, fsync(fd) == 0 else {
                throw LedgerError.badRequest("cannot truncate journal \(path): \(String(cString: strerror(errno)))")
            }
        }
        lseek(fd, off_t(goodEnd), SEEK_SET)
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
