// swift-tools-version:6.0
import PackageDescription

// Data flows one way: ogpu (CLI, REPL) → OGPUScript (language) → OGPUKit (client core).
let package = Package(
    name: "ogpu",
    products: [
        .executable(name: "ogpu", targets: ["ogpu"]),
        .library(name: "OGPUKit", targets: ["OGPUKit"]),
        .library(name: "OGPUScript", targets: ["OGPUScript"]),
    ],
    dependencies: [
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
    ],
    targets: [
        // System libraries, found through pkg-config (scripts/setup installs the -dev packages).
        .systemLibrary(name: "CSecp256k1", path: "Sources/CSecp256k1", pkgConfig: "libsecp256k1",
                       providers: [.apt(["libsecp256k1-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CEditLine", path: "Sources/CEditLine", pkgConfig: "libedit",
                       providers: [.apt(["libedit-dev"])]),

        .target(name: "OGPUKit", dependencies: [
            "CSecp256k1", "CCurl",
            .product(name: "BigInt", package: "BigInt"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "CryptoExtras", package: "swift-crypto"),
        ]),
        .target(name: "OGPUScript", dependencies: ["OGPUKit", .product(name: "BigInt", package: "BigInt")],
                // The evaluator's hot paths touch class fields (frames, cells, depth) millions of
                // times; its accesses never overlap, so release builds skip the dynamic checks.
                swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        .executableTarget(name: "ogpu", dependencies: [
            "OGPUScript", "OGPUKit", "CEditLine",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Benchmarks (scripts/bench): `ogpu-bench <name>` prints figures against named peers.
        .executableTarget(name: "ogpu-bench", dependencies: ["OGPUKit", "CSecp256k1"], path: "bench/OGPUBench"),

        .testTarget(name: "OGPUKitTests", dependencies: ["OGPUKit"]),
        .testTarget(name: "OGPUScriptTests", dependencies: ["OGPUScript", "ogpu"]),
    ],
    swiftLanguageModes: [.v5]
)
