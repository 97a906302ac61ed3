import Foundation
import Ion
import Logging
import QLDBControl
import QLDBHashing
import QLDBLedger
import QLDBPrimitives
import Synchronization

/// QLDB's control plane (the `qldb` REST-JSON API) over a ``LedgerService``: ledgers created,
/// described, updated and deleted; tags; digests, blocks and revisions with their proofs; journal
/// exports. Typed requests in, typed answers or a ``ControlPlaneError`` out; ``ControlPlaneRoutes``
/// puts it on HTTP.
public final class ControlPlane: Sendable {
    /// The account and region of the ARNs, and where exports write.
    public struct Configuration: Sendable {
        /// The account the ledgers' ARNs name (default `123456789012`).
        public var accountID = "123456789012"
        /// The region the ledgers' ARNs name (default `us-east-1`).
        public var region = "us-east-1"
        /// The most ledgers CreateLedger makes room for (QLDB's default quota was 5 per account
        /// and region); `nil` (the default) for no limit.
        public var maxLedgers: Int?
        /// Where journal exports write; `nil` refuses ExportJournalToS3.
        public var exportDestination: (any JournalExportDestination)?
        /// How long ExportJournalToS3 waits for its export to finish before answering (it goes on
        /// in the background after that): a small journal is exported by the time the first
        /// DescribeJournalS3Export asks.
        public var exportWait: Duration = .seconds(10)
        /// The defaults.
        public init() {}
    }

    let service: LedgerService
    let configuration: Configuration
    let logger: Logger
    let exports: JournalExports
    /// Permissions modes read recently, by ledger.
    let modes = RecentReads<PermissionsMode>()
    /// Tags of ledgers and tables read recently, by ARN.
    let recentTags = RecentReads<[String: String]>()

