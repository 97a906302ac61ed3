import Ion
import Testing

/// Runs every file of the Ion 1.0 conformance suite (`iontestdata`), text and binary.
@Suite(.enabled(if: ConformanceSuite.isAvailable, ConformanceSuite.unavailableMessage))
struct IonTestsConformanceTests {
    /// Good files this runner does not run, each with its reason. They are left out of the
    /// test's arguments; `suiteIsComplete` checks that each is still in the suite.
    static let skipList: [String: String] = [
        "good/utf16.ion": "the document is UTF-16BE; Ion text readers here take UTF-8",
        "good/utf32.ion": "the document is UTF-32BE; Ion text readers here take UTF-8",
    ]

    enum Format: CaseIterable {
        case binary, compactText, linesText, prettyText

        func encode(_ values: [IonValue]) throws -> [UInt8] {
            switch self {
            case .binary: try IonValue.encode(binary: values)
            case .compactText: Array(try IonValue.encode(text: values, style: .compact).utf8)
            case .linesText: Array(try IonValue.encode(text: values, style: .lines).utf8)
            case .prettyText: Array(try IonValue.encode(text: values, style: .pretty).utf8)
            }
        }
    }

    /// The suite's `.ion` and `.10n` files under `folder` (`good` or `bad`), sorted.
    static func allFiles(_ folder: String) -> [String] {
        ConformanceSuite.files(under: folder, suffixes: [".ion", ".10n"])
    }

    /// The good files this runner reads: every good file but those in the skip list.
    static let goodFiles: [ConformanceFile] = allFiles("good")
        .filter { IonTestsConformanceTests.skipList[$0] == nil }
        .map { ConformanceFile(path: $0) }

    static let badFiles: [ConformanceFile] = allFiles("bad").map { ConformanceFile(path: $0) }

    @Test(
        "A good file reads, round-trips through every format and keeps its equivalences",
        arguments: IonTestsConformanceTests.goodFiles)
    func goodFileReadsAndRoundTrips(_ file: ConformanceFile) throws {
        let values = try IonDocument.decode(try ConformanceSuite.bytes(file.path))
        let roundTrip = try Self.roundTripProblem(values)
        #expect(roundTrip == nil, "\(file.path): \(roundTrip ?? "")")
        let streaming = try Self.streamingWriterProblem(values)
        #expect(streaming == nil, "\(file.path): \(streaming ?? "")")
        let equivalence: String?
        if file.path.contains("/equivTimeline/") {
            equivalence = Self.timelineProblem(values)
        } else if file.path.contains("/equivs/") {
            equivalence = Self.groupProblem(values, equivalent: true)
        } else if file.path.contains("/non-equivs/") {
            equivalence = Self.groupProblem(values, equivalent: false)
        } else {
            equivalence = nil
        }
        #expect(equivalence == nil, "\(file.path): \(equivalence ?? "")")
    }

    @Test(
        "A bad file is rejected with an IonError that gives a position",
        arguments: IonTestsConformanceTests.badFiles)
    func badFileThrows(_ file: ConformanceFile) throws {
        let bytes = try ConformanceSuite.bytes(file.path)
        do {
            let values = try IonDocument.decode(bytes)
            Issue.record("\(file.path): read \(values.count) value(s) without an error")
        } catch let error as IonError {
            #expect(error.offset != nil, "\(file.path): error without a position: \(error)")
        }
    }

    static let goodBinaryFiles = goodFiles.filter { $0.path.hasSuffix(".10n") }
    static let badBinaryFiles = badFiles.filter { $0.path.hasSuffix(".10n") }

    @Test(
        "A good binary file read lazily materialises to what the reader decodes",
        arguments: IonTestsConformanceTests.goodBinaryFiles)
    func goodBinaryFileReadsLazily(_ file: ConformanceFile) throws {
        let bytes = try ConformanceSuite.bytes(file.path)
        let lazy = try IonLazyValue.decode(binary: bytes).map { try $0.materialize() }
        #expect(lazy == (try IonValue.decode(binary: bytes)), "\(file.path)")
    }

