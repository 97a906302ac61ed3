import Foundation

/// One `SendCommand` exchange as a recording stores it: one JSON object per line with the request
/// body, the response status and the response body. This is the layout of the pyqldb transcripts
/// in `qldb/recorded-sessions`, without their HTTP headers, so no credentials or signatures are kept.
public struct RecordedExchange: Sendable, Hashable {
    /// Position in the recording, from 1.
    public var sequence: Int
    /// The request body, JSON.
    public var request: [UInt8]
    /// The HTTP status of the response.
    public var status: Int
    /// The response body, JSON.
    public var response: [UInt8]

    /// Creates an exchange.
    public init(sequence: Int, request: [UInt8], status: Int, response: [UInt8]) {
        self.sequence = sequence
        self.request = request
        self.status = status
        self.response = response
    }

    /// Parses a recording: one exchange per non-empty line, with the keys `body`,
    /// `response_status` and `response` (`seq` optional; other keys ignored).
    public static func parse(jsonLines text: String) throws -> [RecordedExchange] {
        var exchanges: [RecordedExchange] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let body = object["body"] as? [String: Any], let status = object["response_status"] as? Int,
                let response = object["response"] as? [String: Any]
            else {
                throw ReplayError("recording line \(index + 1): not an object with body, response_status and response")
            }
            exchanges.append(
                RecordedExchange(
                    sequence: object["seq"] as? Int ?? index + 1,
                    request: Array(try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])),
                    status: status,
                    response: Array(try JSONSerialization.data(withJSONObject: response, options: [.sortedKeys]))))
        }
        return exchanges
    }

    /// This exchange as one JSON line (keys sorted, so recordings diff cleanly).
    public func jsonLine() throws -> String {
        let object: [String: Any] = [
            "seq": sequence,
            "body": try JSONSerialization.jsonObject(with: Data(request)),
            "response_status": status,
            "response": try JSONSerialization.jsonObject(with: Data(response)),
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}

/// A replay that went off the recording.
public struct ReplayError: Error, Sendable, CustomStringConvertible {
    /// What differed, and where.
    public var message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
