import Ion
import Testing

/// Runs every binary (`.10n`) file of the Ion 1.0 conformance suite.
///
/// Text files (`.ion`) need the text reader and are run by the text conformance tests.
@Suite(.enabled(if: ConformanceSuite.isAvailable, ConformanceSuite.unavailableMessage))
struct BinaryConformanceTests {
    /// Files this runner does not run, each with its reason. Binary files have none.
    static let skipList: [String: String] = [:]

    @Test func goodFilesReadAndRoundTrip() throws {
        var tally = Tally()
        for file in ConformanceSuite.files(under: "good", suffix: ".10n") {
            if let reason = Self.skipList[file] {
                tally.skipped.append((file, reason))
                continue
            }
            tally.record(file) {
                let bytes = try ConformanceSuite.bytes(file)
                let values = try IonValue.decode(binary: bytes)
                if let problem = try Self.roundTripProblem(values) { return problem }
                if file.contains("/equivs/") { return Self.groupProblem(values, equivalent: true) }
                if file.contains("/non-equivs/") { return Self.groupProblem(values, equivalent: false) }
                return nil
            }
        }
        tally.report("ion-tests good/**/*.10n")
        #expect(tally.failed.isEmpty, "\(tally.failed.joined(separator: "\n"))")
        #expect(tally.passed == 87, "expected the suite's good binary files, found \(tally.passed)")
    }

    @Test func badFilesThrow() throws {
        var tally = Tally()
        for file in ConformanceSuite.files(under: "bad", suffix: ".10n") {
            tally.record(file) {
                let bytes = try ConformanceSuite.bytes(file)
                do {
                    let values = try IonValue.decode(binary: bytes)
                    return "read \(values.count) value(s) without an error"
                } catch let error as IonError {
                    return error.offset == nil ? "error without an offset: \(error)" : nil
                }
            }
        }
        tally.report("ion-tests bad/**/*.10n")
        #expect(tally.failed.isEmpty, "\(tally.failed.joined(separator: "\n"))")
        #expect(tally.passed == 96, "expected the suite's bad binary files, found \(tally.passed)")
    }

    /// Writes the values with the binary writer, reads them back and compares.
    static func roundTripProblem(_ values: [IonValue]) throws -> String? {
        let encoded = try IonValue.encode(binary: values)
        let reread = try IonValue.decode(binary: encoded)
        guard reread == values else { return "binary round trip changed the values" }
        // A second round trip must reproduce the same bytes: the writer is deterministic.
        guard try IonValue.encode(binary: reread) == encoded else { return "re-encoding is not stable" }
        return nil
    }

    /// Checks a file of equivalence groups: every ordered pair (self included) equivalent, or every
    /// pair of distinct members not equivalent.
    static func groupProblem(_ groups: [IonValue], equivalent: Bool) -> String? {
        for (g, group) in groups.enumerated() {
            guard var members = group.elements ?? group.structValue?.fields.map(\.value) else {
                return "group \(g) is not a container"
            }
            if group.annotations.first?.text == "embedded_documents" {
                do {
                    members = try members.map { member in
                        guard let bytes = member.bytesValue else { throw IonError(.unsupported, "text embedded document") }
                        return .list(try IonValue.decode(binary: bytes))
                    }
                } catch {
                    return "group \(g): \(error)"
                }
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
}
