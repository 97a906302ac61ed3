import Foundation
import Ion
import IonHash
import LicenceDataset
import SigV4

// A plain executable for profilers (perf, valgrind): runs one workload in a loop.
let args = CommandLine.arguments
let workload = args.count > 1 ? args[1] : "decode"
let rounds = args.count > 2 ? Int(args[2])! : 5
let documents = workload.hasPrefix("sign") ? [] : LicenceDataset.documents(count: 100_000)
let binary = workload.hasPrefix("text") || workload.hasPrefix("sign") ? [] : try IonValue.encode(binary: documents)
let text = workload.hasPrefix("text") ? Array(try IonValue.encode(text: documents, style: .lines).utf8) : []
let start = Date()
for _ in 0..<rounds {
    switch workload {
    case "decode": _ = try IonValue.decode(binary: binary)
    case "encode": _ = try IonValue.encode(binary: documents)
    // One document per value, as each statement parameter is encoded.
    case "encode-each": for d in documents { _ = try d.binaryEncoded() }
    case "text-decode": _ = try IonValue.decode(text: text)
    case "text-encode": _ = try IonValue.encode(text: documents, style: .lines)
    case "hash": for d in documents { _ = IonHasher.sha256.digest(of: d) }
    case "sign", "sign-prepared":
        let signer = SigV4Signer(service: "qldb", region: "eu-west-2")
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret")
        let request = SigV4Request(
            method: "POST", path: "/",
            headers: [
                ("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "QLDBSession.SendCommand"),
                ("Host", "session.qldb.eu-west-2.amazonaws.com"),
            ],
            payload: .bytes(Array(String(repeating: "x", count: 175).utf8)))
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        if workload == "sign" {
            for _ in 0..<100_000 { _ = signer.sign(request, credentials: credentials, date: date) }
        } else {
            // As HTTPTransport signs: the method, path and headers prepared once.
            let prepared = signer.prepare(method: request.method, path: request.path, headers: request.headers)
            for _ in 0..<100_000 {
                _ = signer.sign(prepared, payload: request.payload, credentials: credentials, date: date)
            }
        }
    default: fatalError("unknown workload \(workload)")
    }
}
let seconds = Date().timeIntervalSince(start) / Double(rounds)
let bytes = workload.hasPrefix("text") ? text.count : binary.count
print(
    "\(workload): \(String(format: "%.1f", seconds * 1000)) ms per round, \(String(format: "%.1f", Double(bytes) / seconds / 1e6)) MB/s, \(String(format: "%.0f", 100_000 / seconds)) docs/s"
)
