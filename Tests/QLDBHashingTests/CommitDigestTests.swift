import Ion
import QLDBHashing
import Testing

/// `CommitDigest` keeps its running hash inline; these hold it to the definition written with
/// `QLDBHash.dot`, which the pyqldb vectors (CommitDigestVectorTests) pin in turn.
struct CommitDigestTests {
    /// The digest as its definition states it, with `QLDBHash` values throughout.
    func reference(_ transactionID: String, _ statements: [(String, [QLDBHash])]) -> QLDBHash {
        var digest = CommitDigest.ionHash(.string(transactionID))
        for (statement, parameters) in statements {
            digest = QLDBHash.dot(digest, CommitDigest.statementHash(statement, parameterHashes: parameters))
        }
        return digest
    }

    @Test func inlineHashingMatchesTheDefinitionWhateverTheByteOrder() throws {
        // Values chosen so that some dots meet operands whose last bytes differ in sign.
        let parameters: [[IonValue]] = [
            [], ["ann@example.com"], [["a": 1, "b": [true, 2.5]], 7], (0..<40).map { .int(IonInt($0)) },
        ]
        var digest = CommitDigest(transactionID: "9pZ7gYfDN2b7bD8lkpY6Fw")
        var fromHashes = CommitDigest(transactionID: "9pZ7gYfDN2b7bD8lkpY6Fw")
        var statements: [(String, [QLDBHash])] = []
        for (index, values) in parameters.enumerated() {
            let statement = "UPDATE t SET v = ? WHERE k = \(index)"
            digest.add(statement: statement, parameters: values)
            fromHashes.add(statement: statement, parameterHashes: values.map(CommitDigest.ionHash))
            statements.append((statement, values.map(CommitDigest.ionHash)))
            #expect(digest.digest == reference("9pZ7gYfDN2b7bD8lkpY6Fw", statements), "after statement \(index)")
        }
        #expect(fromHashes == digest)
        #expect(digest.digest.bytes.count == 32)
    }

    @Test func parameterHashesOfOtherLengthsFollowDotsRule() {
        let odd = QLDBHash([])
        var digest = CommitDigest(transactionID: "t")
        digest.add(statement: "SELECT ?", parameterHashes: [odd, CommitDigest.ionHash(1)])
        #expect(digest.digest == reference("t", [("SELECT ?", [odd, CommitDigest.ionHash(1)])]))
    }
}
