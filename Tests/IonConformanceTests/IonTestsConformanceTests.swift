import Ion
import Testing

/// Runs every file of the Ion 1.0 conformance suite (`iontestdata`), text and binary.
@Suite(.enabled(if: ConformanceSuite.isAvailable, ConformanceSuite.unavailableMessage))
struct IonTestsConformanceTests {
    /// Files this runner does not run, each with its reason.
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

    static func allFiles(_ folder: String) -> [String] {
        ConformanceSuite.files(under: folder, suffix: ".ion") + ConformanceSuite.files(under: folder, suffix: ".10n")
    }

    @Test func goodFilesReadAndRoundTrip() throws {
        var tallies: [String: Tally] = [:]
        for file in Self.allFiles("good").sorted() {
            let folder = String(file[..<file.lastIndex(of: "/")!])
            if let reason = Self.skipList[file] {
                tallies[folder, default: Tally()].skipped.append((file, reason))
                continue
            }
            tallies[folder, default: Tally()].record(file) {
                let values = try IonDocument.decode(try ConformanceSuite.bytes(file))
                if let problem = try Self.roundTripProblem(values) { return problem }
                if let problem = try Self.streamingWriterProblem(values) { return problem }
                if file.contains("/equivTimeline/") { return Self.timelineProblem(values) }
                if file.contains("/equivs/") { return Self.groupProblem(values, equivalent: true) }
                if file.contains("/non-equivs/") { return Self.groupProblem(values, equivalent: false) }
                return nil
            }
        }
        var total = Tally()
        for (folder, tally) in tallies.sorted(by: { $0.key < $1.key }) {
            tally.report("ion-tests \(folder)")
            total.passed += tally.passed
            total.failed += tally.failed
            total.skipped += tally.skipped
        }
        print("ion-tests good (all): \(total.passed) passed, \(total.failed.count) failed, \(total.skipped.count) skipped")
        #expect(total.failed.isEmpty, "\(total.failed.joined(separator: "\n"))")
        #expect(total.passed + total.skipped.count == 289, "the suite has 289 good files")
    }

    @Test func badFilesThrow() throws {
        var tallies: [String: Tally] = [:]
        for file in Self.allFiles("bad").sorted() {
            let folder = String(file[..<file.lastIndex(of: "/")!])
            tallies[folder, default: Tally()].record(file) {
                do {
                    let values = try IonDocument.decode(try ConformanceSuite.bytes(file))
                    return "read \(values.count) value(s) without an error"
                } catch let error as IonError {
                    return error.offset == nil ? "error without a position: \(error)" : nil
                }
            }
        }
        var total = Tally()
        for (folder, tally) in tallies.sorted(by: { $0.key < $1.key }) {
            tally.report("ion-tests \(folder)")
            total.passed += tally.passed
            total.failed += tally.failed
        }
        print("ion-tests bad (all): \(total.passed) passed, \(total.failed.count) failed, 0 skipped")
        #expect(total.failed.isEmpty, "\(total.failed.joined(separator: "\n"))")
        #expect(total.passed == 496, "the suite has 496 bad files")
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
        return try IonValue.encode(binary: values) == streamed ? nil : "whole-value encoding differs from the streaming writer's"
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
