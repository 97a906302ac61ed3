// The Swift side of scripts/bench-ion-c.sh: the same operations as its C harness for ion-c, with
// the same interface, so the two run interleaved on the same files.
//
//   IonCompare make-licences N PATH      writes N licence documents as Ion binary
//   IonCompare OPERATION FILE ROUNDS     prints "OPERATION BEST_NANOSECONDS_PER_ROUND"
//
// Operations: scan (visit every value), read-scalars (read every scalar too), tree (decode the
// whole document into IonValues), lazy-tree (the whole document as IonLazyValues, then every
// scalar in them read), write-binary and write-text (encode the tree, built once);
// and Codable: codable-decode (IonDecoder straight from the bytes), codable-decode-tree (the
// IonValue tree, then IonDecoder on each value), codable-decode-json (Foundation's JSONDecoder on
// the same documents as JSON, timestamps and decimals as strings and Decimal), codable-encode
// (IonEncoder straight to Ion binary), codable-encode-tree (IonValues, then Ion binary) and
// codable-encode-json (JSONEncoder); codable-floor decodes the
// same number of licences from a decoder that reads nothing (every field a constant, every list
// two elements): what Codable's own containers and calls cost, the floor of any decoder.
// Ion Hash: hash (the SHA-256 Ion hash of each document of the tree, built once, returned as a
// new [UInt8]), hash-into (the same written into the caller's 32 bytes, as QLDBHash does for a
// revision: no allocation), hash-reader
// (each document hashed while reading the binary, no tree) and hash-bound (the exact inputs of
// every SHA-256 those hashes compute, recorded once, hashed again with libcrypto's
// SHA256_Init/Update/Final on an inline context: the SHA-256 bound Ion Hash is measured against;
// it prints the hashes and compression blocks per document to standard error). Ion Hash itself
// pads each input in place and skips SHA256_Final, so its SHA-256 work costs less than the bound.
import Foundation
import Ion
import IonHash
import LicenceDataset
import Synchronization

#if canImport(CLibCrypto)
import CLibCrypto
#endif

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("IonCompare: \(message)\n".utf8))
    exit(2)
}

let arguments = CommandLine.arguments
guard arguments.count == 4 else {
    fail("usage: IonCompare make-licences N PATH | IonCompare OPERATION FILE ROUNDS")
}
if arguments[1] == "make-licences" {
    guard let count = Int(arguments[2]) else { fail("N must be a number") }
    let bytes = try IonValue.encode(binary: LicenceDataset.documents(count: count))
    try Data(bytes).write(to: URL(fileURLWithPath: arguments[3]))
    exit(0)
}
let operation = arguments[1]
guard let rounds = Int(arguments[3]), rounds > 0 else { fail("ROUNDS must be a positive number") }
guard let data = FileManager.default.contents(atPath: arguments[2]) else { fail("cannot read \(arguments[2])") }
let bytes = [UInt8](data)
let isBinary = bytes.starts(with: [0xE0, 0x01, 0x00, 0xEA])

func decodeTree() throws -> [IonValue] {
    isBinary ? try IonValue.decode(binary: bytes) : try IonValue.decode(text: bytes)
}

/// Visits every value under the reader's position; with `read`, reads every scalar as well.
func visit(_ reader: inout IonBinaryReader, read: Bool, _ sink: inout Int) throws {
    while let type = try reader.next() {
        sink &+= 1
        if reader.isNull { continue }
        switch type {
        case .list, .sexp, .struct:
            try reader.stepIn()
            try visit(&reader, read: read, &sink)
            try reader.stepOut()
        case .bool where read: sink &+= try reader.boolValue() ? 1 : 0
        case .int where read: sink &+= try reader.intValue().signum
        case .float where read: sink &+= Int(try reader.doubleValue().sign == .minus ? 1 : 0)
        case .decimal where read: sink &+= Int(try reader.decimalValue().exponent)
        case .timestamp where read: sink &+= try reader.timestampValue().year
        case .symbol where read: sink &+= try reader.symbolValue().text?.utf8.count ?? 0
        case .string where read: sink &+= try reader.stringValue().utf8.count
        case .clob where read, .blob where read: sink &+= try reader.lobValue().count
        default: break
        }
    }
}