    /// A control plane over `service`'s ledgers.
    public init(
        service: LedgerService, configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "swift-qldb.control-plane")
    ) {
        self.service = service
        self.configuration = configuration
        self.logger = logger
        self.exports = JournalExports(destination: configuration.exportDestination, logger: logger)
    }

    /// The ARN of a ledger: `arn:aws:qldb:REGION:ACCOUNT:ledger/NAME`.
    public func arn(ofLedger name: String) -> String {
        "arn:aws:qldb:\(configuration.region):\(configuration.accountID):ledger/\(name)"
    }

    // MARK: Ledgers

    /// CreateLedger: the ledger exists and serves sessions when this returns; its state is
    /// reported `CREATING`, as QLDB does, and `ACTIVE` by every later call.
    public func createLedger(_ request: CreateLedgerRequest) async throws(ControlPlaneError) -> LedgerDescription {
        try Self.checkName(request.name)
        try Self.checkTags(request.tags ?? [:])
        let settings = LedgerSettings(
            permissionsMode: request.permissionsMode, deletionProtection: request.deletionProtection ?? true,
            creationDateTime: Date(), kmsKey: try Self.kmsKey(request.kmsKey) ?? LedgerSettings.awsOwnedKey,
            tags: request.tags ?? [:])
        if let limit = configuration.maxLedgers {
            let count = try await attempt("counting ledgers") { try await self.service.allLedgerNames().count }
            guard count < limit else {
                throw ControlPlaneError(
                    .limitExceeded,
                    "This server holds \(count) ledgers, its limit (--max-ledgers \(limit)); delete one or raise the limit",
                    resourceType: "LEDGER")
            }
        }
        try await attempt("creating ledger \(request.name)") {
            let ledger = try await self.service.createLedger(named: request.name)
            try await settings.save(ledger)
        }
        logger.info("ledger created", metadata: ["ledger": "\(request.name)"])
        return LedgerDescription(
            name: request.name, arn: arn(ofLedger: request.name), state: .creating,
            creationDateTime: settings.creationDateTime, permissionsMode: settings.permissionsMode,
            deletionProtection: settings.deletionProtection, kmsKeyArn: kmsKeyArn(settings))
    }

    /// DescribeLedger.
    public func describeLedger(name: String) async throws(ControlPlaneError) -> LedgerDescription {
        let (_, settings) = try await ledger(name)
        return describe(name, settings)
    }

    /// UpdateLedger: deletion protection and the key.
    public func updateLedger(name: String, _ request: UpdateLedgerRequest) async throws(ControlPlaneError)
        -> LedgerDescription
    {
        let (ledger, old) = try await ledger(name)
        var settings = old
        if let protection = request.deletionProtection { settings.deletionProtection = protection }
        if let key = try Self.kmsKey(request.kmsKey) { settings.kmsKey = key }
        try await save(settings, of: ledger)
        var description = describe(name, settings)
        description.permissionsMode = nil
        return description
    }

    /// UpdateLedgerPermissionsMode.
    public func updatePermissionsMode(name: String, _ request: UpdateLedgerPermissionsModeRequest)
        async throws(ControlPlaneError) -> LedgerDescription
    {
        let (ledger, old) = try await ledger(name)
        var settings = old
        settings.permissionsMode = request.permissionsMode
        try await save(settings, of: ledger)
        modes.forget(name)
        return LedgerDescription(name: name, arn: arn(ofLedger: name), permissionsMode: settings.permissionsMode)
    }

    /// DeleteLedger: refused while deletion protection is on; otherwise the ledger and its
    /// journal are gone when this returns.
    public func deleteLedger(name: String) async throws(ControlPlaneError) {
        let (_, settings) = try await ledger(name)
        guard !settings.deletionProtection else {
            throw ControlPlaneError(
                .resourcePreconditionNotMet,
                "Preventing deletion of ledger \(name): deletion protection is enabled; turn it off with UpdateLedger first",
                resourceType: "LEDGER", resourceName: name)
        }
        try await attempt("deleting ledger \(name)") { try await self.service.deleteLedger(named: name) }
        logger.info("ledger deleted", metadata: ["ledger": "\(name)"])
    }

    /// ListLedgers: pages of up to `maxResults` (1–100, default 100) ledgers in name order.
    public func listLedgers(maxResults: Int?, nextToken: String?) async throws(ControlPlaneError)
        -> ListLedgersResponse
    {
        let limit = try Self.pageSize(maxResults)
        let after = try Self.position(nextToken)
        let names = try await attempt("listing ledgers") { try await self.service.allLedgerNames() }
        let remaining = names.filter { after == nil || $0 > after! }
        var summaries: [LedgerSummary] = []
        for name in remaining.prefix(limit) {
            guard let (_, settings) = try? await ledger(name) else { continue }
            summaries.append(LedgerSummary(name: name, state: .active, creationDateTime: settings.creationDateTime))
        }
        let more = remaining.count > limit
        return ListLedgersResponse(
            ledgers: summaries, nextToken: more ? Self.token(after: remaining[limit - 1]) : nil)
    }

    // MARK: Tags

    /// TagResource: adds or replaces tags of a ledger or a table (at most 50 per resource).
    public func tagResource(arn: String, tags: [String: String]) async throws(ControlPlaneError) {
        try await changeTags(arn) { $0.merge(tags) { $1 } }
    }

    /// UntagResource.
    public func untagResource(arn: String, keys: [String]) async throws(ControlPlaneError) {
        try await changeTags(arn) { tags in for key in keys { tags[key] = nil } }
    }

    /// ListTagsForResource: the tags of a ledger
    /// (`arn:aws:qldb:REGION:ACCOUNT:ledger/NAME`) or a table (`…:ledger/NAME/table/TABLE-ID`).
    public func listTags(arn: String) async throws(ControlPlaneError) -> [String: String] {
        let (name, tableID) = try resource(inARN: arn)
        let (ledger, settings) = try await self.ledger(name)
        guard let tableID else { return settings.tags }
        return try await tableTags(of: ledger, tableID, arn: arn)
    }

    /// The tags of the ledger or table an ARN names, for `aws:ResourceTag/KEY` conditions (read
    /// at most once a second per resource and process; a change made here is seen at once).
    /// Anything else, or a resource that cannot be read, has none.
    public func resourceTags(ofARN arn: String) async -> [String: String] {
        await recentTags.value(arn) { (try? await listTags(arn: arn)) ?? [:] } ?? [:]
    }

    private func changeTags(_ arn: String, _ change: (inout [String: String]) -> Void) async throws(ControlPlaneError) {
        let (name, tableID) = try resource(inARN: arn)
        let (ledger, old) = try await self.ledger(name)
        defer { recentTags.forget(arn) }
        guard let tableID else {
            var settings = old
            change(&settings.tags)
            try Self.checkTags(settings.tags)
            return try await save(settings, of: ledger)
        }
        var tags = try await tableTags(of: ledger, tableID, arn: arn)
        change(&tags)
        try Self.checkTags(tags)
        let final = tags
        try await attempt("saving the tags of table \(tableID) of ledger \(name)") {
            try await ledger.setTableTags(final, ofTable: tableID)
        }
    }

    private func tableTags(of ledger: Ledger, _ tableID: String, arn: String) async throws(ControlPlaneError)
        -> [String: String]
    {
        let found = try await attempt("reading the tags of table \(tableID) of ledger \(ledger.name)") {
            try await ledger.tableTags(ofTable: tableID)
        }
        guard let found else {
            throw ControlPlaneError(
                .resourceNotFound, "Table \(tableID) does not exist in ledger \(ledger.name)", resourceType: "TABLE",
                resourceName: arn)
        }
        return found
    }

    // MARK: Digests and proofs

    /// GetDigest: the digest of the journal up to its last block.
    public func getDigest(name: String) async throws(ControlPlaneError) -> GetDigestResponse {
        let (ledger, _) = try await self.ledger(name)
        guard let digest = try await attempt("computing the digest of \(name)", { try await ledger.digest() }) else {
            throw ControlPlaneError(
                .resourcePreconditionNotMet, "Ledger \(name) has no blocks yet: there is nothing to digest",
                resourceType: "LEDGER", resourceName: name)
        }
        return GetDigestResponse(
            digest: Data(digest.digest.bytes), digestTipAddress: ValueHolder(ionText: digest.tipAddress.description))
    }

    /// GetRevision: a revision and its proof.
    public func getRevision(name: String, _ request: GetRevisionRequest) async throws(ControlPlaneError)
        -> GetRevisionResponse
    {
        let (ledger, _) = try await self.ledger(name)
        let (address, tip) = try Self.addresses(request.blockAddress, request.digestTipAddress)
        let (revision, proof) = try await attempt("reading a revision of \(name)") {
            try await ledger.revision(at: address, documentID: request.documentID, digestTip: tip)
        }
        return GetRevisionResponse(proof: try proof.map(Self.proofText), revision: try Self.text(revision))
    }

    /// GetBlock: a journal block and its proof.
    public func getBlock(name: String, _ request: GetBlockRequest) async throws(ControlPlaneError)
        -> GetBlockResponse
    {
        let (ledger, _) = try await self.ledger(name)
        let (address, tip) = try Self.addresses(request.blockAddress, request.digestTipAddress)
        let (block, proof) = try await attempt("reading a block of \(name)") {
            try await ledger.block(at: address, digestTip: tip)
        }
        return GetBlockResponse(block: try Self.text(block), proof: try proof.map(Self.proofText))
    }

    // MARK: Permissions

    /// A ledger's permissions mode, as its settings hold it (read at most once a second per
    /// ledger and process; UpdateLedgerPermissionsMode here takes effect at once). A ledger that
    /// cannot be read is `STANDARD`: nothing is allowed by mistake.
    public func permissionsMode(of name: String) async -> PermissionsMode {
        await modes.value(name) { try? await ledger(name).1.permissionsMode } ?? .standard
    }

    /// Gives a ledger that has no settings yet (one opened at start-up) `mode` instead of
    /// CreateLedger's default; a ledger with settings keeps its stored mode.
    public func adopt(ledgerNamed name: String, permissionsMode mode: PermissionsMode) async throws {
        guard let ledger = try await service.openLedger(named: name),
            try await ledger.metadata(LedgerSettings.key) == nil
        else { return }
        var settings = try await LedgerSettings.load(ledger)
        settings.permissionsMode = mode
        try await settings.save(ledger)
    }

    // MARK: Helpers

    /// The ledger with this name and its settings.
    func ledger(_ name: String) async throws(ControlPlaneError) -> (Ledger, LedgerSettings) {
        try Self.checkName(name)
        let found = try await attempt("opening ledger \(name)") { try await self.service.openLedger(named: name) }
        guard let ledger = found else {
            throw ControlPlaneError(
                .resourceNotFound, "Ledger \(name) does not exist", resourceType: "LEDGER", resourceName: name)
        }
        let settings = try await attempt("reading the settings of ledger \(name)") {
            try await LedgerSettings.load(ledger)
        }
        return (ledger, settings)
    }

    private func save(_ settings: LedgerSettings, of ledger: Ledger) async throws(ControlPlaneError) {
        try await attempt("saving the settings of ledger \(ledger.name)") { try await settings.save(ledger) }
    }

    private func describe(_ name: String, _ settings: LedgerSettings) -> LedgerDescription {
        LedgerDescription(
            name: name, arn: arn(ofLedger: name), state: .active, creationDateTime: settings.creationDateTime,
            permissionsMode: settings.permissionsMode, deletionProtection: settings.deletionProtection,
            encryptionDescription: LedgerEncryptionDescription(
                kmsKeyArn: kmsKeyArn(settings), encryptionStatus: "ENABLED"))
    }

    private func kmsKeyArn(_ settings: LedgerSettings) -> String {
        settings.kmsKey == LedgerSettings.awsOwnedKey ? LedgerSettings.awsOwnedKey : settings.kmsKey
    }

    /// The ledger an ARN of this account and region names, and the table's id when it names one
    /// of its tables (`…:ledger/NAME/table/TABLE-ID`).
    func resource(inARN arn: String) throws(ControlPlaneError) -> (ledger: String, table: String?) {
        let prefix = "arn:aws:qldb:\(configuration.region):\(configuration.accountID):ledger/"
        guard arn.hasPrefix(prefix) else {
            throw ControlPlaneError(
                .invalidParameter,
                "\(arn) is not the ARN of a ledger of this server: its ledgers are \(prefix)NAME (--region, --account-id)",
                parameterName: "ResourceArn")
        }
        let parts = arn.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return (String(parts[0]), nil)
        case 3 where parts[1] == "table" && !parts[2].isEmpty: return (String(parts[0]), String(parts[2]))
        default:
            throw ControlPlaneError(
                .invalidParameter,
                "\(arn) names neither a ledger (\(prefix)NAME) nor a table (\(prefix)NAME/table/TABLE-ID)",
                parameterName: "ResourceArn")
        }
    }

    /// Runs `body`, turning what it throws into the control plane's errors: a ledger's own
    /// (`InvalidParameterException`, `ResourceAlreadyExistsException`) as they are, anything else
    /// as a 500.
    func attempt<T: Sendable>(_ what: String, _ body: @Sendable () async throws -> T) async throws(ControlPlaneError)
        -> T
    {
        do {
            return try await body()
        } catch let error as ControlPlaneError {
            throw error
        } catch let error as LedgerError {
            if let kind = ControlPlaneError.Kind(rawValue: error.type) {
                throw ControlPlaneError(kind, error.message)
            }
            if error.type == "BadRequestException" { throw ControlPlaneError(.invalidParameter, error.message) }
            throw ControlPlaneError(type: error.type, status: error.status, message: error.message)
        } catch {
            logger.error("control plane failure", metadata: ["while": "\(what)", "error": "\(error)"])
            throw ControlPlaneError(type: "InternalFailure", status: 500, message: "Failed while \(what): \(error)")
        }
    }

    static func checkName(_ name: String) throws(ControlPlaneError) {
        if let problem = LedgerName.problem(with: name) {
            throw ControlPlaneError(.invalidParameter, "Invalid ledger name: \(problem)", parameterName: "Name")
        }
    }

    /// ``ResourceTagRules``, as `InvalidParameterException`.
    static func checkTags(_ tags: [String: String]) throws(ControlPlaneError) {
        if let problem = ResourceTagRules.problem(with: tags) {
            throw ControlPlaneError(.invalidParameter, "Invalid tags: \(problem)", parameterName: "Tags")
        }
    }

    /// `AWS_OWNED_KMS_KEY`, a key ARN, id or alias; recorded, not used (the store encrypts nothing).
    static func kmsKey(_ key: String?) throws(ControlPlaneError) -> String? {
        guard let key else { return nil }
        guard (1...1600).contains(key.count) else {
            throw ControlPlaneError(.invalidParameter, "KmsKey has 1 to 1600 characters", parameterName: "KmsKey")
        }
        return key
    }

    /// A request's `BlockAddress` and optional `DigestTipAddress`.
    static func addresses(_ block: ValueHolder, _ tip: ValueHolder?) throws(ControlPlaneError) -> (
        BlockAddress, BlockAddress?
    ) {
        (
            try address(block, "BlockAddress"),
            try tip.map { holder throws(ControlPlaneError) in try address(holder, "DigestTipAddress") }
        )
    }

    static func address(_ holder: ValueHolder, _ parameter: String) throws(ControlPlaneError) -> BlockAddress {
        guard let address = BlockAddress(ionText: holder.ionText) else {
            throw ControlPlaneError(
                .invalidParameter,
                "\(parameter) must be Ion text {strandId:\"…\",sequenceNo:N}; got \(holder.ionText.prefix(200))",
                parameterName: parameter)
        }
        return address
    }

    static func text(_ value: IonValue) throws(ControlPlaneError) -> ValueHolder {
        do { return ValueHolder(ionText: try IonValue.encode(text: [value])) } catch {
            throw ControlPlaneError(type: "InternalFailure", status: 500, message: "Cannot write Ion text: \(error)")
        }
    }

    static func proofText(_ hashes: [QLDBHash]) throws(ControlPlaneError) -> ValueHolder {
        try text(.list(hashes.map { .blob($0.bytes) }))
    }

    static func pageSize(_ maxResults: Int?) throws(ControlPlaneError) -> Int {
        guard let maxResults else { return 100 }
        guard (1...100).contains(maxResults) else {
            throw ControlPlaneError(
                .invalidParameter, "MaxResults is 1 to 100; got \(maxResults)", parameterName: "MaxResults")
        }
        return maxResults
    }

    /// The last name a page ended with, from its `NextToken` (the name in base64).
    static func position(_ token: String?) throws(ControlPlaneError) -> String? {
        guard let token else { return nil }
        guard let bytes = Base64.decode(token), let name = String(validating: bytes, as: UTF8.self) else {
            throw ControlPlaneError(
                .invalidParameter, "NextToken \(token.prefix(100)) is not a token this server gave",
                parameterName: "NextToken")
        }
        return name
    }

    static func token(after name: String) -> String { Base64.encode(Array(name.utf8)) }
}
