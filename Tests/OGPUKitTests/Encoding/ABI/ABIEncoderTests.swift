import BigInt
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

final class ABIEncoderTests: XCTestCase {
    private func assertEncodeError(_ values: [ABIValue], _ types: [String], _ expected: ABIEncodingError,
                                   file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ABIEncoder.encode(values, as: types.map { try ABIType($0) }), file: file, line: line) { error in
            XCTAssertEqual(error as? ABIEncodingError, expected, file: file, line: line)
        }
    }

    func testIntegerRangesAtTheirEdges() throws {
        XCTAssertNoThrow(try ABIEncoder.encode(.uint(255), as: .uint(8)))
        assertEncodeError([.uint(256)], ["uint8"], .outOfRange(path: "arg 0", type: "uint8", value: "256"))
        assertEncodeError([.uint(ABIEncoder.twoTo256)], ["uint256"],
                          .outOfRange(path: "arg 0", type: "uint256", value: ABIEncoder.twoTo256.description))
        assertEncodeError([.int(-1)], ["uint256"], .outOfRange(path: "arg 0", type: "uint256", value: "-1"))
        XCTAssertEqual(try ABIEncoder.encode(.int(-128), as: .int(8)), [UInt8](repeating: 0xff, count: 31) + [0x80])
        XCTAssertEqual(try ABIEncoder.encode(.int(127), as: .int(8)), [UInt8](repeating: 0, count: 31) + [0x7f])
        assertEncodeError([.int(128)], ["int8"], .outOfRange(path: "arg 0", type: "int8", value: "128"))
        assertEncodeError([.int(-129)], ["int8"], .outOfRange(path: "arg 0", type: "int8", value: "-129"))
        let minInt256 = -(BigInt(1) << 255)
        XCTAssertEqual(try ABIEncoder.encode(.int(minInt256), as: .int(256)), [0x80] + [UInt8](repeating: 0, count: 31))
        assertEncodeError([.int(minInt256 - 1)], ["int256"],
                          .outOfRange(path: "arg 0", type: "int256", value: (minInt256 - 1).description))
        // A non-negative value of the other integer case is accepted.
        XCTAssertEqual(try ABIEncoder.encode(.uint(5), as: .int(16)), try ABIEncoder.encode(.int(5), as: .int(16)))
        XCTAssertEqual(try ABIEncoder.encode(.int(5), as: .uint(16)), try ABIEncoder.encode(.uint(5), as: .uint(16)))
    }

    func testShapeMismatchesNameTheirPath() throws {
        let publish = try ABIType("(address source, string config, uint256 expiryTime, uint256 payment)")
        let source = ABIValue.address(try Address(hex: "0x52F22665A60C12D289185D950Ee8813609166f6B"))
        assertEncodeError([.tuple([source, .uint(1), .uint(2), .uint(3)])], [publish.canonical],
                          .typeMismatch(path: "arg 0.1", expected: "string", got: "uint"))
        XCTAssertThrowsError(try ABIEncoder.encode([.tuple([source, .uint(1), .uint(2), .uint(3)])], as: [publish])) { error in
            XCTAssertEqual("\(error)", "arg 0.config: expected a value of type string, got uint")
        }
        assertEncodeError([.tuple([source, .string("x")])], [publish.canonical],
                          .wrongCount(path: "arg 0", type: "(address,string,uint256,uint256)", expected: 4, got: 2))
        assertEncodeError([.uint(1)], ["uint256", "bool"],
                          .wrongCount(path: "arguments", type: "(uint256,bool)", expected: 2, got: 1))
        assertEncodeError([.array([.bytes([1, 2, 3])])], ["bytes4[1]"],
                          .outOfRange(path: "arg 0[0]", type: "bytes4", value: "3 bytes"))
        assertEncodeError([.array([.bool(true)])], ["bool[2]"],
                          .wrongCount(path: "arg 0", type: "bool[2]", expected: 2, got: 1))
        assertEncodeError([.string("x")], ["bytes"], .typeMismatch(path: "arg 0", expected: "bytes", got: "string"))
    }

    /// The head/tail layout, checked word by word against the example in the Solidity ABI specification:
    /// f(uint256,uint32[],bytes10,bytes) with (0x123, [0x456, 0x789], "1234567890", "Hello, world!").
    func testSolidityDocsDynamicExample() throws {
        let types = try ["uint256", "uint32[]", "bytes10", "bytes"].map { try ABIType($0) }
        let values: [ABIValue] = [.uint(0x123), .array([.uint(0x456), .uint(0x789)]),
                                  .bytes(Array("1234567890".utf8)), .bytes(Array("Hello, world!".utf8))]
        let function = ABIFunction(name: "f", inputs: types.map { ABIParameter(type: $0) })
        XCTAssertEqual(Hex.encode(function.selector), "0x8be65246")
        let expected = "0x8be65246"
            + "0000000000000000000000000000000000000000000000000000000000000123"
            + "0000000000000000000000000000000000000000000000000000000000000080"
            + "3132333435363738393000000000000000000000000000000000000000000000"
            + "00000000000000000000000000000000000000000000000000000000000000e0"
            + "0000000000000000000000000000000000000000000000000000000000000002"
            + "0000000000000000000000000000000000000000000000000000000000000456"
            + "0000000000000000000000000000000000000000000000000000000000000789"
            + "000000000000000000000000000000000000000000000000000000000000000d"
            + "48656c6c6f2c20776f726c642100000000000000000000000000000000000000"
        XCTAssertEqual(Hex.encode(try function.encodeCall(values)), expected)
        XCTAssertEqual(try function.decodeCall(Hex.decode(expected)), values)
    }

    /// Solidity docs example g(uint256[][],string[]) with ([[1, 2], [3]], ["one", "two", "three"]).
    func testSolidityDocsNestedDynamicExample() throws {
        let function = try ABIFunction(signature: "g(uint256[][],string[])")
        XCTAssertEqual(Hex.encode(function.selector), "0x2289b18c")
        let values: [ABIValue] = [.array([.array([.uint(1), .uint(2)]), .array([.uint(3)])]),
                                  .array([.string("one"), .string("two"), .string("three")])]
        let words = [
            "40", "140", "2", "40", "a0", "2", "1", "2", "1", "3", "3", "60", "a0", "e0",
        ].map { String(repeating: "0", count: 64 - $0.count) + $0 }
        let strings = ["3", "6f6e65", "3", "74776f", "5", "7468726565"].enumerated().map { i, s in
            i % 2 == 0 ? String(repeating: "0", count: 64 - s.count) + s : s + String(repeating: "0", count: 64 - s.count)
        }
        let expected = "0x2289b18c" + (words + strings).joined()
        XCTAssertEqual(Hex.encode(try function.encodeCall(values)), expected)
        XCTAssertEqual(try function.decodeCall(Hex.decode(expected)), values)
    }

    func testStructsFromNamedFields() throws {
        let type = try ABIType("(address source, string config, uint256 expiryTime, uint256 payment)")
        let source = ABIValue.address(try Address(hex: "0x52F22665A60C12D289185D950Ee8813609166f6B"))
        let fields: [String: ABIValue] = ["payment": .uint(10), "config": .string("ipfs://x"), "source": source, "expiryTime": .uint(5)]
        let value = try ABIValue.tuple(fields: fields, as: type)
        XCTAssertEqual(value, .tuple([source, .string("ipfs://x"), .uint(5), .uint(10)]))
        XCTAssertEqual(value.fields(as: type)?.map(\.name), ["source", "config", "expiryTime", "payment"])
        XCTAssertEqual(value.fields(as: type)?.map(\.value), value.items)

        var missing = fields
        missing["payment"] = nil
        XCTAssertThrowsError(try ABIValue.tuple(fields: missing, as: type)) { error in
            XCTAssertEqual(error as? ABIEncodingError, .missingField(path: "value", type: type.canonical, field: "payment"))
        }
        var extra = fields
        extra["paymnet"] = .uint(1)
        XCTAssertThrowsError(try ABIValue.tuple(fields: extra, as: type)) { error in
            XCTAssertEqual("\(error)", "value: (address,string,uint256,uint256) has no field 'paymnet'")
        }
        XCTAssertThrowsError(try ABIValue.tuple(fields: [:], as: try ABIType("(uint256,bool)")))
    }
}
