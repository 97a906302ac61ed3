// swift-tools-version:6.1
// Benchmarks live in their own package so that `swift build` and `swift test` of swift-qldb do
// not build the benchmark framework. Run them with `swift package benchmark` from this folder.
import PackageDescription

let package = Package(
    name: "swift-qldb-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "swift-qldb", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.0", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
    ],
    targets: [
        .target(
            name: "LicenceDataset",
            dependencies: [.product(name: "Ion", package: "swift-qldb")]
        ),
        .executableTarget(
            name: "IonProfile",
            dependencies: [
                "LicenceDataset", .product(name: "Ion", package: "swift-qldb"),
                .product(name: "IonHash", package: "swift-qldb"),
                .product(name: "SigV4", package: "swift-qldb"),
            ]
        ),
        .executableTarget(
            name: "IonCompare",
            dependencies: [
                "LicenceDataset", .product(name: "Ion", package: "swift-qldb"),
                .product(name: "IonHash", package: "swift-qldb"),
            ]
        ),
        .executableTarget(
            name: "IonBenchmarks",
            dependencies: [
                "LicenceDataset",
                .product(name: "Ion", package: "swift-qldb"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/IonBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "QLDBBenchmarks",
            dependencies: [
                "LicenceDataset",
                .product(name: "Ion", package: "swift-qldb"),
                .product(name: "IonHash", package: "swift-qldb"),
                .product(name: "QLDBHashing", package: "swift-qldb"),
                .product(name: "SigV4", package: "swift-qldb"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/QLDBBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .target(
            name: "DriverWorkload",
            dependencies: [
                .product(name: "Ion", package: "swift-qldb"),
                .product(name: "QLDBHashing", package: "swift-qldb"),
                .product(name: "QLDBSession", package: "swift-qldb"),
                .product(name: "QLDBDriver", package: "swift-qldb"),
                .product(name: "SigV4", package: "swift-qldb"),
            ]
        ),
        .executableTarget(
            name: "DriverBenchmarks",
            dependencies: [
                "DriverWorkload",
                .product(name: "Ion", package: "swift-qldb"),
                .product(name: "QLDBHashing", package: "swift-qldb"),
                .product(name: "QLDBSession", package: "swift-qldb"),
                .product(name: "QLDBDriver", package: "swift-qldb"),
                .product(name: "SigV4", package: "swift-qldb"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/DriverBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "LedgerLoad",
            dependencies: [
                "DriverWorkload",
                .product(name: "Ion", package: "swift-qldb"),
                .product(name: "QLDBSession", package: "swift-qldb"),
                .product(name: "QLDBDriver", package: "swift-qldb"),
                .product(name: "QLDBHTTPTransport", package: "swift-qldb"),
                .product(name: "QLDBLedger", package: "swift-qldb"),
                .product(name: "QLDBLedgerPostgres", package: "swift-qldb"),
                .product(name: "QLDBLedgerServer", package: "swift-qldb"),
                .product(name: "SigV4", package: "swift-qldb"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
