import Foundation
import Ion
import LicenceDataset

// A plain executable for profilers (perf, valgrind): runs one workload in a loop.
let args = CommandLine.arguments
let workload = args.count > 1 ? args[1] : "decode"
let rounds = args.count > 2 ? Int(args[2])! : 5
let documents = LicenceDataset.documents(count: 100_000)
let binary = workload.hasPrefix("text") ? [] : try IonValue.encode(binary: documents)
let text = workload.hasPrefix("text") ? Array(try IonValue.encode(text: documents, style: .lines).utf8) : []
let start = Date()
for _ in 0..<rounds {
    switch workload {
    case "decode": _ = try IonValue.decode(binary: binary)
    case "encode": _ = try IonValue.encode(binary: documents)
    case "text-decode": _ = try IonValue.decode(text: text)
    case "text-encode": _ = try IonValue.encode(text: documents, style: .lines)
    default: fatalError("unknown workload \(workload)")
    }
}
let seconds = Date().timeIntervalSince(start) / Double(rounds)
let bytes = workload.hasPrefix("text") ? text.count : binary.count
print("\(workload): \(String(format: "%.1f", seconds * 1000)) ms per round, \(String(format: "%.1f", Double(bytes) / seconds / 1e6)) MB/s, \(String(format: "%.0f", 100_000 / seconds)) docs/s")
