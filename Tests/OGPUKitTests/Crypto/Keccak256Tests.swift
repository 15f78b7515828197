import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

final class Keccak256Tests: XCTestCase {
    private struct Case {
        let input: [UInt8]
        let hash: [UInt8]
    }

    /// reference/keccak256.json: hex inputs of many lengths (including block-boundary ones) plus a
    /// one-million-byte repeated input.
    private func referenceCases() throws -> [Case] {
        let root = try XCTUnwrap(SharedVectors.json("reference/keccak256.json") as? [String: Any])
        let cases = try XCTUnwrap(root["cases"] as? [[String: Any]])
        return try cases.map { c in
            let hash = SharedVectors.hex(try XCTUnwrap(c["hash"] as? String))
            if let repeatSpec = c["input_repeat"] as? [String: Any] {
                let byte = SharedVectors.hex(try XCTUnwrap(repeatSpec["byte"] as? String))
                let count = try XCTUnwrap(repeatSpec["count"] as? Int)
                return Case(input: [UInt8](repeating: try XCTUnwrap(byte.first), count: count), hash: hash)
            }
            return Case(input: SharedVectors.hex(try XCTUnwrap(c["input"] as? String)), hash: hash)
        }
    }

    func testReferenceVectors() throws {
        let cases = try referenceCases()
        for (i, c) in cases.enumerated() {
            XCTAssertEqual(Keccak256.hash(c.input), c.hash, "reference case \(i) (\(c.input.count) bytes)")
        }
        SharedVectors.report("reference/keccak256.json", cases.count)
    }

    func testReferenceVectorsStreamedInUnevenChunks() throws {
        let cases = try referenceCases()
        var generator = SplitMix64(seed: 0x6b656363616b)
        for (i, c) in cases.enumerated() {
            var hasher = Keccak256.Hasher()
            var rest = c.input[...]
            while !rest.isEmpty {
                // Chunk sizes straddle the 136-byte block, to exercise every partial-block path.
                let size = min(rest.count, Int(generator.next() % 300))
                hasher.update(rest.prefix(size))
                rest = rest.dropFirst(size)
            }
            XCTAssertEqual(hasher.finalize(), c.hash, "streamed reference case \(i)")
        }
        SharedVectors.report("reference/keccak256.json (streamed)", cases.count)
    }

    func testEthersHashVectors() throws {
        let cases = try XCTUnwrap(SharedVectors.json("ethers/hashes.json") as? [[String: Any]])
        var count = 0
        for c in cases {
            guard let expected = c["keccak256"] as? String else { continue }
            let data = SharedVectors.hex(try XCTUnwrap(c["data"] as? String))
            XCTAssertEqual(Hex.encode(Keccak256.hash(data)), expected, "\(c["name"] ?? "?")")
            count += 1
        }
        SharedVectors.report("ethers/hashes.json", count)
    }

    /// In ethereum-tests' keyaddrtest.json each private key is keccak256 of the seed word (the address part
    /// needs secp256k1 and is tested with the wallet).
    func testKeyAddrSeedsHashToKeys() throws {
        let cases = try XCTUnwrap(SharedVectors.json("ethereum-tests/BasicTests/keyaddrtest.json") as? [[String: Any]])
        for c in cases {
            let seed = try XCTUnwrap(c["seed"] as? String)
            XCTAssertEqual(Hex.encode(Keccak256.hash(seed), prefix: false), c["key"] as? String, seed)
        }
        SharedVectors.report("ethereum-tests/BasicTests/keyaddrtest.json (seed→key)", cases.count)
    }

    func testStreamingMatchesOneShotAtEverySplitPoint() {
        for length in [0, 1, 7, 8, 135, 136, 137, 271, 272, 273, 500] {
            let input = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let expected = Keccak256.hash(input)
            for split in 0...length {
                var hasher = Keccak256.Hasher()
                hasher.update(input[..<split])
                hasher.update(input[split...])
                XCTAssertEqual(hasher.finalize(), expected, "length \(length) split at \(split)")
            }
        }
    }

    func testFinalizeLeavesHasherUsable() {
        var hasher = Keccak256.Hasher()
        hasher.update("hello ")
        XCTAssertEqual(hasher.finalize(), Keccak256.hash("hello "))
        hasher.update("world")
        XCTAssertEqual(hasher.finalize(), Keccak256.hash("hello world"))
    }

    func testStringAndNonContiguousInputs() {
        let text = "transfer(address,uint256)"
        // The ERC-20 transfer selector, which every token transfer on chain starts with.
        XCTAssertEqual(Array(Keccak256.hash(text).prefix(4)), [0xa9, 0x05, 0x9c, 0xbb])
        XCTAssertEqual(Keccak256.hash(text), Keccak256.hash(Array(text.utf8)))
        XCTAssertEqual(Keccak256.hash(Array(text.utf8).reversed().reversed()), Keccak256.hash(text))
        XCTAssertEqual(Keccak256.hash(Data(text.utf8)), Keccak256.hash(text))
        let bridged = "é-\(text)" as NSString as String  // may be non-contiguous UTF-16 storage
        XCTAssertEqual(Keccak256.hash(bridged), Keccak256.hash(Array(bridged.utf8)))
    }

    func testHashIntoCallerBuffer() {
        let input: [UInt8] = Array("abc".utf8)
        var out = [UInt8](repeating: 0xee, count: 40)
        input.withUnsafeBytes { i in out.withUnsafeMutableBytes { Keccak256.hash(i, into: $0) } }
        XCTAssertEqual(Array(out.prefix(32)), Keccak256.hash(input))
        XCTAssertEqual(Array(out.suffix(8)), [UInt8](repeating: 0xee, count: 8), "wrote past 32 bytes")
    }
}
