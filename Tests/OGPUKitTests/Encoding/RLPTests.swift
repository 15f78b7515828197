import BigInt
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// Edge cases and error reporting beyond the conformance vectors.
final class RLPTests: XCTestCase {
    private func assertDecodeError(_ bytes: [UInt8], _ reason: RLP.DecodeError.Reason, at offset: Int,
                                   file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try RLP.decode(bytes), file: file, line: line) { error in
            XCTAssertEqual(error as? RLP.DecodeError, RLP.DecodeError(reason, offset: offset), file: file, line: line)
        }
    }

    func testErrorsNameReasonAndOffset() {
        assertDecodeError([], .emptyInput, at: 0)
        assertDecodeError([0x81, 0x05], .nonCanonicalSingleByte(0x05), at: 0)
        assertDecodeError([0xb8, 0x05, 1, 2, 3, 4, 5], .nonCanonicalLongForm(length: 5), at: 0)
        assertDecodeError([0xb9, 0x00, 0x40] + [UInt8](repeating: 1, count: 64), .leadingZeroInLength, at: 0)
        assertDecodeError([0x83, 0x01], .pastEnd(length: 3, available: 1), at: 0)
        assertDecodeError([0x01, 0x02], .trailingBytes(count: 1), at: 1)
        // The child claims 3 bytes but its list only has 1 left.
        assertDecodeError([0xc2, 0x83, 0x01, 0x02], .pastEnd(length: 3, available: 1), at: 1)
        // A 2^64-1 length must be rejected, not overflow.
        assertDecodeError([0xbf] + [UInt8](repeating: 0xff, count: 8), .pastEnd(length: .max, available: 0), at: 0)
        assertDecodeError([0xf9, 0x01], .pastEnd(length: 2, available: 1), at: 0)
    }

    func testErrorMessagesAreReadable() {
        XCTAssertThrowsError(try RLP.decode([0xc3, 0x01, 0x81, 0x7f])) {
            XCTAssertEqual("\($0)", "invalid RLP at byte 2: single byte 0x7f is below 0x80 and must be encoded "
                + "as itself, not as 0x81 0x7f")
        }
        XCTAssertThrowsError(try RLP.decode([0x80, 0x00, 0x00])) {
            XCTAssertEqual("\($0)", "invalid RLP at byte 1: 2 unexpected bytes after the end of the item")
        }
        XCTAssertThrowsError(try RLP.Item.bytes([0, 1]).asUInt()) {
            XCTAssertEqual("\($0)", "invalid RLP: integer has a leading zero byte (integers must be minimal big-endian)")
        }
    }

    func testSingleBytesAtTheShortFormBoundary() throws {
        XCTAssertEqual(RLP.encode(.bytes([0x7f])), [0x7f])
        XCTAssertEqual(RLP.encode(.bytes([0x80])), [0x81, 0x80])
        XCTAssertEqual(try RLP.decode([0x81, 0x80]), .bytes([0x80]))
        XCTAssertEqual(try RLP.decode([0x00]), .bytes([0x00]))
    }

    func testLengthBoundaries() throws {
        for count in [55, 56, 255, 256, 65_535, 65_536] {
            let payload = [UInt8](repeating: 0xaa, count: count)
            let encoded = RLP.encode(.bytes(payload))
            XCTAssertEqual(encoded.count - count, count < 56 ? 1 : 1 + RLP.byteWidth(count), "\(count)")
            XCTAssertEqual(try RLP.decode(encoded), .bytes(payload))
            let list = RLP.Item.list([.bytes(payload)])
            XCTAssertEqual(try RLP.decode(RLP.encode(list)), list)
        }
    }

    func testNestingDepthIsBounded() throws {
        func nested(_ depth: Int) -> RLP.Item {
            (0..<depth).reduce(RLP.Item.bytes([])) { inner, _ in .list([inner]) }
        }
        XCTAssertEqual(try RLP.decode(RLP.encode(nested(RLP.maxDepth))), nested(RLP.maxDepth))
        XCTAssertThrowsError(try RLP.decode(RLP.encode(nested(RLP.maxDepth + 1)))) {
            XCTAssertEqual(($0 as? RLP.DecodeError)?.reason, .tooDeep(limit: RLP.maxDepth))
        }
        // A hostile run of list headers must fail cleanly rather than exhaust the stack.
        XCTAssertThrowsError(try RLP.decode([UInt8](repeating: 0xc1, count: 100_000)))
    }

    func testIntegers() throws {
        XCTAssertEqual(RLP.Item.uint(0), .bytes([]))
        XCTAssertEqual(RLP.Item.uint(UInt64(0)), .bytes([]))
        XCTAssertEqual(RLP.Item.uint(BigUInt(0)), .bytes([]))
        XCTAssertEqual(RLP.Item.uint(UInt64(0x0400)), .bytes([0x04, 0x00]))
        XCTAssertEqual(RLP.Item.uint(UInt64.max), .bytes([UInt8](repeating: 0xff, count: 8)))
        let max256 = (BigUInt(1) << 256) - 1
        XCTAssertEqual(RLP.Item.uint(max256), .bytes([UInt8](repeating: 0xff, count: 32)))
        XCTAssertEqual(RLP.Item.uint(BigUInt(1) << 64), .bytes([1, 0, 0, 0, 0, 0, 0, 0, 0]))
        for value in [BigUInt(0), 1, 127, 128, 255, 256, BigUInt(1) << 200, max256] {
            XCTAssertEqual(try RLP.decode(RLP.encode(.uint(value))).asUInt(), value)
        }
        XCTAssertEqual(try RLP.Item.uint(UInt64(123_456_789)).asUInt64(), 123_456_789)
        XCTAssertEqual(try RLP.Item.bytes([]).asUInt64(), 0)
        XCTAssertThrowsError(try RLP.Item.bytes([0]).asUInt())
        XCTAssertThrowsError(try RLP.Item.bytes([0, 5]).asUInt64())
        XCTAssertThrowsError(try RLP.Item.bytes([UInt8](repeating: 1, count: 9)).asUInt64()) {
            XCTAssertEqual(($0 as? RLP.DecodeError)?.reason, .integerTooLarge(bits: 64))
        }
    }

    func testShapeAccessors() throws {
        let item = RLP.Item.list([.string("dog"), .list([])])
        XCTAssertEqual(try item.asList().count, 2)
        XCTAssertEqual(try item.asList()[0].asBytes(), Array("dog".utf8))
        XCTAssertThrowsError(try item.asBytes()) { XCTAssertEqual(($0 as? RLP.DecodeError)?.reason, .expectedBytes) }
        XCTAssertThrowsError(try RLP.Item.bytes([]).asList()) {
            XCTAssertEqual(($0 as? RLP.DecodeError)?.reason, .expectedList)
        }
    }

    func testRandomItemsRoundTrip() throws {
        var rng = SystemRandomNumberGenerator()
        func randomItem(_ depth: Int) -> RLP.Item {
            if depth > 3 || Bool.random(using: &rng) {
                let count = [0, 1, 1, 2, 55, 56, 300].randomElement(using: &rng)!
                return .bytes((0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) })
            }
            return .list((0..<Int.random(in: 0...6, using: &rng)).map { _ in randomItem(depth + 1) })
        }
        for _ in 0..<500 {
            let item = randomItem(0)
            let encoded = RLP.encode(item)
            XCTAssertEqual(encoded.count, RLP.encodedLength(item))
            XCTAssertEqual(try RLP.decode(encoded), item)
        }
    }
}
