import BigInt
import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// Differential tests against Python eth-abi (the codec under web3.py and the official SDK), run from the
/// venv scripts/eth-abi-venv creates. Random nested types and values must encode to identical bytes, and
/// corrupted encodings must never be accepted by us with a meaning eth-abi would not give them.
final class ABIDifferentialTests: XCTestCase {
    private func peer(_ job: [String: Any]) throws -> [String: Any] {
        try PeerProcess.ask(peer: "eth_abi_peer.py", venvScript: "eth-abi-venv", job)
    }

    // MARK: - Random types and values

    private func randomType(_ rng: inout SplitMix64, depth: Int = 0) -> ABIType {
        let composite = depth < 3 ? Int(rng.next() % 10) : 9
        switch composite {
        case 0, 1: return .array(randomType(&rng, depth: depth + 1))
        case 2: return .fixedArray(randomType(&rng, depth: depth + 1), 1 + Int(rng.next() % 3))
        case 3, 4: return .tuple((0..<(1 + Int(rng.next() % 4))).map { _ in randomType(&rng, depth: depth + 1) })
        default:
            switch rng.next() % 8 {
            case 0: return .uint(8 * (1 + Int(rng.next() % 32)))
            case 1: return .int(8 * (1 + Int(rng.next() % 32)))
            case 2: return .address
            case 3: return .bool
            case 4: return .fixedBytes(1 + Int(rng.next() % 32))
            case 5: return .bytes
            case 6: return .string
            default: return rng.next() % 2 == 0 ? .uint(256) : .int(256)
            }
        }
    }

    private func randomBytes(_ rng: inout SplitMix64, _ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    /// A random value of `type` (edge values often) and its JSON form for the peer.
    private func randomValue(_ type: ABIType, _ rng: inout SplitMix64) -> (ABIValue, Any) {
        switch type {
        case .uint(let bits):
            let max = (BigUInt(1) << bits) - 1
            let v: BigUInt = [0, 1, max][Int(rng.next() % 3)] == 1 ? BigUInt(Data(randomBytes(&rng, bits / 8))) : [0, max][Int(rng.next() % 2)]
            return (.uint(v), v.description)
        case .int(let bits):
            let limit = BigInt(1) << (bits - 1)
            let v: BigInt
            switch rng.next() % 4 {
            case 0: v = -limit
            case 1: v = limit - 1
            default: v = BigInt(BigUInt(Data(randomBytes(&rng, bits / 8)))) - limit
            }
            return (.int(v), v.description)
        case .address:
            let a = try! Address(bytes: randomBytes(&rng, 20))
            return (.address(a), a.checksummed)
        case .bool:
            let b = rng.next() % 2 == 0
            return (.bool(b), b)
        case .fixedBytes(let n):
            let b = randomBytes(&rng, n)
            return (.bytes(b), Hex.encode(b))
        case .bytes:
            let b = randomBytes(&rng, Int(rng.next() % 70))
            return (.bytes(b), Hex.encode(b))
        case .string:
            let pieces = ["a", "Z", " ", "é", "🚀", "\"", "\n", "ß", "\u{0}"]
            let s = (0..<Int(rng.next() % 20)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
            return (.string(s), s)
        case .array(let element):
            let items = (0..<Int(rng.next() % 4)).map { _ in randomValue(element, &rng) }
            return (.array(items.map(\.0)), items.map(\.1))
        case .fixedArray(let element, let k):
            let items = (0..<k).map { _ in randomValue(element, &rng) }
            return (.array(items.map(\.0)), items.map(\.1))
        case .tuple(let components, _):
            let items = components.map { randomValue($0, &rng) }
            return (.tuple(items.map(\.0)), items.map(\.1))
        }
    }

    // MARK: - Tests

    func testRandomNestedValuesEncodeLikeEthAbi() throws {
        var rng = SplitMix64(seed: 0x0abc_def0)
        var cases: [(types: [ABIType], values: [ABIValue], encoded: [UInt8])] = []
        var job: [[String: Any]] = []
        for _ in 0..<400 {
            let types = (0..<(1 + Int(rng.next() % 3))).map { _ in randomType(&rng) }
            let pairs = types.map { randomValue($0, &rng) }
            let values = pairs.map(\.0)
            cases.append((types, values, try ABIEncoder.encode(values, as: types)))
            job.append(["types": types.map(\.canonical), "values": pairs.map(\.1)])
        }
        let answer = try peer(["encode": job, "decode": cases.map { ["types": $0.types.map(\.canonical), "data": Hex.encode($0.encoded)] }])
        let theirs = try XCTUnwrap(answer["encoded"] as? [String])
        let reread = try XCTUnwrap(answer["decoded"] as? [Any])
        XCTAssertEqual(theirs.count, cases.count)
        for (i, c) in cases.enumerated() {
            let signature = c.types.map(\.canonical).joined(separator: ",")
            XCTAssertEqual(Hex.encode(c.encoded), theirs[i], "case \(i) (\(signature))")
            XCTAssertEqual(reread[i] as? String, Hex.encode(c.encoded), "eth-abi read case \(i) (\(signature)) differently")
            XCTAssertEqual(try ABIDecoder.decode(c.types, from: c.encoded), c.values, "case \(i) (\(signature))")
        }
        print("eth-abi differential: \(cases.count) random nested cases encoded identically")
    }

    /// Bit flips, truncations and random bytes: whatever we accept, eth-abi must accept too and read the
    /// same way (its re-encoding equals ours). Our decoder is at least as strict as the SDK's.
    func testCorruptedEncodingsAreNoLooserThanEthAbi() throws {
        var rng = SplitMix64(seed: 0x5eed)
        var probes: [(types: [ABIType], data: [UInt8])] = []
        for _ in 0..<150 {
            let types = (0..<(1 + Int(rng.next() % 2))).map { _ in randomType(&rng) }
            let values = types.map { randomValue($0, &rng).0 }
            let good = try ABIEncoder.encode(values, as: types)
            for _ in 0..<4 {
                var bad = good
                switch rng.next() % 4 {
                case 0 where !bad.isEmpty, 1 where !bad.isEmpty: bad[Int(rng.next() % UInt64(bad.count))] ^= UInt8(1 << (rng.next() % 8))
                case 2 where !bad.isEmpty: bad.removeLast(1 + Int(rng.next() % UInt64(bad.count)))
                default: bad = randomBytes(&rng, Int(rng.next() % 200))
                }
                probes.append((types, bad))
            }
        }
        let answer = try peer(["decode": probes.map { ["types": $0.types.map(\.canonical), "data": Hex.encode($0.data)] }])
        let theirs = try XCTUnwrap(answer["decoded"] as? [Any])
        XCTAssertEqual(theirs.count, probes.count)
        var bothAccept = 0, bothReject = 0, onlyTheyAccept = 0
        for (i, probe) in probes.enumerated() {
            let their = theirs[i] as? String
            do {
                let ours = try ABIDecoder.decode(probe.types, from: probe.data)
                let reencoded = Hex.encode(try ABIEncoder.encode(ours, as: probe.types))
                XCTAssertEqual(their, reencoded, "probe \(i): we accepted \(Hex.encode(probe.data)) as \(probe.types.map(\.canonical))")
                bothAccept += 1
            } catch is ABIDecodingError {
                if their == nil { bothReject += 1 } else { onlyTheyAccept += 1 }
            }
        }
        print("eth-abi differential: \(probes.count) corrupted encodings: \(bothAccept) accepted by both, "
              + "\(bothReject) rejected by both, \(onlyTheyAccept) rejected only by us")
        XCTAssertGreaterThan(bothReject, 0)
    }
}
