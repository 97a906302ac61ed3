import Benchmark
import Foundation
#if canImport(Glibc)
    import Glibc
#endif
import Ion
import QLDBDriver
import QLDBHashing
import QLDBSession
import SigV4
import DriverWorkload

/// Client CPU of one 3-statement licence-create transaction: the driver, JSON, Ion, the commit
/// digest and SigV4 signing, against a transport that answers at once with prepared responses.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        timeUnits: .microseconds,
        maxDuration: .seconds(5)
    )

    let transport = PreparedLedgerTransport()
    var configuration = QLDBDriverConfiguration()
    configuration.logger.logLevel = .critical
    let driver = QLDBDriver(ledger: "licences", transport: transport, configuration: configuration)

    Benchmark("DriverLicenceCreateTransaction") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try await LicenceCreate.run(driver))
        }
    }
}

