import BigInt
import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// Conformance against ethereum-tests' RLPTests and ethers' rlp.json.
final class RLPVectorTests: XCTestCase {
    /// ethereum-tests "in" convention: a string is its UTF-8 bytes, except "#123…" which is a decimal bignum;
    /// a JSON number is an unsigned integer; an array is a list.
    private func item(fromEthereumTests value: Any) throws -> RLP.Item {
        switch value {
        case let text as String where text.hasPrefix("#"):
            return .uint(try XCTUnwrap(BigUInt(String(text.dropFirst()), radix: 10), text))
        case let text as String:
            return .string(text)
        case let number as NSNumber:
            return .uint(number.uint64Value)
        case let array as [Any]:
            return .list(try array.map(item(fromEthereumTests:)))
        default:
            throw XCTSkip("unexpected value in vector: \(value)")
        }
    }

    /// ethers convention: a hex string is a byte string, an array is a list.
    private func item(fromEthers value: Any) throws -> RLP.Item {
        if let text = value as? String { return .bytes(SharedVectors.hex(text)) }
        return .list(try XCTUnwrap(value as? [Any]).map(item(fromEthers:)))
    }

    func testEthereumTestsValid() throws {
        let cases = try XCTUnwrap(SharedVectors.json("ethereum-tests/RLPTests/rlptest.json") as? [String: [String: Any]])
        for (name, c) in cases.sorted(by: { $0.key < $1.key }) {
            let expected = SharedVectors.hex(try XCTUnwrap(c["out"] as? String))
            let item = try item(fromEthereumTests: try XCTUnwrap(c["in"]))
            XCTAssertEqual(RLP.encode(item), expected, name)
            XCTAssertEqual(try RLP.decode(expected), item, name)
        }
        SharedVectors.report("ethereum-tests/RLPTests/rlptest.json", cases.count)
    }

    func testEthereumTestsInvalid() throws {
        let cases = try XCTUnwrap(SharedVectors.json("ethereum-tests/RLPTests/invalidRLPTest.json") as? [String: [String: Any]])
        for (name, c) in cases.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(c["in"] as? String, "INVALID", name)
            let bytes = SharedVectors.hex(try XCTUnwrap(c["out"] as? String))
            XCTAssertThrowsError(try RLP.decode(bytes), name) { XCTAssertTrue($0 is RLP.DecodeError, name) }
        }
        SharedVectors.report("ethereum-tests/RLPTests/invalidRLPTest.json", cases.count)
    }

    /// RandomRLPTests hold valid encodings without a decoded form: decoding must succeed and re-encode exactly.
    func testEthereumTestsRandom() throws {
        let files = try SharedVectors.jsonFiles(under: "ethereum-tests/RLPTests/RandomRLPTests")
        XCTAssertFalse(files.isEmpty, "no RandomRLPTests files found")
        for file in files {
            let cases = try XCTUnwrap(SharedVectors.json(file) as? [String: [String: Any]])
            for (name, c) in cases {
                let bytes = SharedVectors.hex(try XCTUnwrap(c["out"] as? String))
                if c["in"] as? String == "INVALID" {
                    XCTAssertThrowsError(try RLP.decode(bytes), name)
                } else {
                    XCTAssertEqual(RLP.encode(try RLP.decode(bytes)), bytes, name)
                }
            }
            SharedVectors.report(file, cases.count)
        }
    }

    func testEthersVectors() throws {
        let cases = try XCTUnwrap(SharedVectors.json("ethers/rlp.json") as? [[String: Any]])
        for c in cases {
            let name = c["name"] as? String ?? "?"
            let expected = SharedVectors.hex(try XCTUnwrap(c["encoded"] as? String))
            let item = try item(fromEthers: try XCTUnwrap(c["decoded"]))
            XCTAssertEqual(RLP.encode(item), expected, name)
            XCTAssertEqual(try RLP.decode(expected), item, name)
        }
        SharedVectors.report("ethers/rlp.json", cases.count)
    }
}
