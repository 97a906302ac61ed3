/// Ledgers opened on first use, created and deleted at run time, through the service's
/// ``LedgerHost``: what the control plane's CreateLedger, DescribeLedger and DeleteLedger do.
extension LedgerService {
    /// The ledger with this name: open already, or opened from the host now; `nil` when there
    /// is none.
    ///
    /// - Throws: what the host throws opening it (``StorageError``, ``JournalError``).
    public func openLedger(named name: String) async throws -> Ledger? {
        if let open = ledger(named: name) { return open }
        guard let host else { return nil }
        return try await serialized(name) {
            if let open = self.ledger(named: name) { return open }
            guard let opened = try await host.openLedger(named: name) else { return nil }
            self.add(opened)
            return opened
        }
    }

    /// Creates an empty ledger in the host and serves it at once.
    ///
    /// - Throws: ``LedgerError`` `ResourceAlreadyExistsException` when one by that name exists;
    ///   `InvalidParameterException` without a host.
    public func createLedger(named name: String) async throws -> Ledger {
        guard let host else {
            throw LedgerError(
                type: "InvalidParameterException",
                message: "This service has no place to create ledgers in: it serves only the ledgers it was given")
        }
        return try await serialized(name) {
            guard self.ledger(named: name) == nil else { throw LedgerError.ledgerExists(name) }
            let created = try await host.createLedger(named: name)
            self.add(created)
            return created
        }
    }

    /// Deletes a ledger and everything in it: its sessions are told it is gone, it is closed and
    /// the host removes it. Nothing happens when there is none.
    ///
    /// - Throws: ``LedgerError`` `InvalidParameterException` without a host; what the host throws.
    public func deleteLedger(named name: String) async throws {
        guard let host else {
            throw LedgerError(
                type: "InvalidParameterException",
                message: "This service has no place to delete ledgers from: it serves only the ledgers it was given")
        }
        try await serialized(name) {
            if let open = self.removeLedger(named: name) { await open.close() }
            try await host.deleteLedger(named: name)
        }
    }

    /// The names of the ledgers there are: the host's and those added, sorted.
    public func allLedgerNames() async throws -> [String] {
        let hosted = try await host?.ledgerNames() ?? []
        return Set(hosted).union(ledgerNames).sorted()
    }

    /// Runs `body` after every earlier lifecycle operation on `name` has finished.
    private func serialized<T: Sendable>(_ name: String, _ body: @escaping @Sendable () async throws -> T)
        async throws -> T
    {
        let task = lifecycle.withLock { tails -> Task<Result<T, any Error>, Never> in
            let previous = tails[name]
            let task = Task<Result<T, any Error>, Never> {
                await previous?.value
                do { return .success(try await body()) } catch { return .failure(error) }
            }
            tails[name] = Task { _ = await task.value }
            return task
        }
        return try await task.value.get()
    }
}
