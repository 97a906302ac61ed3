import Foundation
import Hummingbird
import Logging
import NIOCore
import QLDBControl

/// The control plane on HTTP as botocore's `client('qldb')` calls it: REST-JSON (the model's
/// routes, JSON bodies with timestamps in epoch seconds, parameters in the path and the query
/// string), errors as `x-amzn-ErrorType` with `{"Message": …}`.
struct ControlPlaneRoutes: Sendable {
    let controlPlane: ControlPlane

    /// The answer to a request the routes match (already authenticated), or `nil` when its
    /// method and path name no operation.
    func respond(method: String, path: String, query: [(String, String)], body: [UInt8]) async -> Response? {
        guard let (operation, parameters) = ControlPlaneOperation.match(method: method, path: path) else {
            return nil
        }
        do {
            return try await answer(operation, parameters, query: query, body: body)
        } catch {
            controlPlane.logger.debug(
                "control plane error", metadata: ["operation": "\(operation.rawValue)", "error": "\(error)"])
            return Self.error(error)
        }
    }

    private func answer(
        _ operation: ControlPlaneOperation, _ parameters: [String: String], query: [(String, String)], body: [UInt8]
    ) async throws(ControlPlaneError) -> Response {
        let name = parameters["name"] ?? ""
        let plane = controlPlane
        switch operation {
        case .createLedger:
            return try Self.ok(await plane.createLedger(try Self.decode(body)))
        case .describeLedger:
            return try Self.ok(await plane.describeLedger(name: name))
        case .updateLedger:
            return try Self.ok(await plane.updateLedger(name: name, try Self.decode(body)))
        case .updateLedgerPermissionsMode:
            return try Self.ok(await plane.updatePermissionsMode(name: name, try Self.decode(body)))
        case .deleteLedger:
            try await plane.deleteLedger(name: name)
            return Self.empty()
        case .listLedgers:
            return try Self.ok(
                await plane.listLedgers(
                    maxResults: try Self.integer(query, "max_results", "MaxResults"),
                    nextToken: Self.value(query, "next_token")))
        case .tagResource:
            let tags: ResourceTags = try Self.decode(body)
            try await plane.tagResource(arn: parameters["resourceArn"] ?? "", tags: tags.tags)
            return Self.empty()
        case .untagResource:
            try await plane.untagResource(
                arn: parameters["resourceArn"] ?? "", keys: query.filter { $0.0 == "tagKeys" }.map(\.1))
            return Self.empty()
        case .listTagsForResource:
            return try Self.ok(ResourceTags(tags: await plane.listTags(arn: parameters["resourceArn"] ?? "")))
        case .getDigest:
            return try Self.ok(await plane.getDigest(name: name))
        case .getRevision:
            return try Self.ok(await plane.getRevision(name: name, try Self.decode(body)))
        case .getBlock:
            return try Self.ok(await plane.getBlock(name: name, try Self.decode(body)))
        case .exportJournalToS3:
            return try Self.ok(await plane.exportJournal(name: name, try Self.decode(body)))
        case .describeJournalS3Export:
            return try Self.ok(await plane.describeExport(name: name, exportID: parameters["exportId"] ?? ""))
        case .listJournalS3ExportsForLedger:
            return try Self.ok(
                await plane.listExports(
                    ledger: name, maxResults: try Self.integer(query, "max_results", "MaxResults"),
                    nextToken: Self.value(query, "next_token")))
        case .listJournalS3Exports:
            return try Self.ok(
                await plane.listExports(
                    ledger: nil, maxResults: try Self.integer(query, "max_results", "MaxResults"),
                    nextToken: Self.value(query, "next_token")))
        case .streamJournalToKinesis, .listJournalKinesisStreamsForLedger, .describeJournalKinesisStream,
            .cancelJournalKinesisStream:
            throw ControlPlaneError(
                .invalidParameter,
                "\(operation.rawValue) is not supported: this ledger does not stream its journal to Kinesis; export it to S3 with ExportJournalToS3"
            )
        }
    }

    /// The resource an operation acts on, as IAM policies name it: the ledger's ARN (for
    /// CreateLedger, of the ledger to create), the ARN a tag operation names, or `*` for the lists
    /// of every ledger and export.
    func resource(of operation: ControlPlaneOperation, _ parameters: [String: String], body: [UInt8]) -> String {
        switch operation {
        case .listLedgers, .listJournalS3Exports: return "*"
        case .tagResource, .untagResource, .listTagsForResource: return parameters["resourceArn"] ?? "*"
        case .createLedger:
            let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
            return controlPlane.arn(ofLedger: object?["Name"] as? String ?? "*")
        default: return controlPlane.arn(ofLedger: parameters["name"] ?? "*")
        }
    }

    /// The tags an operation gives its resource (TagResource's, CreateLedger's), for
    /// `aws:RequestTag/KEY` conditions.
    static func requestTags(of operation: ControlPlaneOperation, body: [UInt8]) -> [String: String] {
        guard operation == .tagResource || operation == .createLedger, !body.isEmpty else { return [:] }
        let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        return object?["Tags"] as? [String: String] ?? [:]
    }

    // MARK: Coding

    static func decode<T: Decodable>(_ body: [UInt8]) throws(ControlPlaneError) -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        do {
            return try decoder.decode(T.self, from: Data(body.isEmpty ? Array("{}".utf8) : body))
        } catch DecodingError.keyNotFound(let key, _) {
            throw ControlPlaneError(
                .invalidParameter, "The request is missing the required member \(key.stringValue)",
                parameterName: key.stringValue)
        } catch DecodingError.dataCorrupted(let context) {
            throw ControlPlaneError(
                .invalidParameter,
                "The request body is not valid here\(Self.at(context.codingPath)): \(context.debugDescription)",
                parameterName: context.codingPath.last?.stringValue)
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            throw ControlPlaneError(
                .invalidParameter,
                "The member \(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type: \(context.debugDescription)",
                parameterName: context.codingPath.last?.stringValue)
        } catch {
            throw ControlPlaneError(.invalidParameter, "The request body is not JSON this operation takes: \(error)")
        }
    }

    private static func at(_ path: [any CodingKey]) -> String {
        path.isEmpty ? "" : " at \(path.map(\.stringValue).joined(separator: "."))"
    }

    static func value(_ query: [(String, String)], _ name: String) -> String? { query.first { $0.0 == name }?.1 }

    static func integer(_ query: [(String, String)], _ name: String, _ member: String) throws(ControlPlaneError)
        -> Int?
    {
        guard let text = value(query, name) else { return nil }
        guard let number = Int(text) else {
            throw ControlPlaneError(
                .invalidParameter, "\(member) must be an integer; got \(text)", parameterName: member)
        }
        return number
    }

    static func ok(_ value: some Encodable) throws(ControlPlaneError) -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = .sortedKeys
        do {
            return response(status: .ok, body: Array(try encoder.encode(value)), errorType: nil)
        } catch {
            throw ControlPlaneError(type: "InternalFailure", status: 500, message: "Cannot encode the answer: \(error)")
        }
    }

    static func empty() -> Response { response(status: .ok, body: Array("{}".utf8), errorType: nil) }

    static func error(_ error: ControlPlaneError) -> Response {
        response(status: .init(code: error.status), body: error.body, errorType: error.type)
    }

    static func response(status: HTTPResponse.Status, body: [UInt8], errorType: String?) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.init("x-amzn-RequestId")!] = UUID().uuidString.lowercased()
        if let errorType { headers[.init("x-amzn-ErrorType")!] = errorType }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
