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
        .library(name: "QLDBHTTPTransport", targets: ["QLDBHTTPTransport"]),
        .library(name: "QLDBDriver", targets: ["QLDBDriver"]),
        .library(name: "QLDBTesting", targets: ["QLDBTesting"]),
        .library(name: "QLDBLedger", targets: ["QLDBLedger"]),
        .library(name: "QLDBLedgerPostgres", targets: ["QLDBLedgerPostgres"]),
        .library(name: "QLDBLedgerServer", targets: ["QLDBLedgerServer"]),
        .library(name: "QLDBControl", targets: ["QLDBControl"]),
        .library(name: "QLDBControlClient", targets: ["QLDBControlClient"]),
        .library(name: "QLDBPermissions", targets: ["QLDBPermissions"]),
        .library(name: "S3Objects", targets: ["S3Objects"]),
        .library(name: "LicenceService", targets: ["LicenceService"]),
        .executable(name: "qldb", targets: ["QLDBCLI"]),
        .executable(name: "licence-service", targets: ["LicenceServiceMain"]),
        .executable(name: "licence-lambda", targets: ["LicenceLambdaMain"]),
    ],
    dependencies: [
        .package(url: "https://github.com/attaswift/BigInt.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.24.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.10.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.29.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .target(name: "QLDBPrimitives"),
        .systemLibrary(name: "CLibCrypto", path: "Sources/CLibCrypto"),
        .target(
            name: "QLDBCrypto",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto", condition: .when(platforms: [.macOS])),
                .target(name: "CLibCrypto", condition: .when(platforms: [.linux])),
            ]
        ),
        .target(
            name: "Ion",
            dependencies: ["QLDBPrimitives", .product(name: "BigInt", package: "BigInt")]
        ),
        .target(
            name: "IonHash",
            dependencies: ["Ion", "QLDBCrypto", "QLDBPrimitives", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "QLDBHashing",
            dependencies: ["Ion", "IonHash", "QLDBPrimitives"]
        ),
        .target(
            name: "SigV4",
            dependencies: [
                "QLDBCrypto", "QLDBPrimitives",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(name: "QLDBSession", dependencies: ["QLDBPrimitives"]),
        .target(
            name: "QLDBHTTPTransport",
            dependencies: [
                "QLDBDriver", "QLDBSession", "SigV4",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "QLDBDriver",
            dependencies: [
                "Ion", "QLDBHashing", "QLDBPrimitives", "QLDBSession",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "QLDBTesting", dependencies: ["QLDBSession", "Ion"]),
        .target(
            name: "QLDBPartiQL",
            dependencies: ["Ion", "QLDBPrimitives", .product(name: "BigInt", package: "BigInt")]
        ),
        .target(
            name: "QLDBLedger",
            dependencies: [
                "Ion", "QLDBHashing", "QLDBPartiQL", "QLDBPrimitives", "QLDBSession",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // For the SQLite it vendors (the C module VaporCSQLite), called directly.
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
            ]
        ),
        .target(
            name: "QLDBLedgerPostgres",
            dependencies: [
                "Ion", "QLDBHashing", "QLDBLedger", "QLDBPrimitives",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .target(
            name: "HTTPServerLimits",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "QLDBControl", dependencies: ["QLDBPrimitives"]),
        .target(name: "QLDBPermissions"),
        .target(
            name: "QLDBControlClient",
            dependencies: [
                "Ion", "QLDBControl", "QLDBHashing", "QLDBPrimitives", "SigV4",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .target(
            name: "S3Objects",
            dependencies: [
                "QLDBPrimitives", "SigV4", .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .target(
            name: "QLDBLedgerServer",
            dependencies: [
                "HTTPServerLimits", "Ion", "QLDBControl", "QLDBHashing", "QLDBLedger", "QLDBPermissions",
                "QLDBPrimitives", "QLDBSession", "S3Objects", "SigV4",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "LicenceService",
            dependencies: [
                "Ion", "QLDBControl", "QLDBControlClient", "QLDBDriver", "QLDBHashing", "QLDBSession",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "LicenceLambda",
            dependencies: [
                "LicenceService", "QLDBControlClient", "QLDBDriver", "QLDBHTTPTransport", "SigV4",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "LicenceLambdaMain",
            dependencies: ["LicenceLambda", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "LicenceServiceMain",
            dependencies: [
                "HTTPServerLimits", "LicenceLambda", "LicenceService", "QLDBControlClient", "QLDBDriver",
                "QLDBHashing", "QLDBLedger", "QLDBSession",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "QLDBCLI",
            dependencies: [
                "HTTPServerLimits", "Ion", "IonHash", "QLDBHashing", "QLDBLedger", "QLDBLedgerPostgres",
                "QLDBControl", "QLDBLedgerServer", "QLDBPermissions", "QLDBPrimitives", "QLDBSession", "S3Objects",
                "SigV4",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(name: "SharedFixtures", path: "Tests/SharedFixtures"),
        .testTarget(
            name: "QLDBPartiQLTests",
            dependencies: ["QLDBPartiQL", "Ion"]
        ),
        .testTarget(name: "IonTests", dependencies: ["Ion"]),
        .testTarget(name: "QLDBPrimitivesTests", dependencies: ["QLDBPrimitives", "QLDBCrypto"]),
        .testTarget(name: "IonConformanceTests", dependencies: ["Ion", "SharedFixtures"]),
        .testTarget(name: "IonHashTests", dependencies: ["Ion", "IonHash", "QLDBCrypto", "SharedFixtures"]),
        .testTarget(name: "QLDBHashingTests", dependencies: ["Ion", "QLDBHashing", "SharedFixtures"]),
        .testTarget(
            name: "SigV4Tests",
            dependencies: ["SigV4", "SharedFixtures", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(name: "QLDBSessionTests", dependencies: ["QLDBSession", "Ion", "QLDBHashing", "SharedFixtures"]),
        .testTarget(
            name: "QLDBDriverTests",
            dependencies: [
                "QLDBDriver", "QLDBTesting", "QLDBPrimitives", "QLDBSession", "Ion", "QLDBHashing", "SharedFixtures",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            // Recorded sessions read through #filePath, not bundled.
            exclude: ["Recordings"]
        ),
        .testTarget(
            name: "QLDBLedgerTests",
            dependencies: [
                "HTTPServerLimits", "QLDBControl", "QLDBControlClient", "QLDBLedger", "QLDBLedgerPostgres",
                "QLDBLedgerServer", "QLDBDriver", "QLDBHTTPTransport", "QLDBPermissions",
                "QLDBPrimitives", "QLDBSession", "QLDBTesting", "Ion", "QLDBHashing", "SigV4",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
            ],
            // Fixtures read through #filePath, not bundled.
            exclude: ["Fixtures", "PartiQLReference"]
        ),
        .testTarget(name: "QLDBPermissionsTests", dependencies: ["QLDBPermissions"]),
        .testTarget(
            name: "LicenceServiceTests",
            dependencies: [
                "LicenceService", "QLDBControlClient", "QLDBDriver", "QLDBLedger", "QLDBLedgerServer", "Ion", "SigV4",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
