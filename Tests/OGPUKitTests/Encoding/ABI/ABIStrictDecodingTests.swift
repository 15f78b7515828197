import BigInt
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// Hostile or sloppy encodings are rejected with a typed error that says where, never a crash,
/// a hang or a huge allocation.
final class ABIStrictDecodingTests: XCTestCase {
    private func word(_ hex: String) -> [UInt8] {
        let bytes = try! Hex.decode(hex)
        return [UInt8](repeating: 0, count: 32 - bytes.count) + bytes
    }

    private func words(_ values: Int...) -> [UInt8] { values.flatMap { word(String($0, radix: 16).count % 2 == 0 ? String($0, radix: 16) : "0" + String($0, radix: 16)) } }

    private func assertDecodeError(_ types: [String], _ data: [UInt8], _ expected: ABIDecodingError,
                                   file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ABIDecoder.decode(types.map { try ABIType($0) }, from: data), file: file, line: line) { error in
            XCTAssertEqual(error as? ABIDecodingError, expected, file: file, line: line)
        }
    }

    func testValuesWiderThanTheirType() {
        assertDecodeError(["uint8"], word("0100"), .valueOutOfRange(path: "arg 0", offset: 0, type: "uint8"))
        assertDecodeError(["bool", "uint32"], word("01") + word("0100000000"),
                          .valueOutOfRange(path: "arg 1", offset: 32, type: "uint32"))
        // int8: 128 is not sign-extended; -129 is not representable.
        assertDecodeError(["int8"], word("80"), .valueOutOfRange(path: "arg 0", offset: 0, type: "int8"))
        assertDecodeError(["int8"], [UInt8](repeating: 0xff, count: 31) + [0x7f],
                          .valueOutOfRange(path: "arg 0", offset: 0, type: "int8"))
        XCTAssertEqual(try ABIDecoder.decode(.int(8), from: [UInt8](repeating: 0xff, count: 31) + [0x80]), .int(-128))
        XCTAssertEqual(try ABIDecoder.decode(.int(8), from: word("7f")), .int(127))
        XCTAssertEqual(try ABIDecoder.decode(.int(256), from: [UInt8](repeating: 0xff, count: 32)), .int(-1))
    }

    func testNonZeroPaddingAndBadBools() {
        assertDecodeError(["address"], word("01" + String(repeating: "00", count: 20)),
                          .nonZeroPadding(path: "arg 0", offset: 0, type: "address"))
        assertDecodeError(["bytes4"], [0xde, 0xad, 0xbe, 0xef, 0x01] + [UInt8](repeating: 0, count: 27),
                          .nonZeroPadding(path: "arg 0", offset: 0, type: "bytes4"))
        assertDecodeError(["bool"], word("02"), .invalidBool(path: "arg 0", offset: 0))
        assertDecodeError(["bool"], word("0100000000000000000000000000000000000000000000000000000000000001"),
                          .invalidBool(path: "arg 0", offset: 0))
        // bytes "ab" with a stray byte in its padding.
        var data = words(0x20, 2) + [0x61, 0x62, 0x00, 0x01] + [UInt8](repeating: 0, count: 28)
        assertDecodeError(["bytes"], data, .nonZeroPadding(path: "arg 0", offset: 66, type: "bytes"))
        // The padding must be there at all.
        data = words(0x20, 2) + [0x61, 0x62]
        assertDecodeError(["string"], data, .truncated(path: "arg 0", offset: 64, needed: 32, available: 66))
    }

    func testInvalidUTF8String() {
        let data = words(0x20, 2) + [0xc3, 0x28] + [UInt8](repeating: 0, count: 30)
        assertDecodeError(["string"], data, .invalidUTF8(path: "arg 0", offset: 32))
        XCTAssertEqual(try ABIDecoder.decode(.bytes, from: data), .bytes([0xc3, 0x28]))
    }

    func testOffsetsAndLengthsOutsideTheData() {
        assertDecodeError(["string"], words(0x40), .offsetOutOfRange(path: "arg 0", offset: 0, pointer: "64"))
        // An offset of 2^255 must not be turned into an Int.
        assertDecodeError(["bytes"], word("80" + String(repeating: "00", count: 31)),
                          .offsetOutOfRange(path: "arg 0", offset: 0,
                                            pointer: (BigUInt(1) << 255).description))
        let maxWord = [UInt8](repeating: 0xff, count: 32)
        assertDecodeError(["bytes"], words(0x20) + maxWord,
                          .lengthOutOfRange(path: "arg 0", offset: 32, length: (ABIEncoder.twoTo256 - 1).description))
        // A length that claims more elements than the data could hold is refused before allocating.
        assertDecodeError(["uint256[]"], words(0x20, 1_000_000_000) + word("01"),
                          .lengthOutOfRange(path: "arg 0", offset: 32, length: "1000000000"))
        assertDecodeError(["uint256[]"], words(0x20) + maxWord,
                          .lengthOutOfRange(path: "arg 0", offset: 32, length: (ABIEncoder.twoTo256 - 1).description))
        // Nested: the second string of a string[] points past the end.
        assertDecodeError(["string[]"], words(0x20, 2, 0x40, 0x400, 1) + word("61" + String(repeating: "00", count: 31)),
                          .offsetOutOfRange(path: "arg 0[1]", offset: 96, pointer: "1024"))
    }

    func testTruncatedData() {
        assertDecodeError(["uint256", "uint256"], word("01"), .truncated(path: "arg 1", offset: 32, needed: 32, available: 32))
        assertDecodeError(["uint256"], [], .truncated(path: "arg 0", offset: 0, needed: 32, available: 0))
        assertDecodeError(["uint256[4]"], words(1, 2, 3), .truncated(path: "arg 0", offset: 0, needed: 128, available: 96))
    }

    func testPathsNameTupleComponents() throws {
        let type = try ABIType("(address source, string config, uint8 kind)")
        var data = words(0x20) + word("aa") + words(0x60) + word("0100") + words(3) + [0x61, 0x62, 0x63]
        data += [UInt8](repeating: 0, count: 29)
        XCTAssertThrowsError(try ABIDecoder.decode(type, from: data)) { error in
            XCTAssertEqual(error as? ABIDecodingError, .valueOutOfRange(path: "arg 0.kind", offset: 96, type: "uint8"))
            XCTAssertEqual("\(error)", "arg 0.kind: value at byte 96 does not fit in uint8")
        }
    }

    /// Offsets that all point at the same nested array would make a naive decoder do N^depth work
    /// from a few kilobytes of data.
    func testSharedOffsetBombIsRefusedQuickly() throws {
        let depth = 6, n = 30
        let type = try ABIType("uint256" + String(repeating: "[]", count: depth))
        var data = words(0x20)
        for level in 0..<depth {
            data += words(n)
            if level == depth - 1 {
                data += [UInt8](repeating: 0, count: 32 * n)
            } else {
                // Every element points at the next level, which starts right after these n offsets.
                data += Array(repeating: words(32 * n), count: n).flatMap { $0 }
            }
        }
        // Without the read budget this would be 30^6 leaf reads; with it, a prompt typed refusal.
        XCTAssertThrowsError(try ABIDecoder.decode(type, from: data)) { error in
            guard case .tooComplex = error as? ABIDecodingError else { return XCTFail("\(error)") }
        }
        // The same shape without sharing (each level its own tail) is a genuine encoding and decodes.
        let genuine = ABIValue.array((0..<3).map { _ in .array((0..<2).map { _ in .array([.uint(7)]) }) })
        let three = try ABIType("uint256[][][]")
        XCTAssertEqual(try ABIDecoder.decode(three, from: ABIEncoder.encode(genuine, as: three)), genuine)
    }

    /// Random bytes and single-byte corruptions of real encodings: decoding may fail, but only with
    /// ABIDecodingError, and whatever it accepts must re-encode to a valid encoding of the same type.
    func testCorruptedEncodingsNeverCrash() throws {
        let types = try ["(address,string,uint256,uint256)", "string[]", "(bytes,(uint8,string)[])[2]", "int16[][3]", "bool"]
            .map { try ABIType($0) }
        let values: [ABIValue] = [
            .tuple([.address(try Address(hex: "0x52F22665A60C12D289185D950Ee8813609166f6B")), .string("ipfs://x"), .uint(1), .uint(2)]),
            .array([.string("a"), .string(""), .string("héllo")]),
            .array([.tuple([.bytes([1, 2, 3]), .array([.tuple([.uint(7), .string("x")])])]), .tuple([.bytes([]), .array([])])]),
            .array([.array([.int(-1), .int(300)]), .array([]), .array([.int(-32768)])]),
            .bool(true),
        ]
        var rng = SplitMix64(seed: 42)
        var accepted = 0, rejected = 0
        for (type, value) in zip(types, values) {
            let good = try ABIEncoder.encode(value, as: type)
            XCTAssertEqual(try ABIDecoder.decode(type, from: good), value)
            for _ in 0..<400 {
                var bad = good
                switch rng.next() % 3 {
                case 0: bad[Int(rng.next() % UInt64(bad.count))] ^= UInt8(1 << (rng.next() % 8))
                case 1: bad = Array(bad.prefix(Int(rng.next() % UInt64(bad.count))))
                default: bad = (0..<Int(rng.next() % 300)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                }
                do {
                    let decoded = try ABIDecoder.decode(type, from: bad)
                    let reencoded = try ABIEncoder.encode(decoded, as: type)
                    XCTAssertEqual(try ABIDecoder.decode(type, from: reencoded), decoded)
                    accepted += 1
                } catch is ABIDecodingError {
                    rejected += 1
                }
            }
        }
        XCTAssertGreaterThan(rejected, 0)
        print("corrupted encodings: \(accepted) accepted, \(rejected) rejected")
    }
}
