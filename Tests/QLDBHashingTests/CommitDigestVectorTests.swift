import Foundation
import SharedFixtures
import Ion
import QLDBHashing
import Testing

/// `../shared/qldb/commit-digest-vectors.json`: commit digests and `dot` results computed by pyqldb.
@Suite(.enabled(if: DigestVectors.isAvailable, "../shared/qldb/commit-digest-vectors.json is absent: commit digest vectors are skipped"))
struct CommitDigestVectorTests {
    @Test func everyCommitDigestVectorMatches() throws {
        let vectors = try DigestVectors.load().commit_digest_vectors
        for vector in vectors {
            var digest = CommitDigest(transactionID: vector.transaction_id)
            #expect(digest.digest.hex == vector.transaction_id_ion_hash_hex, "\(vector.name): H(txId)")
            for statement in vector.statements {
                #expect(CommitDigest.ionHash(.string(statement.statement)).hex == statement.statement_ion_hash_hex)
                let parameters = try statement.parameters.map { try IonValue.decode(text: $0.ion_text)[0] }
                for (parameter, expected) in zip(parameters, statement.parameters) {
                    #expect(CommitDigest.ionHash(parameter).hex == expected.ion_hash_hex, "\(vector.name): \(expected.ion_text)")
                    // The binary the driver sent hashes the same as the value.
                    if let base64 = expected.ion_binary_base64, let bytes = Data(base64Encoded: base64) {
                        #expect(try IonValue.decode(binary: Array(bytes)) == [parameter])
                    }
                }
                digest.add(statement: statement.statement, parameters: parameters)
                #expect(digest.digest.hex == statement.running_digest_hex, "\(vector.name): after \(statement.statement)")
            }
            #expect(digest.digest.base64 == vector.expected_commit_digest_base64, "\(vector.name)")
            #expect(digest.digest.hex == vector.expected_commit_digest_hex, "\(vector.name)")
        }
        print("commit digest vectors: \(vectors.count) passed")
        #expect(vectors.count == 10)
    }

    @Test func binaryParametersHashAsSent() throws {
        let vectors = try DigestVectors.load().commit_digest_vectors
        for vector in vectors {
            var digest = CommitDigest(transactionID: vector.transaction_id)
            for statement in vector.statements {
                let binaries = try statement.parameters.map { p -> [UInt8] in
                    if let base64 = p.ion_binary_base64, let data = Data(base64Encoded: base64) { return Array(data) }
                    return try IonValue.encode(binary: IonValue.decode(text: p.ion_text))
                }
                try digest.add(statement: statement.statement, binaryParameters: binaries)
            }
            #expect(digest.digest.base64 == vector.expected_commit_digest_base64, "\(vector.name)")
        }
    }

    @Test func dotVectorsMatch() throws {
        let vectors = try DigestVectors.load().dot_vectors
        for vector in vectors {
            let a = try #require(QLDBHash(hex: vector.a_hex))
            let b = try #require(QLDBHash(hex: vector.b_hex))
            #expect(QLDBHash.dot(a, b).hex == vector.dot_hex)
            #expect(QLDBHash.dot(b, a).hex == vector.dot_hex, "dot is commutative")
        }
        #expect(vectors.count == 5)
    }
}

enum DigestVectors {
    static let file = SharedFixtures.url("qldb/commit-digest-vectors.json")

    static var isAvailable: Bool { FileManager.default.fileExists(atPath: file.path) }

    struct File: Decodable {
        var commit_digest_vectors: [Vector]
        var dot_vectors: [Dot]
    }

    struct Vector: Decodable {
        var name: String
        var transaction_id: String
        var transaction_id_ion_hash_hex: String
        var statements: [Statement]
        var expected_commit_digest_base64: String
        var expected_commit_digest_hex: String
    }

    struct Statement: Decodable {
        var statement: String
        var statement_ion_hash_hex: String
        var parameters: [Parameter]
        var running_digest_hex: String
    }

    struct Parameter: Decodable {
        var ion_text: String
        var ion_binary_base64: String?
        var ion_hash_hex: String
    }

    struct Dot: Decodable {
        var a_hex: String
        var b_hex: String
        var dot_hex: String
    }

    static func load() throws -> File {
        try JSONDecoder().decode(File.self, from: Data(contentsOf: file))
    }
}
