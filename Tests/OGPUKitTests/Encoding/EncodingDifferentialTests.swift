import BigInt
import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// Differential tests against the Python reference libraries Ethereum tooling is built on: pycryptodome's
/// Keccak, pyrlp (strict decoding) and eth-utils' EIP-55 checksums and wei conversions. Random inputs, fixed
/// seed, one Python run. scripts/test provides the venv (scripts/setup, pinned in scripts/requirements-test.txt).
final class EncodingDifferentialTests: XCTestCase {
    private static let referenceScript = #"""
import json, sys
import rlp
from Crypto.Hash import keccak
from decimal import Decimal
from eth_utils import from_wei, to_checksum_address, to_wei

def shortest(x):
    return format(x.normalize(), "f") if isinstance(x, Decimal) else str(x)

def tree(x):
    return bytes.fromhex(x) if isinstance(x, str) else [tree(i) for i in x]

def accepts(h):
    try:
        rlp.decode(bytes.fromhex(h), strict=True)
        return True
    except Exception:
        return False

req = json.load(sys.stdin)
json.dump({
    "keccak": [keccak.new(digest_bits=256, data=bytes.fromhex(h)).hexdigest() for h in req["keccak"]],
    "rlp": [rlp.encode(tree(t)).hex() for t in req["rlp"]],
    "address": [to_checksum_address("0x" + h) for h in req["address"]],
    "decode": [accepts(h) for h in req["decode"]],
    "from_wei": [shortest(from_wei(int(v), unit)) for v, unit in req["from_wei"]],
    "to_wei": [str(to_wei(text, unit)) for text, unit in req["to_wei"]],
}, sys.stdout)
"""#

    private func runReference(_ request: [String: Any]) throws -> [String: Any] {
        guard let venv = ProcessInfo.processInfo.environment["OGPU_TEST_VENV"] else {
            throw XCTSkip("differential tests need the test venv: run scripts/test (it sets OGPU_TEST_VENV)")
        }
        return try PeerProcess.ask(URL(fileURLWithPath: venv + "/bin/python"), ["-c", Self.referenceScript], request)
    }

    private func hex(_ bytes: [UInt8]) -> String { Hex.encode(bytes, prefix: false) }

    private func randomBytes<G: RandomNumberGenerator>(_ count: Int, _ rng: inout G) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    private func randomItem<G: RandomNumberGenerator>(_ depth: Int, _ rng: inout G) -> RLP.Item {
        if depth > 3 || Int.random(in: 0..<3, using: &rng) > 0 {
            let count = [0, 1, 1, 1, 2, 20, 55, 56, 57, 200, 1100].randomElement(using: &rng)!
            var bytes = randomBytes(count, &rng)
            if count == 1 && Bool.random(using: &rng) { bytes[0] &= 0x7f }
            return .bytes(bytes)
        }
        return .list((0..<Int.random(in: 0...5, using: &rng)).map { _ in randomItem(depth + 1, &rng) })
    }

    private func json(_ item: RLP.Item) -> Any {
        switch item {
        case .bytes(let b): return hex(b)
        case .list(let items): return items.map(json)
        }
    }

    /// Small corruptions of valid encodings: flipped, dropped, appended bytes, and rewritten headers.
    private func mutate<G: RandomNumberGenerator>(_ bytes: [UInt8], _ rng: inout G) -> [UInt8] {
        var out = bytes
        switch Int.random(in: 0..<4, using: &rng) {
        case 0 where !out.isEmpty: out[Int.random(in: 0..<out.count, using: &rng)] ^= 1 << UInt8.random(in: 0...7, using: &rng)
        case 1 where !out.isEmpty: out.remove(at: Int.random(in: 0..<out.count, using: &rng))
        case 2: out.append(UInt8.random(in: 0...255, using: &rng))
        default: if !out.isEmpty { out[0] = UInt8.random(in: 0x7f...0xff, using: &rng) }
        }
        return out
    }

    func testAgainstPythonReferenceLibraries() throws {
        var rng = SeededGenerator(seed: 20_261_126)
        let keccakInputs = (0..<300).map { i in randomBytes(i < 150 ? i * 3 : Int.random(in: 0...2000, using: &rng), &rng) }
        let items = (0..<300).map { _ in randomItem(0, &rng) }
        let addresses = (0..<300).map { _ in randomBytes(20, &rng) }
        let encodings = items.map(RLP.encode)
        let corrupted = (0..<1500).map { i in mutate(encodings[i % encodings.count], &rng) }
            + (0..<500).map { _ in randomBytes(Int.random(in: 1...12, using: &rng), &rng) }

        let units = [("ether", 18), ("gwei", 9), ("mwei", 6), ("wei", 0)]
        let amounts: [(value: BigUInt, unit: String, decimals: Int)] = (0..<400).map { i in
            let unit = units[i % units.count]
            // eth-utils works in Python's default 28-digit decimal context and rounds longer amounts (we stay
            // exact; UnitsTests covers the full 256-bit range), so compare below 10^28 wei (10 billion ether).
            let bits = Int.random(in: 0...92, using: &rng)
            let value = randomBytes(32, &rng).withUnsafeBytes { BigUInt($0) } >> (255 - bits)
            // Round some to whole units so the no-fraction form gets exercised too.
            let whole = i % 5 == 0 ? value / BigUInt(10).power(unit.1) * BigUInt(10).power(unit.1) : value
            return (whole, unit.0, unit.1)
        }
        let ourTexts = amounts.map { Units.format($0.value, decimals: $0.decimals) }

        let reply = try runReference([
            "keccak": keccakInputs.map(hex), "rlp": items.map(json), "address": addresses.map(hex),
            "decode": corrupted.map(hex),
            "from_wei": amounts.map { [String($0.value), $0.unit] },
            "to_wei": zip(ourTexts, amounts).map { [$0, $1.unit] },
        ])

        let keccak = try XCTUnwrap(reply["keccak"] as? [String])
        XCTAssertEqual(keccak.count, keccakInputs.count)
        for (input, expected) in zip(keccakInputs, keccak) {
            XCTAssertEqual(hex(Keccak256.hash(input)), expected, "keccak of \(input.count) bytes")
        }
        let rlp = try XCTUnwrap(reply["rlp"] as? [String])
        XCTAssertEqual(rlp.count, items.count)
        for (encoding, expected) in zip(encodings, rlp) {
            XCTAssertEqual(hex(encoding), expected)
        }
        let checksums = try XCTUnwrap(reply["address"] as? [String])
        XCTAssertEqual(checksums.count, addresses.count)
        for (bytes, expected) in zip(addresses, checksums) {
            XCTAssertEqual(try Address(bytes: bytes).checksummed, expected)
        }
        let accepted = try XCTUnwrap(reply["decode"] as? [Bool])
        XCTAssertEqual(accepted.count, corrupted.count)
        var rejections = 0
        for (bytes, pyrlpAccepts) in zip(corrupted, accepted) {
            let ours = (try? RLP.decode(bytes)) != nil
            XCTAssertEqual(ours, pyrlpAccepts, "pyrlp \(pyrlpAccepts ? "accepts" : "rejects") \(hex(bytes))")
            if !pyrlpAccepts { rejections += 1 }
        }
        let fromWei = try XCTUnwrap(reply["from_wei"] as? [String])
        let toWei = try XCTUnwrap(reply["to_wei"] as? [String])
        XCTAssertEqual(fromWei.count, amounts.count)
        XCTAssertEqual(toWei.count, amounts.count)
        for (i, amount) in amounts.enumerated() where i < min(fromWei.count, toWei.count) {
            XCTAssertEqual(ourTexts[i], fromWei[i], "format \(amount.value) \(amount.unit)")
            XCTAssertEqual(try Units.parse(fromWei[i], decimals: amount.decimals), amount.value)
            XCTAssertEqual(String(amount.value), toWei[i], "eth-utils reads our \(ourTexts[i]) \(amount.unit)")
        }
        print("pyrlp/pycryptodome/eth-utils differential: \(keccak.count) keccak, \(rlp.count) rlp encodings, "
              + "\(checksums.count) checksums, \(accepted.count) corrupted decodings (\(rejections) rejected), "
              + "\(fromWei.count) wei conversions")
        XCTAssertGreaterThan(rejections, 100, "mutations should mostly produce invalid RLP")
    }
}

private struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {  // SplitMix64
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
