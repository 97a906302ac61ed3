import Foundation
import IonHash
import Synchronization

/// What a recording hash function saw: each `update` with its bytes and each digest it returned.
final class HashTrace: Sendable {
    enum Event: Equatable, CustomStringConvertible {
        case update([UInt8])
        case digest([UInt8])

        var description: String {
            switch self {
            case .update(let b): "update::(\(b.map { String(format: "0x%02x", Int($0)) }.joined(separator: " ")))"
            case .digest(let b): "digest::(\(b.map { String(format: "0x%02x", Int($0)) }.joined(separator: " ")))"
            }
        }
    }

    private let storage = Mutex<[Event]>([])

    func record(_ event: Event) { storage.withLock { $0.append(event) } }
    var events: [Event] { storage.withLock { $0 } }
}

/// The identity hash function of the Ion Hash test vectors: a digest is every byte fed since
/// the hasher was made. Each call is recorded in a shared trace.
struct IdentityHash: IonHashFunction {
    let trace: HashTrace

    func makeHasher() -> Hasher { Hasher(trace: trace) }

    struct Hasher: IonHashFunctionHasher {
        let trace: HashTrace
        var bytes: [UInt8] = []

        mutating func update(_ input: UnsafeRawBufferPointer) {
            trace.record(.update(Array(input)))
            bytes.append(contentsOf: input)
        }

        mutating func finalize() -> [UInt8] {
            trace.record(.digest(bytes))
            return bytes
        }
    }
}

/// MD5 with every call recorded, for the vectors that give MD5 expectations.
struct RecordingMD5: IonHashFunction {
    let trace: HashTrace

    func makeHasher() -> Hasher { Hasher(trace: trace) }

    struct Hasher: IonHashFunctionHasher {
        let trace: HashTrace
        var inner = MD5IonHash().makeHasher()

        mutating func update(_ input: UnsafeRawBufferPointer) {
            trace.record(.update(Array(input)))
            inner.update(input)
        }

        mutating func finalize() -> [UInt8] {
            let digest = inner.finalize()
            trace.record(.digest(digest))
            return digest
        }
    }
}