    @Test(
        "A bad binary file fails when read lazily and materialised",
        arguments: IonTestsConformanceTests.badBinaryFiles)
    func badBinaryFileFailsLazily(_ file: ConformanceFile) throws {
        let bytes = try ConformanceSuite.bytes(file.path)
        #expect(throws: IonError.self, "\(file.path)") {
            for value in try IonLazyValue.decode(binary: bytes) { _ = try value.materialize() }
        }
    }

    /// The suite is whole: 289 good files (the skipped ones among them) and 496 bad ones.
    @Test("The suite holds 289 good files and 496 bad files; every skipped file is one of them")
    func suiteIsComplete() {
        let good = Self.allFiles("good")
        for (file, reason) in Self.skipList.sorted(by: { $0.key < $1.key }) {
            #expect(good.contains(file), "skip-list entry \(file) (\(reason)) is not a good file of the suite")
        }
        #expect(good.count == 289, "the suite has 289 good files")
        #expect(Self.goodFiles.count + Self.skipList.count == 289, "289 good files, less the skipped ones, are run")
        #expect(Self.badFiles.count == 496, "the suite has 496 bad files")
    }

    /// Writes the values in every format, reads them back, then writes that in every format
    /// again (text→binary, binary→text, text→text, binary→binary and so on); every result must
    /// be equivalent to the original.
    static func roundTripProblem(_ values: [IonValue]) throws -> String? {
        for first in Format.allCases {
            let once = try IonDocument.decode(try first.encode(values))
            guard once == values else { return "round trip through \(first) changed the values" }
            for second in Format.allCases {
                let twice = try IonDocument.decode(try second.encode(once))
                guard twice == values else { return "round trip through \(first) then \(second) changed the values" }
            }
        }
        return nil
    }

    /// `IonValue.encode(binary:)` measures whole trees first; its bytes must be the streaming
    /// writer's. Documents with symbols from shared tables need imports, which only the writer
    /// declares (both paths then use it), so the writer without imports refuses them.
    static func streamingWriterProblem(_ values: [IonValue]) throws -> String? {
        var writer = IonBinaryWriter()
        do {
            for value in values { try writer.write(value) }
        } catch let error as IonError where error.code == .unknownSymbol {
            return nil
        }
        let streamed = try writer.finish()
        let encoded = try IonValue.encode(binary: values)
        if try IonValue.encodedBinaryCount(values) != encoded.count {
            return "the count without encoding differs from the encoding's length"
        }
        return encoded == streamed ? nil : "whole-value encoding differs from the streaming writer's"
    }

    /// The members of a group; `embedded_documents` groups hold documents, compared as sequences.
    static func members(_ group: IonValue) throws -> [IonValue]? {
        guard let members = group.elements ?? group.structValue?.fields.map(\.value) else { return nil }
        guard group.annotations.first?.text == "embedded_documents" else { return members }
        return try members.map { member in
            switch member.content {
            case .string(let text): .list(try IonValue.decode(text: text))
            case .blob(let bytes): .list(try IonValue.decode(binary: bytes))
            default: throw IonError(.typeMismatch, "embedded document is neither a string nor a blob")
            }
        }
    }

    static func groupProblem(_ groups: [IonValue], equivalent: Bool) -> String? {
        for (g, group) in groups.enumerated() {
            let members: [IonValue]
            do {
                guard let m = try Self.members(group) else { return "group \(g) is not a container" }
                members = m
            } catch {
                return "group \(g): \(error)"
            }
            for (i, a) in members.enumerated() {
                for (j, b) in members.enumerated() {
                    if i == j {
                        if a != b { return "group \(g) member \(i) is not equivalent to itself" }
                    } else if (a == b) != equivalent {
                        return "group \(g): members \(i) and \(j) are \(equivalent ? "not " : "")equivalent"
                    }
                }
            }
        }
        return nil
    }

    /// Timeline groups hold timestamps that name the same instant in different ways.
    static func timelineProblem(_ groups: [IonValue]) -> String? {
        for (g, group) in groups.enumerated() {
            guard let members = group.elements else { return "group \(g) is not a sequence" }
            let stamps = members.compactMap(\.timestampValue)
            guard stamps.count == members.count else { return "group \(g) holds a non-timestamp" }
            for a in stamps {
                for b in stamps where !a.isSameInstant(as: b) {
                    return "group \(g): \(a) and \(b) are not the same instant"
                }
            }
        }
        return nil
    }
}
