import Benchmark
import DriverWorkload
import Foundation
import Ion
import QLDBDriver
import QLDBHashing
import QLDBSession
import SigV4

#if canImport(Glibc)
import Glibc
#endif

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

    // The same transaction timed without counting allocations: the malloc interposer the count
    // needs adds its own work to every allocation, so the wall-clock figure above overstates the
    // client's time. 1,000 transactions per sample, so the harness's per-sample clock reads and
    // bookkeeping are spread over 1,000.
    Benchmark(
        "DriverLicenceCreateTransactionTimeOnly",
        configuration: .init(metrics: [.wallClock, .throughput], timeUnits: .microseconds, scalingFactor: .kilo)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try await LicenceCreate.run(driver))
        }
    }
}
