import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

final class HexTests: XCTestCase {
    func testRoundTrip() throws {
        let bytes: [UInt8] = [0x00, 0x01, 0x7f, 0x80, 0xab, 0xff]
        XCTAssertEqual(Hex.encode(bytes), "0x00017f80abff")
        XCTAssertEqual(try Hex.decode("0x00017F80abFF"), bytes)
        XCTAssertEqual(try Hex.decode("00017f80abff"), bytes)
        XCTAssertEqual(try Hex.decode("0x"), [])
    }

    func testRejectsMalformed() {
        XCTAssertThrowsError(try Hex.decode("0xabc")) { XCTAssertEqual($0 as? Hex.DecodeError, .oddLength(3)) }
        XCTAssertThrowsError(try Hex.decode("0xzz")) {
            XCTAssertEqual($0 as? Hex.DecodeError, .invalidCharacter("z", offset: 2))
        }
    }
}
