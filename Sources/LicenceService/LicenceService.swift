import Foundation
import Ion
import Logging
import QLDBControl
import QLDBControlClient
import QLDBDriver
import QLDBHashing
import QLDBSession

/// The licence API: routes, validation and one driver transaction per request.
///
/// Routes: `POST /licences`, `GET /licences?email=ADDRESS`, `GET|DELETE /licences/{licenceId}`,
/// `PUT /licences/{licenceId}/points`,
/// `PUT /licences/{licenceId}/contact`, `GET /licences/{licenceId}/history` and
/// `GET /licences/{licenceId}/verify`. Errors are `application/problem+json`.
public struct LicenceAPI: Sendable {
    /// The table licences live in.
    public static let table = "Licence"

    let driver: QLDBDriver
    let proofs: (any LicenceProofSource)?
    let logger: Logger
    /// Largest request body accepted (bigger ones get 413).
    public var maxBodyBytes = 16 * 1024

    /// An API on a driver; `proofs` answers `/verify` (without it, `/verify` answers 501).
    public init(
        driver: QLDBDriver, proofs: (any LicenceProofSource)?, logger: Logger = Logger(label: "licence-service")
    ) {
        self.driver = driver
        self.proofs = proofs
        self.logger = logger
    }

    /// Creates the `Licence` table and its indexes on `email` and `licenceId` if they are missing,
    /// each statement awaited in its own transaction.
    public func prepare() async throws {
        let tables = try await driver.tableNames()
        if !tables.contains(Self.table) {
            try await driver.execute { txn in try await txn.execute("CREATE TABLE \(Self.table)") }
        }
        let indexed = try await driver.execute { txn in
            try await txn.execute(
                "SELECT VALUE i.expr FROM information_schema.user_tables AS t, t.indexes AS i WHERE t.name = ?",
                Self.table
            )
            .collect().compactMap(\.stringValue)
        }
        for field in ["email", "licenceId"] where !indexed.contains("[\(field)]") {
            try await driver.execute { txn in try await txn.execute("CREATE INDEX ON \(Self.table) (\(field))") }
        }
    }

    /// Answers one request. Never throws: every failure becomes a problem response.
    public func handle(_ request: LicenceRequest) async -> LicenceResponse {
        do {
            return try await route(request)
        } catch let problem as Problem {
            return problem.response
        } catch {
            return Self.problem(for: error, logger: logger).response
        }
    }

    static func problem(for error: any Error, logger: Logger) -> Problem {
        if let error = error as? QLDBSessionError,
            error.kind == .occConflict || error.status >= 500 || error.kind == .rateExceeded
        {
            return Problem(
                type: "/problems/ledger-busy", title: "Ledger busy", status: 503,
                detail: "The ledger could not complete the transaction (\(error.type)); retry later")
        }
        if let error = error as? QLDBDriverError, error.kind == .sessionPoolTimeout {
            return Problem(type: "/problems/ledger-busy", title: "Ledger busy", status: 503, detail: error.message)
        }
        if error is QLDBTransportError {
            return Problem(
                type: "/problems/ledger-unreachable", title: "Ledger unreachable", status: 503, detail: "\(error)")
        }
        logger.error("unexpected failure", metadata: ["error": "\(error)"])
        return Problem(
            type: "/problems/internal", title: "Internal error", status: 500,
            detail: "The request failed unexpectedly; see the service log")
    }

    private func route(_ request: LicenceRequest) async throws -> LicenceResponse {
        let parts =
            request.path.split(separator: "?", maxSplits: 1).first.map { $0.split(separator: "/").map(String.init) }
            ?? []
        guard parts.first == "licences", let allowed = Self.methods(forRoute: parts) else {
            throw Problem(
                type: "/problems/not-found", title: "Not found", status: 404, detail: "No route for \(request.path)")
        }
        let method = request.method.uppercased()
        if method == "OPTIONS" { return Self.preflight(allowed) }
        guard allowed.contains(method) else {
            var problem = Problem(
                type: "/problems/method-not-allowed", title: "Method not allowed", status: 405,
                detail: "\(method) \(request.path) is not supported; use \(allowed.joined(separator: " or "))")
            problem.headers["Allow"] = (allowed + ["OPTIONS"]).joined(separator: ", ")
            throw problem
        }
        switch (parts.count, method) {
        case (1, "POST"): return try await create(try body(request))
        case (1, _): return try await find(email: request.query["email"])
        case (2, "GET"): return try await get(try licenceID(parts[1]))
        case (2, _): return try await delete(try licenceID(parts[1]))
        case (3, _):
            let id = try licenceID(parts[1])
            switch parts[2] {
            case "points": return try await addPoints(id, try body(request))
            case "contact": return try await updateContact(id, try body(request))
            case "history": return try await history(id)
            default: return try await verify(id)
            }
        default:
            throw Problem(
                type: "/problems/not-found", title: "Not found", status: 404, detail: "No route for \(request.path)")
        }
    }

