// swift-format-ignore-file: AlwaysUseLowerCamelCase

// Decodable members mirror the fixture's JSON keys (snake_case), which they are matched by.
import Foundation
import Ion
import QLDBHashing
import SharedFixtures
import Testing

/// `../shared/qldb/commit-digest-vectors.json`: commit digests and `dot` results computed by pyqldb.
@Suite(
    .enabled(
        if: DigestVectors.isAvailable,
        "needs ../shared/qldb/commit-digest-vectors.json beside the repository: commit digest vectors are skipped"))
struct CommitDigestVectorTests {
    @Test(
        "A commit digest vector matches pyqldb's hashes at every step",
        arguments: DigestVectors.commitVectors)
    func commitDigestVectorMatches(_ vector: DigestVectors.Vector) throws {
        let name = vector.testDescription
        var digest = CommitDigest(transactionID: vector.transaction_id)
        #expect(digest.digest.hex == vector.transaction_id_ion_hash_hex, "\(name): H(txId)")
        for statement in vector.statements {
            #expect(
                CommitDigest.ionHash(.string(statement.statement)).hex == statement.statement_ion_hash_hex,
                "\(name): H(\(statement.statement))")
            let parameters = try statement.parameters.map { try IonValue.decode(text: $0.ion_text)[0] }
            for (parameter, expected) in zip(parameters, statement.parameters) {
                #expect(CommitDigest.ionHash(parameter).hex == expected.ion_hash_hex, "\(name): \(expected.ion_text)")
                // The binary the driver sent hashes the same as the value.
                if let base64 = expected.ion_binary_base64, let bytes = Data(base64Encoded: base64) {
                    #expect(
                        try IonValue.decode(binary: Array(bytes)) == [parameter],
                        "\(name): \(expected.ion_text) as sent")
                }
            }
            digest.add(statement: statement.statement, parameters: parameters)
            #expect(digest.digest.hex == statement.running_digest_hex, "\(name): after \(statement.statement)")
        }
        #expect(digest.digest.base64 == vector.expected_commit_digest_base64, "\(name)")
        #expect(digest.digest.hex == vector.expected_commit_digest_hex, "\(name)")
    }

    @Test(
        "A commit digest vector's parameters hash alike from the binary the driver sent",
        arguments: DigestVectors.commitVectors)
    func binaryParametersHashAsSent(_ vector: DigestVectors.Vector) throws {
        var digest = CommitDigest(transactionID: vector.transaction_id)
        for statement in vector.statements {
            let binaries = try statement.parameters.map { p -> [UInt8] in
                if let base64 = p.ion_binary_base64, let data = Data(base64Encoded: base64) { return Array(data) }
                return try IonValue.encode(binary: IonValue.decode(text: p.ion_text))
            }
            try digest.add(statement: statement.statement, binaryParameters: binaries)
        }
        #expect(digest.digest.base64 == vector.expected_commit_digest_base64, "\(vector.testDescription)")
    }

    @Test(
        "A dot vector matches pyqldb's result, in both orders",
        arguments: DigestVectors.dotVectors)
    func dotVectorMatches(_ vector: DigestVectors.Dot) throws {
        let name = vector.testDescription
        let a = try #require(QLDBHash(hex: vector.a_hex), "\(name): a_hex")
        let b = try #require(QLDBHash(hex: vector.b_hex), "\(name): b_hex")
        #expect(QLDBHash.dot(a, b).hex == vector.dot_hex, "\(name)")
        #expect(QLDBHash.dot(b, a).hex == vector.dot_hex, "\(name): dot is commutative")
    }

    @Test("commit-digest-vectors.json holds 10 commit digest vectors and 5 dot vectors")
    func theFileHoldsEveryVector() throws {
        let file = try DigestVectors.load()
        #expect(file.commit_digest_vectors.count == 10)
        #expect(file.dot_vectors.count == 5)
    }
}

enum DigestVectors {
    static let file = SharedFixtures.url("qldb/commit-digest-vectors.json")

    static var isAvailable: Bool { FileManager.default.fileExists(atPath: file.path) }

    struct File: Decodable {
        var commit_digest_vectors: [Vector]
        var dot_vectors: [Dot]
    }

    /// The file's vectors, read at test discovery; `[]` when it is absent or unreadable
    /// (`theFileHoldsEveryVector` then fails with the reason).
    static let commitVectors: [Vector] = isAvailable ? ((try? load().commit_digest_vectors) ?? []) : []
    static let dotVectors: [Dot] = isAvailable ? ((try? load().dot_vectors) ?? []) : []

    struct Vector: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var transaction_id: String
        var transaction_id_ion_hash_hex: String
        var statements: [Statement]
        var expected_commit_digest_base64: String
        var expected_commit_digest_hex: String

        var testDescription: String { "commit-digest-vectors.json: \(name)" }
    }

    struct Statement: Decodable, Sendable {
        var statement: String
        var statement_ion_hash_hex: String
        var parameters: [Parameter]
        var running_digest_hex: String
    }

    struct Parameter: Decodable, Sendable {
        var ion_text: String
        var ion_binary_base64: String?
        var ion_hash_hex: String
    }

    struct Dot: Decodable, Sendable, CustomTestStringConvertible {
        var a_hex: String
        var b_hex: String
        var dot_hex: String
        /// The vector's position in `dot_vectors`, from 0 (set by `load()`; the vectors have no names).
        var index = 0

        enum CodingKeys: String, CodingKey {
            case a_hex, b_hex, dot_hex
        }

        var testDescription: String { "commit-digest-vectors.json: dot_vectors[\(index)]" }
    }

    static func load() throws -> File {
        var loaded = try JSONDecoder().decode(File.self, from: Data(contentsOf: file))
        for i in loaded.dot_vectors.indices { loaded.dot_vectors[i].index = i }
        return loaded
    }
}
