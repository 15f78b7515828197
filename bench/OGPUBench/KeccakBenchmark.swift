import Foundation
import OGPUKit
import OGPUPrimitives

// Keccak-256 against OpenSSL's SHA3-256 (same Keccak-f[1600] permutation and rate, different padding byte),
// measured in the same process run so both see the same machine load.

private let blockSize = 16 * 1024

/// MB/s (10^6 bytes) of Keccak256 over 16 KiB inputs, running for about `seconds` of thread CPU time
/// (`openssl speed` divides by user CPU time too, so both figures stay comparable on a shared machine).
private func keccakThroughput(seconds: Double) -> Double {
    var input = [UInt8](repeating: 0x61, count: blockSize)
    var digest = [UInt8](repeating: 0, count: 32)
    let batch = 256
    let hashesPerSecond = operationsPerSecond(seconds: seconds, operationsPerCall: batch) {
        input.withUnsafeMutableBytes { inputBytes in
            digest.withUnsafeMutableBytes { out in
                for _ in 0..<batch {
                    Keccak256.hash(UnsafeRawBufferPointer(inputBytes), into: out)
                    inputBytes[0] ^= out[0]  // chain, so no iteration can be skipped
                }
            }
        }
    }
    return hashesPerSecond * Double(blockSize) / 1e6
}

/// Hashes per second on 32-byte inputs (each hash is the hash of the previous digest, like a hash chain).
/// `allocating` uses the `[UInt8]`-returning API; otherwise the caller-buffer one.
private func keccakHashesPerSecond(seconds: Double, allocating: Bool) -> Double {
    var state = [UInt8](repeating: 7, count: 32)
    var scratch = [UInt8](repeating: 0, count: 32)
    let batch = 100_000
    let rate = operationsPerSecond(seconds: seconds, operationsPerCall: batch) {
        if allocating {
            for _ in 0..<batch { state = Keccak256.hash(state) }
        } else {
            state.withUnsafeMutableBytes { a in
                scratch.withUnsafeMutableBytes { b in
                    for _ in 0..<(batch / 2) {
                        Keccak256.hash(UnsafeRawBufferPointer(a), into: b)
                        Keccak256.hash(UnsafeRawBufferPointer(b), into: a)
                    }
                }
            }
        }
    }
    precondition(state.count == 32)
    return rate
}

/// OpenSSL SHA3-256 MB/s at 16 KiB, from `openssl speed -evp sha3-256 -bytes 16384` (reports 1000s of bytes/s).
private func opensslThroughput(seconds: Int) throws -> Double {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["openssl", "speed", "-evp", "sha3-256", "-bytes", "\(blockSize)", "-seconds", "\(seconds)"]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    // Result line: "sha3-256        195952.64k"
    for line in output.split(separator: "\n") where line.hasPrefix("sha3-256") {
        if let field = line.split(separator: " ").last, field.hasSuffix("k"), let k = Double(field.dropLast()) {
            return k * 1000 / 1e6
        }
    }
    throw BenchmarkError("could not read `openssl speed` output:\n\(output)")
}

func runKeccakBenchmark(_ arguments: [String]) throws {
    let seconds = arguments.first.flatMap(Double.init) ?? 1
    // Interleave all measurements and keep each one's best over three rounds, so a burst of load on a shared
    // machine hurts none of them in particular.
    var ours = 0.0, openssl = 0.0, perSecond = 0.0, perSecondArray = 0.0
    for _ in 0..<3 {
        ours = max(ours, keccakThroughput(seconds: seconds))
        openssl = max(openssl, try opensslThroughput(seconds: max(1, Int(seconds))))
        perSecond = max(perSecond, keccakHashesPerSecond(seconds: seconds, allocating: false))
        perSecondArray = max(perSecondArray, keccakHashesPerSecond(seconds: seconds, allocating: true))
    }
    print(String(format: "keccak256 16 KiB:        %8.1f MB/s", ours))
    print(String(format: "openssl sha3-256 16 KiB: %8.1f MB/s", openssl))
    print(String(format: "ratio ogpu/openssl:      %8.2f   (target >= 0.70)", ours / openssl))
    // A 32-byte hash is one permutation, so it can be at most (16 KiB MB/s) / 136 bytes per block.
    print(String(format: "keccak256 32 B, into buffer:   %6.2f M hashes/s (target >= 2.5; one permutation each, "
                 + "the 16 KiB rate allows %.2f M)", perSecond / 1e6, ours / 136))
    print(String(format: "keccak256 32 B, returns array: %6.2f M hashes/s", perSecondArray / 1e6))
    print("(CPU time of this thread; openssl speed likewise reports per user CPU second)")
}

/// `keccak-allocs <mode> <n>`: hashes n 32-byte inputs, for scripts/bench to count mallocs under valgrind.
/// mode is `into` (caller buffer) or `array` (returns [UInt8]).
func runKeccakAllocationProbe(_ arguments: [String]) throws {
    guard arguments.count == 2, let n = Int(arguments[1]), ["into", "array"].contains(arguments[0]) else {
        throw BenchmarkError("usage: ogpu-bench keccak-allocs into|array <count>")
    }
    var state = [UInt8](repeating: 7, count: 32)
    var scratch = [UInt8](repeating: 0, count: 32)
    if arguments[0] == "array" {
        for _ in 0..<n { state = Keccak256.hash(state) }
    } else {
        state.withUnsafeMutableBytes { a in
            scratch.withUnsafeMutableBytes { b in
                for _ in 0..<n {
                    Keccak256.hash(UnsafeRawBufferPointer(a), into: b)
                    a.copyMemory(from: UnsafeRawBufferPointer(b))
                }
            }
        }
    }
    print(Hex.encode(state))
}
