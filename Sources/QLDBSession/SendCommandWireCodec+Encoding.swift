import Foundation
import QLDBPrimitives

extension SendCommandWireCodec {
    static func encode(_ request: SendCommandRequest) -> [UInt8] {
        // One allocation for the whole body: the members' own sizes plus room for names, quotes,
        // base64 growth and the odd escape.
        var capacity = 192 + (request.sessionToken?.utf8.count ?? 0)
        if let execute = request.executeStatement {
            capacity += execute.statement.utf8.count
            for holder in execute.parameters ?? [] {
                capacity += 32 + (holder.ionBinaryBytes.map { $0.count * 4 / 3 + 4 } ?? holder.ionText?.utf8.count ?? 0)
            }
        }
        var w = Writer(capacity: capacity)
        w.raw("{")
        var needsComma = false
        if let token = request.sessionToken {
            w.raw(#""SessionToken":"#)
            w.string(token)
            needsComma = true
        }
        func member(_ name: StaticString, _ w: inout Writer) {
            if needsComma { w.raw(",") }
            w.raw("\"")
            w.raw(name)
            w.raw("\":")
            needsComma = true
        }
        if let start = request.startSession {
            member("StartSession", &w)
            w.raw(#"{"LedgerName":"#)
            w.string(start.ledgerName)
            w.raw("}")
        }
        if request.startTransaction != nil {
            member("StartTransaction", &w)
            w.raw("{}")
        }
        if let execute = request.executeStatement {
            member("ExecuteStatement", &w)
            w.raw(#"{"TransactionId":"#)
            w.string(execute.transactionId)
            w.raw(#","Statement":"#)
            w.string(execute.statement)
            if let parameters = execute.parameters {
                w.raw(#","Parameters":"#)
                w.valueHolders(parameters)
            }
            w.raw("}")
        }
        if let fetch = request.fetchPage {
            member("FetchPage", &w)
            w.raw(#"{"TransactionId":"#)
            w.string(fetch.transactionId)
            w.raw(#","NextPageToken":"#)
            w.string(fetch.nextPageToken)
            w.raw("}")
        }
        if let commit = request.commitTransaction {
            member("CommitTransaction", &w)
            w.raw(#"{"TransactionId":"#)
            w.string(commit.transactionId)
            w.raw(#","CommitDigest":"#)
            w.blob(commit.commitDigest)
            w.raw("}")
        }
        if request.abortTransaction != nil {
            member("AbortTransaction", &w)
            w.raw("{}")
        }
        if request.endSession != nil {
            member("EndSession", &w)
            w.raw("{}")
        }
        w.raw("}")
        return w.out
    }

    static func encode(_ response: SendCommandResponse) -> [UInt8] {
        var w = Writer()
        w.raw("{")
        if let result = response.startSession {
            w.raw(#""StartSession":{"#)
            if let token = result.sessionToken {
                w.raw(#""SessionToken":"#)
                w.string(token)
            } else {
                w.raw(#""SessionToken":null"#)
            }
            w.timing(result.timingInformation)
            w.raw("}")
        } else if let result = response.startTransaction {
            w.raw(#""StartTransaction":{"TransactionId":"#)
            if let id = result.transactionId { w.string(id) } else { w.raw("null") }
            w.timing(result.timingInformation)
            w.raw("}")
        } else if let result = response.executeStatement {
            w.raw(#""ExecuteStatement":{"FirstPage":"#)
            w.page(result.firstPage ?? Page(values: [], nextPageToken: nil))
            w.timing(result.timingInformation)
            w.ios(result.consumedIOs)
            w.raw("}")
        } else if let result = response.fetchPage {
            w.raw(#""FetchPage":{"Page":"#)
            w.page(result.page ?? Page(values: [], nextPageToken: nil))
            w.timing(result.timingInformation)
            w.ios(result.consumedIOs)
            w.raw("}")
        } else if let result = response.commitTransaction {
            w.raw(#""CommitTransaction":{"TransactionId":"#)
            if let id = result.transactionId { w.string(id) } else { w.raw("null") }
            if let digest = result.commitDigest {
                w.raw(#","CommitDigest":"#)
                w.blob(digest)
            }
            w.timing(result.timingInformation)
            w.ios(result.consumedIOs)
            w.raw("}")
        } else if let result = response.abortTransaction {
            w.raw(#""AbortTransaction":"#)
            w.timingOnly(result.timingInformation)
        } else if let result = response.endSession {
            w.raw(#""EndSession":"#)
            w.timingOnly(result.timingInformation)
        }
        w.raw("}")
        return w.out
    }
}
