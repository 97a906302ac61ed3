import Metrics
import QLDBSession

/// What a ``LedgerService`` reports through swift-metrics (whatever backend the process
/// bootstraps; `qldb serve` exposes them for Prometheus at `/metrics`):
///
/// | Metric | Kind | Dimensions |
/// |---|---|---|
/// | `qldb_ledger_requests_total` | counter | `command` (StartSession, ExecuteStatement, …) |
/// | `qldb_ledger_request_duration_seconds` | timer | `command` |
/// | `qldb_ledger_errors_total` | counter | `type` (BadRequestException, OccConflictException, …) |
/// | `qldb_ledger_commits_total` | counter | |
/// | `qldb_ledger_occ_conflicts_total` | counter | |
/// | `qldb_ledger_sessions` | gauge | |
struct LedgerMetrics: Sendable {
    static let commands = [
        "StartSession", "StartTransaction", "ExecuteStatement", "FetchPage", "CommitTransaction",
        "AbortTransaction", "EndSession", "Unknown",
    ]

    let requests: [String: Counter]
    let durations: [String: Metrics.Timer]
    let commits = Counter(label: "qldb_ledger_commits_total")
    let occConflicts = Counter(label: "qldb_ledger_occ_conflicts_total")
    let sessions = Gauge(label: "qldb_ledger_sessions")

    init() {
        var requests: [String: Counter] = [:]
        var durations: [String: Metrics.Timer] = [:]
        for command in Self.commands {
            requests[command] = Counter(label: "qldb_ledger_requests_total", dimensions: [("command", command)])
            durations[command] = Metrics.Timer(
                label: "qldb_ledger_request_duration_seconds", dimensions: [("command", command)],
                preferredDisplayUnit: .seconds)
        }
        self.requests = requests
        self.durations = durations
    }

    /// The command a request carries, without building anything (this runs for every request).
    static func command(of request: SendCommandRequest) -> String {
        if request.executeStatement != nil { return "ExecuteStatement" }
        if request.fetchPage != nil { return "FetchPage" }
        if request.startTransaction != nil { return "StartTransaction" }
        if request.commitTransaction != nil { return "CommitTransaction" }
        if request.startSession != nil { return "StartSession" }
        if request.endSession != nil { return "EndSession" }
        if request.abortTransaction != nil { return "AbortTransaction" }
        return "Unknown"
    }

    /// Records one answered request.
    func record(command name: String, nanoseconds: Int64, error: LedgerError?) {
        requests[name]?.increment()
        durations[name]?.recordNanoseconds(nanoseconds)
        if let error {
            Counter(label: "qldb_ledger_errors_total", dimensions: [("type", error.type)]).increment()
            if error.type == "OccConflictException" { occConflicts.increment() }
        } else if name == "CommitTransaction" {
            commits.increment()
        }
    }
}