/// Reads every scalar under a lazy value, as `visit` does under a reader.
func visitLazy(_ value: IonLazyValue, _ sink: inout Int) throws {
    sink &+= 1
    if value.isNull { return }
    switch value.type {
    case .list, .sexp:
        var elements = try value.elements()
        while let element = try elements.next() { try visitLazy(element, &sink) }
    case .struct:
        var fields = try value.fields()
        while let field = try fields.next() { try visitLazy(field, &sink) }
    case .bool: sink &+= try value.boolValue() ? 1 : 0
    case .int: sink &+= try value.intValue().signum
    case .float: sink &+= Int(try value.doubleValue().sign == .minus ? 1 : 0)
    case .decimal: sink &+= Int(try value.decimalValue().exponent)
    case .timestamp: sink &+= try value.timestampValue().year
    case .symbol: sink &+= try value.symbolValue().text?.utf8.count ?? 0
    case .string: sink &+= try value.stringValue().utf8.count
    case .clob, .blob: sink &+= try value.lobValue().count
    case .null: break
    }
}

/// The licence documents as Foundation's JSON coders take them (Ion timestamps as strings).
struct JSONLicence: Codable {
    struct Event: Codable {
        var eventName: String
        var eventDate: String
    }
    var licenceId: String
    var name: String
    var email: String
    var telephone: String
    var penaltyPoints: Int
    var postcode: String
    var events: [Event]
    var amount: Decimal
}

/// A decoder that reads nothing: the same containers and calls as decoding a licence, constant
/// values. A class, as the Ion decoder is, so that handing it to `init(from:)` boxes nothing.
final class FloorDecoder: Decoder, SingleValueDecodingContainer {
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    // swift-format-ignore: NeverUseForceTry
    // A constant, valid day.
    static let timestamp = try! IonTimestamp(year: 2026, month: 12, day: 1, precision: .day)

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: FloorDecoder
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { [] }
        func contains(_ key: Key) -> Bool { true }
        func decodeNil(forKey key: Key) throws -> Bool { false }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { "value" }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { 1 }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decoder.unbox(type) }
        func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: Key) throws -> KeyedDecodingContainer<N> {
            KeyedDecodingContainer(Keyed<N>(decoder: decoder))
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            Unkeyed(decoder: decoder)
        }
        func superDecoder() throws -> any Decoder { decoder }
        func superDecoder(forKey key: Key) throws -> any Decoder { decoder }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let decoder: FloorDecoder
        var codingPath: [any CodingKey] { [] }
        var count: Int? { nil }
        var currentIndex = 0
        var isAtEnd: Bool { currentIndex == 2 }
        mutating func decodeNil() throws -> Bool { false }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            currentIndex += 1
            return try decoder.unbox(type)
        }
        mutating func nestedContainer<N: CodingKey>(keyedBy type: N.Type) throws -> KeyedDecodingContainer<N> {
            currentIndex += 1
            return KeyedDecodingContainer(Keyed<N>(decoder: decoder))
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { Unkeyed(decoder: decoder) }
        mutating func superDecoder() throws -> any Decoder { decoder }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Keyed<Key>(decoder: self))
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { Unkeyed(decoder: self) }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func unbox<T: Decodable>(_ type: T.Type) throws -> T {
        switch ObjectIdentifier(type) {
        case ObjectIdentifier(IonTimestamp.self): return Self.timestamp as! T
        case ObjectIdentifier(IonDecimal.self): return IonDecimal(12345, fractionDigits: 2) as! T
        default: return try T(from: self)
        }
    }
    func decodeNil() -> Bool { false }
    func decode(_ type: Bool.Type) throws -> Bool { true }
    func decode(_ type: String.Type) throws -> String { "value" }
    func decode(_ type: Double.Type) throws -> Double { 1 }
    func decode(_ type: Float.Type) throws -> Float { 1 }
    func decode(_ type: Int.Type) throws -> Int { 1 }
    func decode(_ type: Int8.Type) throws -> Int8 { 1 }
    func decode(_ type: Int16.Type) throws -> Int16 { 1 }
    func decode(_ type: Int32.Type) throws -> Int32 { 1 }
    func decode(_ type: Int64.Type) throws -> Int64 { 1 }
    func decode(_ type: UInt.Type) throws -> UInt { 1 }
    func decode(_ type: UInt8.Type) throws -> UInt8 { 1 }
    func decode(_ type: UInt16.Type) throws -> UInt16 { 1 }
    func decode(_ type: UInt32.Type) throws -> UInt32 { 1 }
    func decode(_ type: UInt64.Type) throws -> UInt64 { 1 }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try unbox(type) }
}

