import Foundation
import QLDBPrimitives

extension SendCommandWireCodec {
    struct ShapeError: Error, CustomStringConvertible {
        var description: String
    }

    static func requireString(_ json: JSON?, _ name: String) throws -> String {
        guard let text = json?[name]?.string else { throw ShapeError(description: "\(name) must be a string") }
        return text
    }

    static func blob(_ json: JSON?, _ name: String) throws -> Data {
        guard let text = json?[name]?.string, let bytes = Base64.decode(text) else {
            throw ShapeError(description: "\(name) must be base64")
        }
        return Data(bytes)
    }

    static func holders(_ json: JSON?) throws -> [ValueHolder] {
        guard case .array(let items)? = json else { throw ShapeError(description: "Values must be a list") }
        return try items.map { item in
            if let text = item["IonBinary"]?.string {
                guard let bytes = Base64.decode(text) else {
                    throw ShapeError(description: "IonBinary must be base64")
                }
                return ValueHolder(ionBinary: bytes)
            }
            if let text = item["IonText"]?.string { return ValueHolder(ionText: text) }
            throw ShapeError(description: "a value holder needs IonBinary or IonText")
        }
    }

    static func decodeRequest(_ body: [UInt8]) throws -> SendCommandRequest {
        let json = try parseJSON(body)
        guard json.isObject else { throw ShapeError(description: "the body must be a JSON object") }
        var request = SendCommandRequest(sessionToken: json["SessionToken"]?.string)
        if let start = json["StartSession"] {
            request.startSession = StartSessionRequest(ledgerName: try requireString(start, "LedgerName"))
        }
        if json["StartTransaction"]?.isObject == true { request.startTransaction = StartTransactionRequest() }
        if let execute = json["ExecuteStatement"] {
            var statement = ExecuteStatementRequest(
                transactionID: try requireString(execute, "TransactionId"),
                statement: try requireString(execute, "Statement"),
                parameters: [])
            if let parameters = execute["Parameters"] {
                statement.parameters = try holders(parameters)
            } else {
                statement.parameters = nil
            }
            request.executeStatement = statement
        }
        if let fetch = json["FetchPage"] {
            request.fetchPage = FetchPageRequest(
                transactionID: try requireString(fetch, "TransactionId"),
                nextPageToken: try requireString(fetch, "NextPageToken"))
        }
        if let commit = json["CommitTransaction"] {
            request.commitTransaction = CommitTransactionRequest(
                transactionID: try requireString(commit, "TransactionId"),
                commitDigest: try blob(commit, "CommitDigest"))
        }
        if json["AbortTransaction"]?.isObject == true { request.abortTransaction = AbortTransactionRequest() }
        if json["EndSession"]?.isObject == true { request.endSession = EndSessionRequest() }
        return request
    }
}
