import Foundation

// ogpu-bench: micro-benchmarks for the client core, run by scripts/bench. Each benchmark measures a peer
// (OpenSSL, libsecp256k1, …) in the same run and prints the ratio, so figures are comparable on any machine.
//
// Usage: ogpu-bench <benchmark> [arguments]

/// Benchmark name → entry point. Each file in this directory adds one entry here.
let benchmarks: [(name: String, summary: String, run: ([String]) throws -> Void)] = [
    ("keccak", "Keccak-256 throughput vs openssl SHA3-256, hashes/s on 32-byte inputs", runKeccakBenchmark),
    ("keccak-allocs", "hash N 32-byte inputs (for counting heap allocations under valgrind)", runKeccakAllocationProbe),
    ("sign", "build+sign+serialize an EIP-1559 publishTask tx vs bare libsecp256k1 and Python eth-account", runSignBenchmark),
    ("abi", "encode publishTask calldata and decode the ethers ABI corpus vs Python eth-abi", runABIBenchmark),
    ("publish", "publish N tasks on a devnet (sequential and pipelined) vs the official Python SDK", runPublishBenchmark),
]

/// What a benchmark throws when it cannot run or its peer did different work; main prints it.
struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, let benchmark = benchmarks.first(where: { $0.name == name }) else {
    print("usage: ogpu-bench <benchmark> [arguments]\n\nbenchmarks:")
    for b in benchmarks { print("  \(b.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(b.summary)") }
    exit(arguments.isEmpty ? 0 : 2)
}
do {
    try benchmark.run(Array(arguments.dropFirst()))
} catch {
    print("ogpu-bench \(name): \(error)")
    exit(1)
}
