import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

final class ABITypeTests: XCTestCase {
    func testParsesCanonicalTypesAndAliases() throws {
        XCTAssertEqual(try ABIType("uint"), .uint(256))
        XCTAssertEqual(try ABIType("int"), .int(256))
        XCTAssertEqual(try ABIType("uint8"), .uint(8))
        XCTAssertEqual(try ABIType("int136"), .int(136))
        XCTAssertEqual(try ABIType("bytes1"), .fixedBytes(1))
        XCTAssertEqual(try ABIType("bytes32"), .fixedBytes(32))
        XCTAssertEqual(try ABIType("bytes"), .bytes)
        XCTAssertEqual(try ABIType("(address,string,uint256,uint256)[]"),
                       .array(.tuple([.address, .string, .uint(256), .uint(256)])))
        // Suffixes apply left to right: uint8[2][3] is three arrays of two.
        XCTAssertEqual(try ABIType("uint8[2][3]"), .fixedArray(.fixedArray(.uint(8), 2), 3))
        XCTAssertEqual(try ABIType("((uint,bytes)[2],bool)[]").canonical, "((uint256,bytes)[2],bool)[]")
        XCTAssertEqual(try ABIType("tuple(uint, string)").canonical, "(uint256,string)")
    }

    func testKeepsComponentNamesOutOfTheCanonicalForm() throws {
        let type = try ABIType("(address source, string memory config, uint256 expiryTime)")
        XCTAssertEqual(type.componentNames, ["source", "config", "expiryTime"])
        XCTAssertEqual(type.canonical, "(address,string,uint256)")
    }

    func testDynamismAndHeadSizes() throws {
        XCTAssertFalse(try ABIType("(uint256,bytes32[3])").isDynamic)
        XCTAssertEqual(try ABIType("(uint256,bytes32[3])").headSize, 128)
        XCTAssertEqual(try ABIType("uint8[2][3]").headSize, 192)
        XCTAssertTrue(try ABIType("(uint256,string)").isDynamic)
        XCTAssertEqual(try ABIType("(uint256,string)").headSize, 32)
        XCTAssertTrue(try ABIType("string[2]").isDynamic)
        XCTAssertTrue(try ABIType("uint256[]").isDynamic)
    }

    func testRejectsInvalidTypesWithLocation() {
        let bad: [(String, Int, String)] = [
            ("uint7", 0, "multiple of 8"),
            ("uint264", 0, "multiple of 8"),
            ("int0", 0, "multiple of 8"),
            ("uint08", 0, "multiple of 8"),
            ("bytes0", 0, "1 to 32"),
            ("bytes33", 0, "1 to 32"),
            ("fixed128x18", 0, "fixed-point"),
            ("function", 0, "function types"),
            ("address[0]", 8, "positive"),
            ("address[-1]", 8, "positive"),
            ("(uint256", 8, "expected ')'"),
            ("(uint256,)", 9, "expected a type"),
            ("()", 0, "empty tuple"),
            ("uint256[", 8, "positive"),
            ("uint256 x", 8, "unexpected 'x'"),
            ("", 0, "expected a type"),
            ("strin", 0, "unknown type 'strin'"),
        ]
        for (text, offset, fragment) in bad {
            XCTAssertThrowsError(try ABIType(text), text) { error in
                let parseError = error as? ABIParseError
                XCTAssertEqual(parseError?.offset, offset, text)
                XCTAssertTrue(parseError?.message.contains(fragment) == true, "\(text): \(parseError?.message ?? "\(error)")")
            }
        }
    }

    func testRejectsTypesTooLargeToEncode() {
        // These would overflow size arithmetic (or allocate absurdly) if accepted.
        for text in ["uint256[999999999999]", "uint256[100000][100000]", "string[1000000000]", "(uint256[65536],uint256[65536])[256]"] {
            XCTAssertThrowsError(try ABIType(text), text) { error in
                XCTAssertTrue((error as? ABIParseError)?.message.contains("too large") == true, "\(text): \(error)")
            }
        }
    }

    func testRejectsHostileNestingWithoutOverflowingTheStack() {
        for text in [String(repeating: "(", count: 100_000) + "uint256" + String(repeating: ")", count: 100_000),
                     "uint256" + String(repeating: "[]", count: 100_000),
                     // 40 tuples each with an array suffix: within each limit alone, 80 levels together.
                     (0..<40).reduce("uint256") { t, _ in "(" + t + ")[]" }] {
            XCTAssertThrowsError(try ABIType(text)) { error in
                XCTAssertTrue((error as? ABIParseError)?.message.contains("levels deep") == true, "\(error)")
            }
        }
        XCTAssertNoThrow(try ABIType(String(repeating: "(", count: 30) + "uint256" + String(repeating: ")[1]", count: 30)))
    }

    /// Types built in code bypass the parser; the encoder and decoder re-check them instead of misbehaving.
    func testInvalidTypesBuiltInCodeAreRejected() {
        let invalid: [ABIType] = [.int(300), .uint(7), .fixedBytes(40), .fixedBytes(0), .fixedArray(.bool, 0),
                                  .fixedArray(.uint(256), Int.max), .tuple([]), .tuple([.bool, .bool], names: ["a"])]
        for type in invalid {
            XCTAssertThrowsError(try ABIEncoder.encode([.bool(true)], as: [type]), type.canonical) { XCTAssertTrue($0 is ABIParseError) }
            XCTAssertThrowsError(try ABIDecoder.decode(type, from: [UInt8](repeating: 0xff, count: 64)), type.canonical) {
                XCTAssertTrue($0 is ABIParseError)
            }
        }
    }
}
