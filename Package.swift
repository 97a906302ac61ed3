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
        .executable(name: "qldb", targets: ["QLDBCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/attaswift/BigInt.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.0"),
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
            dependencies: ["Ion", "IonHash", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "SigV4",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .target(name: "CLibCrypto", condition: .when(platforms: [.linux])),
            ]
        ),
        .target(name: "QLDBSession"),
        .executableTarget(
            name: "QLDBCLI",
            dependencies: ["Ion", "IonHash", "QLDBHashing", .product(name: "ArgumentParser", package: "swift-argument-parser")]
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
    ],
    swiftLanguageModes: [.v6]
)
