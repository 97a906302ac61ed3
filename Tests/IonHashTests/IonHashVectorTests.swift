import Foundation
import SharedFixtures
import Ion
import IonHash
import Testing

/// Runs `../shared/conformance/ion-hash-test/ion_hash_tests.ion`: every case through the DOM, the
/// binary reader (hashing while reading) and the text reader, checking the whole sequence of
/// update and digest calls.
@Suite(.enabled(if: IonHashVectors.isAvailable, "../shared/conformance/ion-hash-test is absent: Ion Hash vectors are skipped"))
struct IonHashVectorTests {
    enum Path: String, CaseIterable {
        case dom, binaryReader, textReader
    }

    @Test func allVectorsOnEveryPath() throws {
        let cases = try IonHashVectors.cases()
        var passed = 0
        var failures: [String] = []
        for testCase in cases {
            var problems: [String] = []
            for path in Path.allCases {
                for (algorithm, expected) in testCase.expectations {
                    if let problem = try Self.check(testCase, path: path, algorithm: algorithm, expected: expected) {
                        problems.append("\(path.rawValue)/\(algorithm): \(problem)")
                    }
                }
            }
            if problems.isEmpty {
                passed += 1
            } else {
                failures.append("\(testCase.name): \(problems.joined(separator: "; "))")
            }
        }
        print("ion-hash-test vectors (dom, binary reader, text reader): \(passed) passed, \(failures.count) failed, 0 skipped")
        for failure in failures.prefix(20) { print("  FAILED \(failure)") }
        #expect(failures.isEmpty, "\(failures.prefix(5).joined(separator: "\n"))")
        #expect(cases.count == 167)
    }

    static func check(_ testCase: IonHashVectors.Case, path: Path, algorithm: String, expected: [IonHashVectors.Step]) throws -> String? {
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
            return "call \(i): got \(i < events.count ? events[i].description : "nothing"), expected \(i < wanted.count ? wanted[i].description : "nothing")"
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

    enum Step {
        case update([UInt8])
        case digest([UInt8])
        case finalDigest([UInt8])
    }

    struct Case {
        var name: String
        var value: IonValue
        var binary: [UInt8]?
        var expectations: [(String, [Step])]
    }

    static func bytes(_ value: IonValue) throws -> [UInt8] {
        guard let elements = value.elements else { throw IonError(.typeMismatch, "expected a sexp of bytes") }
        return try elements.map {
            guard let i = $0.intValue, let b = UInt8(exactly: i) else { throw IonError(.typeMismatch, "expected a byte") }
            return b
        }
    }

    static func cases() throws -> [Case] {
        let values = try IonValue.decode(text: Array(try Data(contentsOf: file)))
        return try values.map { entry in
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
            return Case(name: name, value: value, binary: binary, expectations: expectations)
        }
    }
}
