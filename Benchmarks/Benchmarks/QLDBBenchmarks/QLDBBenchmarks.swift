// swift-format-ignore-file: NeverUseForceTry

// Benchmark set-up on generated data: a failure there is a broken benchmark, and a trap says so.
import Benchmark
import Crypto
import Foundation
import Ion
import IonHash
import LicenceDataset
import QLDBHashing
import SigV4

/// Ion Hash, commit digest and SigV4 benchmarks.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        timeUnits: .microseconds,
        maxDuration: .seconds(5)
    )

    let documents = LicenceDataset.documents(count: 100_000)
    let binary = try! IonValue.encode(binary: documents)

    // One iteration hashes all 100,000 documents; throughput × 100,000 = documents/s.
    Benchmark("IonHashLicencesDOM", configuration: .init(timeUnits: .milliseconds, maxIterations: 10)) { benchmark in
        for _ in benchmark.scaledIterations {
            for document in documents { blackHole(IonHasher.sha256.digest(of: document)) }
        }
    }

    Benchmark("IonHashLicencesReader", configuration: .init(timeUnits: .milliseconds, maxIterations: 10)) { benchmark in
        for _ in benchmark.scaledIterations {
            var reader = try IonBinaryReader(binary)
            while try reader.next() != nil { blackHole(try IonHasher.sha256.digest(of: &reader)) }
        }
    }

    // One SHA-256 finalisation over 32 bytes: the unit cost Ion Hash is bound by.
    let block = [UInt8](repeating: 7, count: 32)
    Benchmark("SHA256Of32Bytes", configuration: .init(timeUnits: .nanoseconds, scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(SHA256.hash(data: block)) }
    }

    let parameter: IonValue = documents[0]
    Benchmark("CommitDigestThreeStatements") { benchmark in
        for _ in benchmark.scaledIterations {
            var digest = CommitDigest(transactionID: "9pZ7gYfDN2b7bD8lkpY6Fw")
            digest.add(statement: "SELECT * FROM Licence WHERE email = ?", parameters: ["alice@example.com"])
            digest.add(statement: "INSERT INTO Licence ?", parameters: [parameter])
            digest.add(statement: "SELECT * FROM Licence WHERE licenceId = ?", parameters: ["5e2c4a0e"])
            blackHole(digest.digest)
        }
    }

    let credentials = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    let body = Array(
        #"{"ExecuteStatement":{"SessionToken":"AQoDYXdzEJr...","TransactionId":"9pZ7gYfDN2b7bD8lkpY6Fw","Statement":"SELECT * FROM Licence WHERE licenceId = ?","Parameters":[]}}"#
            .utf8)
    let request = SigV4Request(
        method: "POST", path: "/",
        headers: [
            ("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "QLDBSession.SendCommand"),
            ("Host", "session.qldb.eu-west-2.amazonaws.com"),
        ], payload: .bytes(body))
    let date = Date(timeIntervalSince1970: 1_700_000_000)
    let warm = SigV4Signer(service: "qldb", region: "eu-west-2")
    Benchmark("SigV4SignSendCommandWarmKeyCache", configuration: .init(timeUnits: .nanoseconds, scalingFactor: .kilo)) {
        benchmark in
        for _ in benchmark.scaledIterations { blackHole(warm.sign(request, credentials: credentials, date: date)) }
    }
    // As HTTPTransport signs every command: method, path and headers prepared once.
    let prepared = warm.prepare(method: request.method, path: request.path, headers: request.headers)
    Benchmark("SigV4SignSendCommandPrepared", configuration: .init(timeUnits: .nanoseconds, scalingFactor: .kilo)) {
        benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(warm.sign(prepared, payload: request.payload, credentials: credentials, date: date))
        }
    }
    Benchmark("SigV4SignSendCommandColdKeyCache", configuration: .init(timeUnits: .nanoseconds, scalingFactor: .kilo)) {
        benchmark in
        for _ in benchmark.scaledIterations {
            let cold = SigV4Signer(service: "qldb", region: "eu-west-2", keyCache: SigningKeyCache())
            blackHole(cold.sign(request, credentials: credentials, date: date))
        }
    }
}
