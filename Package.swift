// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "swift-qldb",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Ion", targets: ["Ion"]),
        .library(name: "IonHash", targets: ["IonHash"]),
        .library(name: "QLDBHashing", targets: ["QLDBHashing"]),
        .library(name: "SigV4", targets: ["SigV4"]),
        .library(name: "QLDBSession", targets: ["QLDBSession"]),
        .library(name: "QLDBDriver", targets: ["QLDBDriver"]),
        .library(name: "QLDBTesting", targets: ["QLDBTesting"]),
        .library(name: "QLDBLedger", targets: ["QLDBLedger"]),
        .library(name: "QLDBLedgerServer", targets: ["QLDBLedgerServer"]),
        .library(name: "LicenceService", targets: ["LicenceService"]),
        .executable(name: "qldb", targets: ["QLDBCLI"]),
        .executable(name: "licence-service", targets: ["LicenceServiceMain"]),
    ],
    dependencies: [
        .package(url: "https://github.com/attaswift/BigInt.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.24.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.10.0"),
    ],
    targets: [
        .target(
            name: "Ion",
            dependencies: [.product(name: "BigInt", package: "BigInt")]
        ),
        .systemLibrary(name: "CLibCrypto", path: "Sources/CLibCrypto"),
        .target(
            name: "IonHash",
            dependencies: [
                "Ion", .product(name: "Crypto", package: "swift-crypto"),
                .target(name: "CLibCrypto", condition: .when(platforms: [.linux])),
            ]
        ),
        .target(
            name: "QLDBHashing",
            dependencies: ["Ion", "IonHash"]
        ),
        .target(
            name: "SigV4",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .target(name: "CLibCrypto", condition: .when(platforms: [.linux])),
            ]
        ),
        .target(
            name: "QLDBSession",
            dependencies: [
                "SigV4",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "QLDBDriver",
            dependencies: [
                "Ion", "QLDBHashing", "QLDBSession",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "QLDBTesting", dependencies: ["QLDBSession", "Ion"]),
        .target(
            name: "QLDBLedger",
            dependencies: [
                "Ion", "IonHash", "QLDBHashing", "QLDBSession",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "QLDBLedgerServer",
            dependencies: [
                "QLDBLedger", "QLDBSession", "SigV4",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "LicenceService",
            dependencies: [
                "Ion", "QLDBDriver", "QLDBLedger", "QLDBSession",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "LicenceServiceMain",
            dependencies: [
                "LicenceService", "QLDBDriver", "QLDBLedger", "QLDBSession", "SigV4",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "QLDBCLI",
            dependencies: [
                "Ion", "IonHash", "QLDBHashing", "QLDBLedger", "QLDBLedgerServer", "SigV4",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "SharedFixtures", path: "Tests/SharedFixtures"),
        .testTarget(name: "IonTests", dependencies: ["Ion"]),
        .testTarget(
            name: "IonConformanceTests",
            dependencies: ["Ion", "IonHash", "SharedFixtures"]
        ),
        .testTarget(name: "IonHashTests", dependencies: ["Ion", "IonHash", "SharedFixtures"]),
        .testTarget(name: "QLDBHashingTests", dependencies: ["Ion", "IonHash", "QLDBHashing", "SharedFixtures"]),
        .testTarget(name: "SigV4Tests", dependencies: ["SigV4", "SharedFixtures"]),
        .testTarget(name: "QLDBSessionTests", dependencies: ["QLDBSession", "Ion", "QLDBHashing", "SharedFixtures"]),
        .testTarget(
            name: "QLDBDriverTests",
            dependencies: [
                "QLDBDriver", "QLDBTesting", "QLDBSession", "Ion", "QLDBHashing", "SharedFixtures",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
            ]
        ),
        .testTarget(
            name: "QLDBLedgerTests",
            dependencies: ["QLDBLedger", "QLDBLedgerServer", "QLDBDriver", "QLDBSession", "Ion", "QLDBHashing", "SigV4", .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "LicenceServiceTests",
            dependencies: [
                "LicenceService", "QLDBDriver", "QLDBLedger", "Ion",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
