import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// Encoding must equal, and decoding must invert, the encodings of three independent implementations:
/// ethereum/tests, eth-abi (reference/abi.json) and ethers + solc (ethers/abi.json, produced by running
/// the Solidity contract in each case and capturing its return data).
final class ABIConformanceTests: XCTestCase {
    func testEthereumTestsBasicABI() throws {
        let cases = try XCTUnwrap(SharedVectors.json("ethereum-tests/ABITests/basic_abi_tests.json") as? [String: Any])
        var ran = 0
        for (name, raw) in cases.sorted(by: { $0.key < $1.key }) {
            let vector = try XCTUnwrap(raw as? [String: Any])
            let types = try (vector["types"] as! [String]).map { try ABIType($0) }
            let args = vector["args"] as! [Any]
            let values = try zip(args, types).map { try ABIVectors.value($0, as: $1, bytes: .text) }
            let expected = try Hex.decode(vector["result"] as! String)
            XCTAssertEqual(Hex.encode(try ABIEncoder.encode(values, as: types)), Hex.encode(expected), name)
            XCTAssertEqual(try ABIDecoder.decode(types, from: expected), values, name)
            ran += 1
        }
        print("ethereum-tests/ABITests/basic_abi_tests.json: \(ran) vectors")
        XCTAssertGreaterThan(ran, 0)
    }

    func testEthAbiReferenceVectors() throws {
        let file = try XCTUnwrap(SharedVectors.json("reference/abi.json") as? [String: Any])
        let cases = try XCTUnwrap(file["cases"] as? [[String: Any]])
        var ran = 0
        for (index, vector) in cases.enumerated() {
            let typeStrings = vector["types"] as! [String]
            let types = try typeStrings.map { try ABIType($0) }
            XCTAssertEqual(types.map(\.canonical), typeStrings.map { $0.replacingOccurrences(of: " ", with: "") })
            let values = try zip(vector["values"] as! [Any], types).map { try ABIVectors.value($0, as: $1) }
            let expected = try Hex.decode(vector["encoded"] as! String)
            let encoded = try ABIEncoder.encode(values, as: types)
            XCTAssertEqual(encoded, expected, "case \(index) \(typeStrings)")
            XCTAssertEqual(try ABIDecoder.decode(types, from: expected), values, "case \(index) \(typeStrings)")
            ran += 1
        }
        print("reference/abi.json: \(ran) vectors")
        XCTAssertGreaterThan(ran, 0)
    }

    func testEthersSolidityVectors() throws {
        let cases = try XCTUnwrap(SharedVectors.json("ethers/abi.json") as? [[String: Any]])
        var ran = 0
        let start = Date()
        for vector in cases {
            let name = vector["name"] as! String
            let type = try ABIType(vector["type"] as! String)
            let value = try ABIVectors.value(vector["value"]!, as: type)
            let expected = try Hex.decode(vector["encoded"] as! String)
            // Solidity returns the value as a one-element tuple.
            XCTAssertEqual(try ABIEncoder.encode(value, as: type), expected, name)
            XCTAssertEqual(try ABIDecoder.decode(type, from: expected), value, name)
            ran += 1
        }
        print("ethers/abi.json: \(ran) vectors (encode + decode in \(String(format: "%.2f", Date().timeIntervalSince(start))) s)")
        XCTAssertGreaterThan(ran, 0)
    }
}