    /// The methods a route takes, `nil` for no route.
    static func methods(forRoute parts: [String]) -> [String]? {
        switch parts.count {
        case 1: return ["GET", "POST"]
        case 2: return ["GET", "DELETE"]
        case 3:
            switch parts[2] {
            case "points", "contact": return ["PUT"]
            case "history", "verify": return ["GET"]
            default: return nil
            }
        default: return nil
        }
    }

    /// The answer to a CORS preflight: any origin, the route's methods, a JSON body.
    static func preflight(_ methods: [String]) -> LicenceResponse {
        LicenceResponse(
            status: 204,
            headers: [
                "Access-Control-Allow-Origin": "*",
                "Access-Control-Allow-Methods": (methods + ["OPTIONS"]).joined(separator: ", "),
                "Access-Control-Allow-Headers": "Content-Type",
                "Access-Control-Max-Age": "600",
                "Allow": (methods + ["OPTIONS"]).joined(separator: ", "),
            ], body: [])
    }

    // MARK: Input

    private func licenceID(_ text: String) throws -> String {
        guard text.count == 22,
            text.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) })
        else {
            throw Problem.validation("licenceId must be 22 letters and digits, got '\(text)'")
        }
        return text
    }

    /// The body as a JSON object, read as Ion so integers stay integers.
    private func body(_ request: LicenceRequest) throws -> IonStruct {
        guard let bytes = request.body, !bytes.isEmpty else {
            throw Problem.validation("the request needs a JSON object body")
        }
        guard bytes.count <= maxBodyBytes else {
            throw Problem(
                type: "/problems/too-large", title: "Payload too large", status: 413,
                detail: "the body is \(bytes.count) bytes; the limit is \(maxBodyBytes)")
        }
        do {
            _ = try SendCommandWireCodec.parseJSON(bytes)
        } catch {
            throw Problem.validation("the body is not valid JSON")
        }
        guard let value = try? IonValue.decode(json: bytes), value.count == 1, let object = value[0].structValue,
            !value[0].isNull
        else {
            throw Problem.validation("the body must be a JSON object")
        }
        return object
    }

    private func checkFields(_ object: IonStruct, allowed: Set<String>) throws {
        var seen: Set<String> = []
        for field in object {
            let name = field.name.text ?? ""
            guard allowed.contains(name) else {
                throw Problem.validation(
                    "unknown field '\(name)'; allowed: \(allowed.sorted().joined(separator: ", "))")
            }
            guard seen.insert(name).inserted else {
                throw Problem.validation("the field '\(name)' appears more than once")
            }
        }
    }

    /// A text field: a string without control or bidirectional-override characters, not empty
    /// once surrounding spaces are trimmed, at most `max` characters, satisfying `rule`.
    private func text(
        _ object: IonStruct, _ name: String, required: Bool, max: Int = 100,
        rule: ((String) -> String?)? = nil
    ) throws -> String? {
        guard let value = object[name], !value.isNull else {
            if required { throw Problem.validation("\(name) is required") }
            return nil
        }
        guard value.type == .string, let text = value.stringValue else {
            throw Problem.validation("\(name) must be a string")
        }
        if let bad = FieldRules.forbiddenCharacter(in: text) {
            throw Problem.validation(
                "\(name) must not contain the character U+\(String(bad.value, radix: 16, uppercase: true))"
                    + " (control and bidirectional-override characters are refused)")
        }
        var trimmed = Substring(text)
        while trimmed.first == " " { trimmed.removeFirst() }
        while trimmed.last == " " { trimmed.removeLast() }
        guard !trimmed.isEmpty else { throw Problem.validation("\(name) must not be empty") }
        guard trimmed.count <= max else { throw Problem.validation("\(name) must be at most \(max) characters") }
        if let rule, let problem = rule(String(trimmed)) { throw Problem.validation("\(name) \(problem)") }
        return String(trimmed)
    }

    /// Emails are checked as sent (surrounding spaces are an error, not trimmed) and stored in
    /// lower case, so that `Ann@Example.com` and `ann@example.com` are one licence.
    private func email(_ object: IonStruct) throws -> String {
        guard let value = object["email"], !value.isNull else { throw Problem.validation("email is required") }
        guard value.type == .string, let text = value.stringValue else {
            throw Problem.validation("email must be a string")
        }
        if let problem = FieldRules.emailProblem(text) { throw Problem.validation("email \(problem)") }
        return FieldRules.normalizedEmail(text)
    }

    static func event(_ name: String, extra: [String: IonValue] = [:]) -> IonValue {
        var fields = IonStruct()
        fields["eventName"] = .string(name)
        fields["eventDate"] = .string(Date.now.formatted(.iso8601))
        for (key, value) in extra.sorted(by: { $0.key < $1.key }) { fields[key] = value }
        return .struct(fields)
    }

    // MARK: Routes

    private func create(_ body: IonStruct) async throws -> LicenceResponse {
        try checkFields(body, allowed: ["firstName", "lastName", "email", "telephone", "postcode"])
        let firstName = try text(body, "firstName", required: true)!
        let lastName = try text(body, "lastName", required: true)!
        let email = try email(body)
        let telephone = try text(body, "telephone", required: true, max: 20) {
            FieldRules.isTelephone($0) ? nil : "must be 6 to 20 digits, spaces, +, - or ()"
        }!
        let postcode = try text(body, "postcode", required: true, max: 10) {
            FieldRules.isPostcode($0) ? nil : "must be 2 to 10 letters, digits or spaces"
        }!
        let licence = try await driver.execute { txn -> IonValue in
            let existing = try await txn.execute("SELECT VALUE l.licenceId FROM Licence AS l WHERE l.email = ?", email)
                .collect()
            guard existing.isEmpty else {
                throw Problem(
                    type: "/problems/duplicate-email", title: "Licence already exists", status: 409,
                    detail: "A licence with email \(email) already exists")
            }
            var document = IonStruct()
            document["firstName"] = .string(firstName)
            document["lastName"] = .string(lastName)
            document["email"] = .string(email)
            document["telephone"] = .string(telephone)
            document["postcode"] = .string(postcode)
            document["penaltyPoints"] = 0
            document["events"] = .list([Self.event("LicenceCreated")])
            let inserted = try await txn.execute("INSERT INTO Licence ?", IonValue.struct(document)).collect()
            guard let id = inserted.first?["documentId"]?.stringValue else {
                throw QLDBDriverError(.protocolViolation, "INSERT returned no documentId")
            }
            try await txn.execute("UPDATE Licence AS l BY docId SET l.licenceId = ? WHERE docId = ?", id, id)
            document["licenceId"] = .string(id)
            return .struct(document)
        }
        return .json(201, licence.jsonText)
    }

    private func fetch(_ txn: QLDBTransaction, _ id: String) async throws -> IonStruct {
        let rows = try await txn.execute("SELECT * FROM Licence AS l WHERE l.licenceId = ?", id).collect()
        guard let licence = rows.first?.structValue else { throw Problem.notFound(id) }
        return licence
    }

    /// `GET /licences?email=ADDRESS`: the licence of an email, read through the email index with
    /// the same rules and normalisation as a create. There is deliberately no route listing
    /// every licence: the API has no authentication, and a list would hand every holder's
    /// personal data to anyone.
    private func find(email: String?) async throws -> LicenceResponse {
        guard let email, !email.isEmpty else {
            throw Problem.validation("give the licence holder's email: GET /licences?email=ADDRESS")
        }
        if let problem = FieldRules.emailProblem(email) { throw Problem.validation("email \(problem)") }
        let normalized = FieldRules.normalizedEmail(email)
        let licence = try await driver.execute { txn in
            try await txn.execute("SELECT * FROM Licence AS l WHERE l.email = ?", normalized).collect().first
        }
        guard let licence else {
            throw Problem(
                type: "/problems/not-found", title: "Licence not found", status: 404,
                detail: "No licence with email \(normalized)")
        }
        return .json(200, licence.jsonText)
    }

    private func get(_ id: String) async throws -> LicenceResponse {
        let licence = try await driver.execute { txn in try await fetch(txn, id) }
        return .json(200, IonValue.struct(licence).jsonText)
    }

    private func delete(_ id: String) async throws -> LicenceResponse {
        try await driver.execute { txn in
            let deleted = try await txn.execute("DELETE FROM Licence AS l WHERE l.licenceId = ?", id).collect()
            if deleted.isEmpty { throw Problem.notFound(id) }
        }
        return .empty(204)
    }

    private func addPoints(_ id: String, _ body: IonStruct) async throws -> LicenceResponse {
        try checkFields(body, allowed: ["points", "description"])
        guard let pointsValue = body["points"], !pointsValue.isNull else {
            throw Problem.validation("points is required")
        }
        guard pointsValue.type == .int, let points = pointsValue.intValue, (-100...100).contains(points), points != 0
        else {
            throw Problem.validation("points must be a non-zero whole number from -100 to 100")
        }
        let description = try text(body, "description", required: true, max: 500)!
        let total = try await driver.execute { txn -> Int in
            let licence = try await fetch(txn, id)
            let current = licence["penaltyPoints"]?.intValue ?? 0
            let total = current + points
            guard total >= 0 else {
                throw Problem(
                    type: "/problems/points-below-zero", title: "Points below zero", status: 409,
                    detail: "Licence \(id) has \(current) points; removing \(-points) would go below zero")
            }
            let event = Self.event(
                points > 0 ? "PenaltyPointsAdded" : "PenaltyPointsRemoved",
                extra: ["points": .int(points), "description": .string(description)])
            try await txn.execute("UPDATE Licence AS l SET l.penaltyPoints = ? WHERE l.licenceId = ?", total, id)
            try await txn.execute("FROM Licence AS l WHERE l.licenceId = ? INSERT INTO l.events VALUE ?", id, event)
            return total
        }
        return .json(
            200,
            IonValue.struct(
                IonStruct([
                    .init(name: "licenceId", value: .string(id)), .init(name: "penaltyPoints", value: .int(total)),
                ])
            ).jsonText)
    }

    private func updateContact(_ id: String, _ body: IonStruct) async throws -> LicenceResponse {
        try checkFields(body, allowed: ["telephone", "postcode"])
        let telephone = try text(body, "telephone", required: false, max: 20) {
            FieldRules.isTelephone($0) ? nil : "must be 6 to 20 digits, spaces, +, - or ()"
        }
        let postcode = try text(body, "postcode", required: false, max: 10) {
            FieldRules.isPostcode($0) ? nil : "must be 2 to 10 letters, digits or spaces"
        }
        guard telephone != nil || postcode != nil else { throw Problem.validation("give telephone, postcode or both") }
        let updated = try await driver.execute { txn -> IonStruct in
            var licence = try await fetch(txn, id)
            if let telephone {
                try await txn.execute("UPDATE Licence AS l SET l.telephone = ? WHERE l.licenceId = ?", telephone, id)
                licence["telephone"] = .string(telephone)
            }
            if let postcode {
                try await txn.execute("UPDATE Licence AS l SET l.postcode = ? WHERE l.licenceId = ?", postcode, id)
                licence["postcode"] = .string(postcode)
            }
            try await txn.execute(
                "FROM Licence AS l WHERE l.licenceId = ? INSERT INTO l.events VALUE ?", id,
                Self.event("ContactDetailsChanged"))
            return licence
        }
        var out = IonStruct()
        out["licenceId"] = .string(id)
        out["telephone"] = updated["telephone"]
        out["postcode"] = updated["postcode"]
        return .json(200, IonValue.struct(out).jsonText)
    }

    private func history(_ id: String) async throws -> LicenceResponse {
        let revisions = try await driver.execute { txn in
            try await txn.execute("SELECT * FROM history(Licence) AS h WHERE h.metadata.id = ?", id).collect()
        }
        guard !revisions.isEmpty else { throw Problem.notFound(id) }
        return .json(200, IonValue.list(revisions).jsonText)
    }

    private func verify(_ id: String) async throws -> LicenceResponse {
        guard let proofs else {
            throw Problem(
                type: "/problems/verification-unavailable", title: "Verification unavailable", status: 501,
                detail:
                    "This backend has no control-plane endpoint: digests and proofs come from QLDB's control plane (GetDigest, GetRevision); give licence-service --control-endpoint"
            )
        }
        let committed = try await driver.execute { txn in
            try await txn.execute(
                "SELECT c.blockAddress FROM _ql_committed_\(Self.table) AS c WHERE c.metadata.id = ?", id
            ).collect()
        }
        guard let address = committed.first?["blockAddress"] else { throw Problem.notFound(id) }
        let verified: VerifiedRevision
        do {
            verified = try await proofs.verifyRevision(
                ledger: driver.ledger, blockAddress: try IonValue.encode(text: [address]), documentID: id)
        } catch let error as ControlPlaneError {
            throw Problem(
                type: "/problems/verification-failed", title: "Verification failed", status: 502,
                detail: "The ledger's control plane answered \(error)")
        }
        let result: IonValue = [
            "licenceId": .string(id),
            "verified": .bool(verified.verified),
            "digest": .string(verified.digest.base64),
            "digestTipAddress": verified.digestTipAddress,
            "blockAddress": address,
            "revisionHash": .string(verified.revisionHash.base64),
            "proof": .list(verified.proof.map { .string($0.base64) }),
        ]
        return .json(200, result.jsonText)
    }
}