/// SHA-256 that keeps every message it hashes, for `hash-bound`: Ion Hash's own inputs, byte for byte.
struct RecordingSHA256: IonHashFunction {
    final class Messages: Sendable {
        let recorded = Mutex<[[UInt8]]>([])
    }
    let messages = Messages()

    func makeHasher() -> Hasher { Hasher(messages: messages) }

    struct Hasher: IonHashFunctionHasher {
        let messages: Messages
        var input: [UInt8] = []

        mutating func update(_ bytes: UnsafeRawBufferPointer) { input.append(contentsOf: bytes) }

        mutating func finalize() -> [UInt8] {
            let message = input
            messages.recorded.withLock { $0.append(message) }
            var hasher = SHA256IonHash().makeHasher()
            message.withUnsafeBytes { hasher.update($0) }
            return hasher.finalize()
        }
    }
}

/// The SHA-256 messages of every document's Ion hash, end to end, and where each ends.
func recordHashInputs(_ documents: [IonValue]) -> (bytes: [UInt8], ends: [Int]) {
    let recording = RecordingSHA256()
    let hasher = IonHasher(recording)
    for document in documents {
        let digest = hasher.digest(of: document)
        guard digest == IonHasher.sha256.digest(of: document) else { fail("the recorded hash differs") }
    }
    var bytes: [UInt8] = []
    var ends: [Int] = []
    for message in recording.messages.recorded.withLock({ $0 }) {
        bytes.append(contentsOf: message)
        ends.append(bytes.count)
    }
    return (bytes, ends)
}

let tree =
    operation.hasPrefix("write") || operation.hasPrefix("codable") || operation.hasPrefix("hash")
    ? try decodeTree() : []
let hashInputs: (bytes: [UInt8], ends: [Int]) = operation == "hash-bound" ? recordHashInputs(tree) : ([], [])
if operation == "hash-bound" {
    // A message of n bytes takes (n + 9 + 63) / 64 compression blocks (padding and length).
    let blocks = zip([0] + hashInputs.ends.dropLast(), hashInputs.ends).reduce(0) { $0 + ($1.1 - $1.0 + 72) / 64 }
    let perDocument = Double(hashInputs.ends.count) / Double(tree.count)
    FileHandle.standardError.write(
        Data(
            "hash-bound: \(String(format: "%.2f", perDocument)) SHA-256 hashes and \(String(format: "%.2f", Double(blocks) / Double(tree.count))) compression blocks per document\n"
                .utf8))
}
let licences =
    operation.hasPrefix("codable") ? try IonDecoder().decodeAll(LicenceDataset.Licence.self, from: bytes) : []
