import Foundation
import Ion
import QLDBDriver
import Testing

@testable import QLDBLedger

@Suite struct LedgerIdentifiersTests {
    @Test func base62KeepsEveryDigitInOrder() {
        #expect(LedgerIdentifiers.base62(high: 0, low: 0) == "0000000000000000000000")
        #expect(LedgerIdentifiers.base62(high: 0, low: 61) == "000000000000000000000z")
        #expect(LedgerIdentifiers.base62(high: 0, low: 62) == "0000000000000000000010")
        #expect(LedgerIdentifiers.base62(high: .max, low: .max) == "7n42DGM5Tflk9n8mt7Fhc7")
        // 2025-12-01T00:00:00Z in milliseconds, in the leading 48 bits.
        #expect(LedgerIdentifiers.base62(high: 1_764_547_200_000 << 16, low: 0) == "031kn5hLzoijInML7N8lRg")
    }

    @Test func randomIdentifiersHaveQLDBsForm() {
        let ids = (0..<1000).map { _ in LedgerIdentifiers.random() }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.utf8.count == 22 && $0.allSatisfy(LedgerIdentifiers.alphabet.contains) })
    }

    /// Document ids made in a later millisecond sort after earlier ones as strings, however the
    /// random bits fall; within one millisecond they differ.
    @Test(arguments: [0, 1, 999, 1_764_547_200_000, 1_764_547_200_001, 4_102_444_800_000] as [UInt64])
    func timeOrderedIdentifiersSortByTheirMillisecond(milliseconds: UInt64) {
        for _ in 0..<200 {
            let id = LedgerIdentifiers.timeOrdered(millisecondsSince1970: milliseconds)
            #expect(id.utf8.count == 22 && id.allSatisfy(LedgerIdentifiers.alphabet.contains))
            #expect(id < LedgerIdentifiers.timeOrdered(millisecondsSince1970: milliseconds + 1), "\(milliseconds) ms")
            #expect(id >= LedgerIdentifiers.base62(high: milliseconds << 16, low: 0))
            #expect(id < LedgerIdentifiers.base62(high: (milliseconds + 1) << 16, low: 0))
        }
        let sameMillisecond = (0..<200).map { _ in LedgerIdentifiers.timeOrdered(millisecondsSince1970: milliseconds) }
        #expect(Set(sameMillisecond).count == 200)
    }

    /// A document inserted in a later millisecond gets a larger id.
    @Test func insertedDocumentsGetTimeOrderedIds() async throws {
        let (driver, _, _) = try await embedded()
        try await driver.execute { txn in try await txn.execute("CREATE TABLE T") }
        var ids: [String] = []
        for i in 0..<3 {
            let result = try await driver.execute { txn in
                try await txn.execute("INSERT INTO T ?", ["n": .int(i)] as IonValue).collect()
            }
            ids += result.compactMap { $0["documentId"]?.stringValue }
            try await Task.sleep(for: .milliseconds(2))
        }
        #expect(ids.count == 3)
        #expect(ids == ids.sorted())
    }
}
