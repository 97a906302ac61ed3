import Foundation
import Ion
import QLDBSession
import Synchronization

/// Plays a recording back: each request must match the next recorded one, and is answered with
/// the recorded response.
///
/// Matching is exact JSON equality with two allowances. Session tokens, transaction ids and page
/// tokens are random, so they are matched by position: the first time a recorded value is seen it
/// is paired with the value actually sent, and that pairing must hold for the rest of the replay.
/// Ion parameters are compared as Ion values (equivalence), because two correct writers may
/// encode the same value with different bytes.
public final class ReplayTransport: QLDBTransport {
    private struct State {
        var next = 0
        var pairs: [String: String] = [:]
        var reversePairs: [String: String] = [:]
        var mismatches: [String] = []
    }

    /// The recording being played.
    public let exchanges: [RecordedExchange]
    private let state = Mutex(State())
    static let positionalKeys: Set<String> = ["SessionToken", "TransactionId", "NextPageToken"]

    /// Plays `exchanges` in order.
    public init(exchanges: [RecordedExchange]) { self.exchanges = exchanges }

    /// Plays the JSON-lines recording at `url`.
    public convenience init(contentsOf url: URL) throws {
        self.init(
            exchanges: try RecordedExchange.parse(jsonLines: String(decoding: try Data(contentsOf: url), as: UTF8.self))
        )
    }

    /// Every difference found so far, with the exchange number.
    public var mismatches: [String] { state.withLock { $0.mismatches } }

    /// Recorded exchanges not yet requested.
    public var remaining: Int { state.withLock { exchanges.count - $0.next } }

    /// Checks the request against the next recorded one and answers with its response.
    ///
    /// - Throws: ``ReplayError`` when the request differs or the recording has ended.
    public nonisolated(nonsending) func send(_ body: [UInt8]) async throws -> TransportResponse {
        try state.withLock { state in
            guard state.next < exchanges.count else {
                let message =
                    "request \(state.next + 1) beyond the recording's \(exchanges.count): \(String(decoding: body, as: UTF8.self))"
                state.mismatches.append(message)
                throw ReplayError(message)
            }
            let exchange = exchanges[state.next]
            state.next += 1
            let actual = try JSONSerialization.jsonObject(with: Data(body))
            let expected = try JSONSerialization.jsonObject(with: Data(exchange.request))
            var differences: [String] = []
            Self.compare(expected, actual, path: "", state: &state, differences: &differences)
            if !differences.isEmpty {
                let message = "exchange \(exchange.sequence): " + differences.joined(separator: "; ")
                state.mismatches.append(message)
                throw ReplayError(message)
            }
            let response = try JSONSerialization.jsonObject(with: Data(exchange.response))
            let mapped = Self.substitute(response, pairs: state.pairs)
            let data = try JSONSerialization.data(withJSONObject: mapped, options: [.sortedKeys])
            return TransportResponse(status: exchange.status, body: Array(data))
        }
    }

    private static func compare(
        _ expected: Any, _ actual: Any, path: String, state: inout State, differences: inout [String]
    ) {
        switch (expected, actual) {
        case (let e as [String: Any], let a as [String: Any]):
            for key in Set(e.keys).union(a.keys).sorted() {
                let child = path.isEmpty ? key : "\(path).\(key)"
                guard let ev = e[key] else {
                    differences.append("\(child) sent but not recorded")
                    continue
                }
                guard let av = a[key] else {
                    differences.append("\(child) recorded but not sent")
                    continue
                }
                if positionalKeys.contains(key), let es = ev as? String, let actualText = av as? String {
                    if let paired = state.pairs[es] {
                        if paired != actualText {
                            differences.append(
                                "\(child): expected the value paired with \(es) (\(paired)), got \(actualText)")
                        }
                    } else if let owner = state.reversePairs[actualText], owner != es {
                        differences.append(
                            "\(child): \(actualText) is already paired with recorded \(owner), not \(es)")
                    } else {
                        state.pairs[es] = actualText
                        state.reversePairs[actualText] = es
                    }
                } else if key == "IonBinary", let es = ev as? String, let actualText = av as? String {
                    compareIon(es, actualText, path: child, differences: &differences)
                } else {
                    compare(ev, av, path: child, state: &state, differences: &differences)
                }
            }
        case (let e as [Any], let a as [Any]):
            if e.count != a.count {
                differences.append("\(path): \(e.count) elements recorded, \(a.count) sent")
                return
            }
            for (index, (ev, av)) in zip(e, a).enumerated() {
                compare(ev, av, path: "\(path)[\(index)]", state: &state, differences: &differences)
            }
        default:
            if !Self.scalarsEqual(expected, actual) {
                differences.append("\(path): recorded \(expected), sent \(actual)")
            }
        }
    }

    private static func scalarsEqual(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case (let x as String, let y as String): return x == y
        case (let x as NSNumber, let y as NSNumber): return x == y
        case (is NSNull, is NSNull): return true
        default: return false
        }
    }

    private static func compareIon(_ expected: String, _ actual: String, path: String, differences: inout [String]) {
        guard let e = Data(base64Encoded: expected), let a = Data(base64Encoded: actual) else {
            differences.append("\(path): not base64")
            return
        }
        do {
            let ev = try IonValue.decode(binary: [UInt8](e))
            let av = try IonValue.decode(binary: [UInt8](a))
            if ev != av {
                differences.append(
                    "\(path): recorded Ion \((try? IonValue.encode(text: ev)) ?? "?"), sent \((try? IonValue.encode(text: av)) ?? "?")"
                )
            }
        } catch {
            differences.append("\(path): Ion that does not decode: \(error)")
        }
    }

    private static func substitute(_ value: Any, pairs: [String: String]) -> Any {
        switch value {
        case let object as [String: Any]:
            var out: [String: Any] = [:]
            for (key, child) in object {
                if positionalKeys.contains(key), let text = child as? String {
                    out[key] = pairs[text] ?? text
                } else {
                    out[key] = substitute(child, pairs: pairs)
                }
            }
            return out
        case let array as [Any]: return array.map { substitute($0, pairs: pairs) }
        default: return value
        }
    }
}