let jsonLicences = licences.map { l in
    JSONLicence(
        licenceId: l.licenceId, name: l.name, email: l.email, telephone: l.telephone, penaltyPoints: l.penaltyPoints,
        postcode: l.postcode,
        events: l.events.map { .init(eventName: $0.eventName, eventDate: $0.eventDate.description) },
        amount: Decimal(string: l.amount.description)!)
}
let json = operation.hasPrefix("codable") ? try JSONEncoder().encode(jsonLicences) : Data()
let clock = ContinuousClock()
var best = Duration.seconds(1_000_000)
var sink = 0
var textOutput: [UInt8] = []
// One untimed warm-up round, as the C harness does, then the timed ones.
for round in 0...rounds {
    let started = clock.now
    switch operation {
    case "scan", "read-scalars":
        guard isBinary else { fail("\(operation) reads Ion binary only") }
        var reader = try IonBinaryReader(bytes)
        try visit(&reader, read: operation == "read-scalars", &sink)
    case "tree":
        sink &+= try decodeTree().count
    case "lazy-tree":
        // The whole document as lazy values, then every scalar in them read.
        guard isBinary else { fail("\(operation) reads Ion binary only") }
        for value in try IonLazyValue.decode(binary: bytes) { try visitLazy(value, &sink) }
    case "write-binary":
        sink &+= try IonValue.encode(binary: tree).count
    case "hash":
        for document in tree { sink &+= Int(IonHasher.sha256.digest(of: document)[0]) }
    case "hash-into":
        var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digest) { out in
            for document in tree {
                IonHasher.sha256.digest(of: document, into: out)
                sink &+= Int(out[0])
            }
        }
    case "hash-reader":
        guard isBinary else { fail("\(operation) reads Ion binary only") }
        var reader = try IonBinaryReader(bytes)
        while try reader.next() != nil { sink &+= Int(try IonHasher.sha256.digest(of: &reader)[0]) }
    case "hash-bound":
        var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        hashInputs.bytes.withUnsafeBytes { all in
            withUnsafeMutableBytes(of: &digest) { out in
                var start = 0
                for end in hashInputs.ends {
                    #if canImport(CLibCrypto)
                    var context = SHA256_CTX()
                    SHA256_Init(&context)
                    SHA256_Update(&context, all.baseAddress! + start, end - start)
                    SHA256_Final(out.baseAddress!.assumingMemoryBound(to: UInt8.self), &context)
                    #else
                    var hasher = SHA256IonHash().makeHasher()
                    hasher.update(UnsafeRawBufferPointer(rebasing: all[start..<end]))
                    hasher.finalize(into: out)
                    #endif
                    start = end
                }
            }
        }
        sink &+= Int(truncatingIfNeeded: digest.0)
    case "codable-decode":
        sink &+= try IonDecoder().decodeAll(LicenceDataset.Licence.self, from: bytes).count
    case "codable-floor":
        let decoder = FloorDecoder()
        var floor: [LicenceDataset.Licence] = []
        for _ in licences { floor.append(try decoder.unbox(LicenceDataset.Licence.self)) }
        sink &+= floor.count
    case "codable-decode-tree":
        let decoder = IonDecoder()
        for value in try decodeTree() {
            sink &+= try decoder.decode(LicenceDataset.Licence.self, from: value).penaltyPoints
        }
    case "codable-decode-json":
        sink &+= try JSONDecoder().decode([JSONLicence].self, from: json).count
    case "codable-encode":
        sink &+= try IonEncoder().encodeAll(licences).count
    case "codable-encode-tree":
        let encoder = IonEncoder()
        sink &+= try IonValue.encode(binary: licences.map { try encoder.encodeValue($0) }).count
    case "codable-encode-json":
        sink &+= try JSONEncoder().encode(jsonLicences).count
    case "write-text":
        // As the C harness does with ion-c's writer: one output buffer, sized by the warm-up
        // round, written again each round.
        textOutput.removeAll(keepingCapacity: true)
        try IonTextWriter.append(tree, to: &textOutput)
        sink &+= textOutput.count
    default:
        fail("unknown operation \(operation)")
    }
    if round > 0 { best = min(best, started.duration(to: clock.now)) }
}
let (seconds, attoseconds) = best.components
print("\(operation) \(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)")
if sink == 42 { FileHandle.standardError.write(Data()) }
