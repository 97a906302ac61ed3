import Foundation
import Ion
import IonHash
import SharedFixtures
import Testing

/// Runs `../shared/conformance/ion-hash-test/ion_hash_tests.ion`: every case through the DOM, the
/// binary reader (hashing while reading) and the text reader, checking the whole sequence of
/// update and digest calls.
@Suite(
    .enabled(
        if: IonHashVectors.isAvailable,
        "needs ../shared/conformance/ion-hash-test beside the repository: Ion Hash vectors are skipped"))
struct IonHashVectorTests {
    enum Path: String, CaseIterable {
        case dom, binaryReader, textReader
    }

    @Test(
        "An Ion Hash vector gives its update and digest calls on every path",
        arguments: IonHashVectors.all)
    func vectorOnEveryPath(_ testCase: IonHashVectors.Case) throws {
        for path in Path.allCases {
            for (algorithm, expected) in testCase.expectations {
                let problem = try Self.check(testCase, path: path, algorithm: algorithm, expected: expected)
                #expect(problem == nil, "\(testCase.testDescription) \(path.rawValue)/\(algorithm): \(problem ?? "")")
            }
        }
    }

    @Test("ion_hash_tests.ion holds 167 cases")
    func theFileHoldsEveryCase() throws {
        #expect(try IonHashVectors.cases().count == 167)
    }

    static func check(_ testCase: IonHashVectors.Case, path: Path, algorithm: String, expected: [IonHashVectors.Step])
        throws -> String?
    {
        let trace = HashTrace()
        switch algorithm {
        case "identity": try run(IonHasher(IdentityHash(trace: trace)), testCase, path)
        case "md5": try run(IonHasher(RecordingMD5(trace: trace)), testCase, path)
        default: return "unknown algorithm"
        }
        var events = trace.events
        // Programs that list only digests (some MD5 ones) check only the digests.
        if !expected.contains(where: { if case .update = $0 { true } else { false } }) {
            events = events.filter { if case .digest = $0 { true } else { false } }
        }
        if expected.count == 1, case .finalDigest(let bytes) = expected[0] {
            guard case .digest(let last)? = events.last, last == bytes else {
                return "final digest \(events.last.map(String.init(describing:)) ?? "none") ≠ \(bytes)"
            }
            return nil
        }
        let wanted: [HashTrace.Event] = expected.compactMap {
            switch $0 {
            case .update(let b): .update(b)
            case .digest(let b): .digest(b)
            case .finalDigest: nil
            }
        }
        if events != wanted {
            let i = Array(zip(events, wanted)).firstIndex(where: { $0.0 != $0.1 }) ?? min(events.count, wanted.count)
            return
                "call \(i): got \(i < events.count ? events[i].description : "nothing"), expected \(i < wanted.count ? wanted[i].description : "nothing")"
        }
        return nil
    }

    static func run<F: IonHashFunction>(_ hasher: IonHasher<F>, _ testCase: IonHashVectors.Case, _ path: Path) throws {
        switch path {
        case .dom:
            _ = hasher.digest(of: testCase.value)
        case .binaryReader:
            // The '10n' cases keep their own (possibly non-canonical) bytes.
            let bytes = try testCase.binary ?? IonValue.encode(binary: [testCase.value])
            var reader = try IonBinaryReader(bytes)
            _ = try reader.next()
            _ = try hasher.digest(of: &reader)
        case .textReader:
            var reader = try IonValueReader(text: Array(try IonValue.encode(text: [testCase.value]).utf8))
            _ = try reader.next()
            _ = try hasher.digest(of: &reader)
        }
    }
}

enum IonHashVectors {
    static let file = SharedFixtures.url("conformance/ion-hash-test/ion_hash_tests.ion")

    static var isAvailable: Bool { FileManager.default.fileExists(atPath: file.path) }

    /// The cases of the file, read once at test discovery; `[]` when it is absent or unreadable
    /// (`theFileHoldsEveryCase` then fails with the reason).
    static let all: [Case] = isAvailable ? ((try? cases()) ?? []) : []

    enum Step: Sendable {
        case update([UInt8])
        case digest([UInt8])
        case finalDigest([UInt8])
    }

    /// One test case: a value (or its own binary) and the calls expected of each hash function.
    struct Case: Sendable, CustomTestStringConvertible {
        /// The case's position in the file, from 0.
        var index: Int
        var name: String
        var value: IonValue
        var binary: [UInt8]?
        var expectations: [(String, [Step])]

        var testDescription: String { "ion_hash_tests.ion #\(index) \(name)" }
    }

    static func bytes(_ value: IonValue) throws -> [UInt8] {
        guard let elements = value.elements else { throw IonError(.typeMismatch, "expected a sexp of bytes") }
        return try elements.map {
            guard let i = $0.intValue, let b = UInt8(exactly: i) else {
                throw IonError(.typeMismatch, "expected a byte")
            }
            return b
        }
    }

    static func cases() throws -> [Case] {
        let values = try IonValue.decode(text: Array(try Data(contentsOf: file)))
        return try values.enumerated().map { index, entry in
            guard let fields = entry.structValue else { throw IonError(.typeMismatch, "test case is not a struct") }
            var value: IonValue
            var binary: [UInt8]? = nil
            if let ion = fields["ion"] {
                value = ion
            } else if let tenN = fields["10n"] {
                let bytes = BinaryEncoding.versionMarker + (try Self.bytes(tenN))
                binary = bytes
                value = try IonValue.decode(binary: bytes)[0]
            } else {
                throw IonError(.typeMismatch, "test case has neither ion nor 10n")
            }
            var expectations: [(String, [Step])] = []
            for field in fields["expect"]?.structValue ?? IonStruct() {
                let steps = try (field.value.elements ?? []).map { step -> Step in
                    let b = try Self.bytes(step)
                    switch step.annotations.first?.text {
                    case "update": return .update(b)
                    case "digest": return .digest(b)
                    case "final_digest": return .finalDigest(b)
                    default: throw IonError(.typeMismatch, "unknown step \(step)")
                    }
                }
                expectations.append((field.name.text ?? "", steps))
            }
            let name = entry.annotations.first?.text ?? (fields["ion"]?.description ?? "10n")
            return Case(index: index, name: name, value: value, binary: binary, expectations: expectations)
        }
    }
}
