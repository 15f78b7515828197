// swift-tools-version:6.0
import PackageDescription

// Data flows one way: ogpu, ogpu-mcp → OGPUCommand (CLI, REPL, ...) → OGPUScript (language) → OGPUKit (network client) →
// OGPUPrimitives (addresses, units, hashing, RLP, ABI, keys and signing: no transport).
let package = Package(
    name: "ogpu",
    products: [
        .executable(name: "ogpu", targets: ["ogpu"]),
        .executable(name: "ogpu-mcp", targets: ["ogpu-mcp"]),
        .library(name: "OGPUPrimitives", targets: ["OGPUPrimitives"]),
        .library(name: "OGPUKit", targets: ["OGPUKit"]),
        .library(name: "OGPUScript", targets: ["OGPUScript"]),
    ],
    dependencies: [
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
        // `ogpu mcp`'s server, the separate ogpu-mcp program (Sources/ogpu-mcp). Pre-1.0, so minor
        // versions may break: up to the next minor.
        // Cost (measured Dec 2026, -j 1 on a shared 2-core machine, clean clone): it compiles
        // swift-system and swift-log besides itself (swift-nio etc. are resolved, not built);
        // `swift build --build-tests` 812 -> +169 s wall (172 -> +40 s user), release `--product
        // ogpu` 625 -> +132 s wall (242 -> +80 s user), release binary 104.7 -> 116.0 MB. Its
        // HTTP transports import FoundationNetworking, so a binary linking it loads libcurl and ~30
        // more shared libraries at start-up (11 -> 41 in ldd): linked into ogpu, `ogpu -e 1`
        // user+sys CPU went 3.8 -> 10.1 ms (hyperfine, 100 runs). Hence ogpu-mcp, which `ogpu mcp`
        // execs: ogpu itself links none of it. Measured after the split (release, hyperfine 100
        // runs, same run): ogpu 11 ldd lines, 106.9 MB (67.5 stripped), `ogpu -e 1` 4.5 ms user+sys;
        // ogpu-mcp 41 lines, 118.3 MB (71.4 stripped), `ogpu-mcp --help` 10.7 ms.
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", .upToNextMinor(from: "0.12.1")),
    ],
    targets: [
        // System libraries, found through pkg-config (scripts/setup installs the -dev packages).
        .systemLibrary(name: "CSecp256k1", path: "Sources/CSecp256k1", pkgConfig: "libsecp256k1",
                       providers: [.apt(["libsecp256k1-dev"])]),
        // libcurl's headers only: it is opened at run time, on the first request (Sources/CCurl/shim.h).
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // libedit's headers only: the REPL opens it when it starts (Sources/CEditLine/shim.h).
        .systemLibrary(name: "CEditLine", path: "Sources/CEditLine", providers: [.apt(["libedit-dev"])]),
        // ZeroMQ's headers only, for the Jupyter kernel: `ogpu kernel` opens it (Sources/CZMQ/shim.h).
        .systemLibrary(name: "CZMQ", path: "Sources/CZMQ", providers: [.apt(["libzmq3-dev"])]),

        // What the parser and a signer need, with no network code: a script that only computes
        // addresses, amounts and hashes links nothing of the transport.
        .target(name: "OGPUPrimitives", dependencies: [
            "CSecp256k1",
            .product(name: "BigInt", package: "BigInt"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "CryptoExtras", package: "swift-crypto"),
        ], swiftSettings: [.swiftLanguageMode(.v6), .enableUpcomingFeature("MemberImportVisibility"),
                    // One section per function, so the release link can pack the ones a run
                    // executes together (target ogpu's section ordering; here and on the other modules).
                    // Concrete generic types (`[String: BuiltinFunction]`, ...) are instantiated by
                    // direct metadata calls rather than by demangling their names at run time,
                    // which also searched every protocol conformance of the binary for their
                    // requirements: the built-in tables built at every start cost 1.1 M instructions
                    // (callgrind, `ogpu -e 1`: 2.82 M -> 2.47 M; the binary grows 37 KB).
                    .unsafeFlags(["-Xfrontend", "-function-sections", "-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors"], .when(configuration: .release))]),
        // MemberImportVisibility (here and on OGPUKit, OGPUScript, ogpu): a file sees only the
        // members of the modules it imports itself. Without it, BigInt's `import Foundation` made
        // the full Foundation's String methods (`contains`, `range(of:)`, `padding`,
        // `String(format:)`) resolve in every file that imports BigInt, and linking one of them
        // brought ICU's data in: 66.9 MB stripped instead of 22.7 (README, "Start-up and binary size").
        // The network client: JSON-RPC over libcurl, the send journal, IPFS, the OpenGPU contracts.
        .target(name: "OGPUKit", dependencies: [
            "OGPUPrimitives", "CCurl",
            .product(name: "BigInt", package: "BigInt"),
        ], swiftSettings: [.swiftLanguageMode(.v6), .enableUpcomingFeature("MemberImportVisibility"),
                    .unsafeFlags(["-Xfrontend", "-function-sections", "-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors"], .when(configuration: .release))]),
        .target(name: "OGPUScript", dependencies: ["OGPUKit", "OGPUPrimitives", .product(name: "BigInt", package: "BigInt")],
                swiftSettings: [
                    .enableUpcomingFeature("MemberImportVisibility"),
                    // The evaluator's hot paths touch class fields (frames, cells, depth) millions of
                    // times; its accesses never overlap, so release builds skip the dynamic checks.
                    // Measured (callgrind, bench/lang, Dec 2026): with the checks fib runs 500M
                    // instructions instead of 321M, closures 887M/552M, tak 993M/744M, push 608M/540M.
                    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
                    // A script runs on one thread, so its values are counted with plain (non-atomic)
                    // increments. The contract this needs (Runtime/LanguageThread.swift, README
                    // "Threading contract"): at any moment at most ONE thread in the process runs
                    // this module's code — any session's start, runs, checks and end — not one per
                    // session, because sessions share objects (the built-in table, constants) whose
                    // counts would race too. Hand-overs go through a join (BigStack.run) or a lock;
                    // the Ctrl-C thread only raises an InterruptFlag, which has no reference count.
                    // Debug builds trap an entry made while another thread is inside.
                    // Debug builds too, so tests run what users run. Measured (Dec 2026, user CPU,
                    // 15 runs): without it tak takes 76.5 ms instead of 64.0, closures 44.9/41.1,
                    // fib 34.7/35.0 (instruction counts barely move: the cost is the atomic ops).
                    // Again after calls stopped counting references (hyperfine, 40 runs, user CPU,
                    // atomic ÷ non-atomic): closures 1.11, sortkey 1.05, tak 0.99, fib 0.98, push
                    // 1.01, strings 0.96 — it now pays on closure-heavy code only. Dropping it
                    // would let sessions run on several threads at once (kept for now; README).
                    // -enforce-exclusivity=unchecked, same run (15 runs, checked ÷ unchecked user
                    // CPU): tak 1.42, closures 1.76, fib 1.47 — it still pays well.
                    .unsafeFlags(["-Xfrontend", "-assume-single-threaded"]),
                    .unsafeFlags(["-Xfrontend", "-function-sections", "-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors"], .when(configuration: .release)),
                ]),
        // `ogpu --version`: the version and the commit, written before each build (Plugins/BuildInfo).
        .plugin(name: "BuildInfo", capability: .buildTool()),
        // docs/language.md and docs/errors.md inside the binary, for `ogpu mcp`'s resources (Plugins/BundledDocs).
        .plugin(name: "BundledDocs", capability: .buildTool()),
        // The command (CLI, Engine, REPL, LSP, Kernel), shared by the two programs below; what
        // ogpu-mcp uses of it is `package`.
        .target(name: "OGPUCommand", dependencies: [
            "OGPUScript", "OGPUKit", "OGPUPrimitives", "CEditLine", "CZMQ",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            // HMAC-SHA256 signing of the Jupyter kernel's messages.
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: [
            .enableUpcomingFeature("MemberImportVisibility"),
            // Compiled against the static libraries too, so this module's autolink entries name
            // what static FoundationEssentials needs (_FoundationCShims, _FoundationCollections).
            .unsafeFlags(["-static-stdlib"], .when(configuration: .release)),
            .unsafeFlags(["-Xfrontend", "-function-sections", "-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors"], .when(configuration: .release)),
        ], plugins: ["BuildInfo"]),
        .executableTarget(name: "ogpu", dependencies: ["OGPUCommand"], exclude: ["hot-text.ld", "static-cxx"], swiftSettings: [
            .unsafeFlags(["-static-stdlib"], .when(configuration: .release)),
        ], linkerSettings: [
            // Release binaries carry the Swift runtime and FoundationEssentials inside (as `swift build
            // --static-swift-stdlib` would): start-up fell from 24 to 15 ms (hyperfine, `-e 1`), and
            // the interpreter's calls into the runtime (retain/release) skip the PLT, so
            // bench/lang/strings ran 68 -> 49 ms. The system C libraries stay shared.
            .unsafeFlags(["-static-stdlib"], .when(configuration: .release)),
            // Peak memory. (1) The code a run executes is packed together: Sources/ogpu/hot-text.ld,
            // written by scripts/section-order from callgrind runs of `-e 1`, `--help` and bench/lang,
            // puts it in one output section before the rest of .text. The kernel maps code in whole
            // page-cache folios (64 KB to 1 MB here, plus fault-around), so the ~1,000 functions a
            // start-up runs, spread over 14 MB of .text, kept ~8 MB of it resident. Our modules
            // compile with -function-sections (release) so each of their functions can be placed.
            // (2) Relative relocations packed (RELR, glibc >= 2.36): the 52,000 of them took 1.2 MB
            // of .rela.dyn, all read at every start; now 10 KB. Both need GNU ld (bfd): gold, swiftc's
            // default, has neither RELR nor INSERT scripts, and lld pulls the full Foundation and ICU
            // in here (it resolves a few generic specializations from libFoundation.a first).
            // PIE stays: a non-PIE ogpu is mapped at a 2 MB-aligned address, where a page cache
            // holding large folios (a binary written by `dd bs=1M`, or by strip) is mapped in 2 MB
            // pieces: 20 MB resident for `-e 1`.
            // Measured: README, "Start-up and binary size". SwiftPM does not track hot-text.ld: after
            // changing only it, delete the built ogpu to relink.
            // (3) libstdc++ is linked static (the Swift runtime's only C++ dependency; nothing of it is
            // exported: the runtime's link flags hide every archive's symbols). The shared one cost
            // every start ~1.6 M instructions and ~40 page faults, relocating its 5,200 entries
            // against the other libraries (callgrind, `ogpu -e 1`: 5.43 M -> 3.60 M instructions).
            // Sources/ogpu/static-cxx/libstdc++.so is a linker script that names the archive.
            // (4) No symbol is exported (--no-export-dynamic undoes the runtime's -export-dynamic):
            // ogpu loads no plug-ins that would link against it, and the 12,600 exported names
            // (1 MB of .dynsym, .dynstr and hash) were scanned by the runtime's start-up `dladdr`
            // (callgrind, `ogpu -e 1`: 2.47 M -> 2.11 M instructions).
            .unsafeFlags(["-use-ld=bfd", "-L", "\(Context.packageDirectory)/Sources/ogpu/static-cxx",
                          "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic",
                          "-Xlinker", "-T", "-Xlinker", "\(Context.packageDirectory)/Sources/ogpu/hot-text.ld"],
                         .when(configuration: .release)),
        ]),
        // `ogpu mcp` execs this program (found beside ogpu): the MCP SDK's FoundationNetworking
        // (libcurl and ~30 more shared libraries at start-up) stays out of `ogpu` (Package.swift's
        // swift-sdk comment has the costs).
        .executableTarget(name: "ogpu-mcp", dependencies: [
            "OGPUCommand", "OGPUScript", "OGPUKit", "OGPUPrimitives",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "MCP", package: "swift-sdk"),
        ], swiftSettings: [
            .unsafeFlags(["-static-stdlib"], .when(configuration: .release)),
        ], linkerSettings: [
            .unsafeFlags(["-static-stdlib"], .when(configuration: .release)),
        ], plugins: ["BuildInfo", "BundledDocs"]),

        // Benchmarks (scripts/bench): `ogpu-bench <name>` prints figures against named peers.
        .executableTarget(name: "ogpu-bench", dependencies: ["OGPUKit", "OGPUPrimitives", "CSecp256k1"], path: "bench/OGPUBench"),

        .testTarget(name: "OGPUKitTests", dependencies: ["OGPUKit", "OGPUPrimitives"]),
        .testTarget(name: "OGPUScriptTests", dependencies: ["OGPUScript", "ogpu", "OGPUKit", "OGPUPrimitives"]),
    ],
    // The language and the command stay in the Swift 5 mode: the evaluator is single-threaded by
    // contract (-assume-single-threaded) and its globals are per-process tables.
    swiftLanguageModes: [.v5]
)

// The libFuzzer target (scripts/fuzz, scripts/test.d/40-fuzz) exists only when OGPU_FUZZ=1: it
// has no `main` of its own (libFuzzer's comes in with -sanitize=fuzzer), so a plain `swift build`
// could not link it.
if Context.environment["OGPU_FUZZ"] == "1" {
    package.products.append(.executable(name: "ogpu-fuzz", targets: ["ogpu-fuzz"]))
    package.targets.append(.executableTarget(name: "ogpu-fuzz", dependencies: ["OGPUScript", "OGPUPrimitives"], path: "Fuzz/OGPUScriptFuzz"))
}
