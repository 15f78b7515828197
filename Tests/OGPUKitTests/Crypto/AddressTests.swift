import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

final class AddressTests: XCTestCase {
    func testEIP55Vectors() throws {
        let root = try XCTUnwrap(SharedVectors.json("reference/eip55.json") as? [String: Any])
        let cases = try XCTUnwrap(root["cases"] as? [[String: String]])
        for c in cases {
            let lower = try XCTUnwrap(c["lower"]), checksummed = try XCTUnwrap(c["checksummed"])
            let fromLower = try Address(hex: lower)
            XCTAssertEqual(fromLower.checksummed, checksummed)
            XCTAssertEqual(fromLower.description, checksummed)
            XCTAssertEqual(fromLower.lowercaseHex, lower)
            XCTAssertEqual(try Address(hex: checksummed), fromLower)
            XCTAssertEqual(try Address(hex: "0x" + lower.dropFirst(2).uppercased()), fromLower)

            // Flipping the case of any one letter breaks the checksum, and the error names the right form.
            if let i = checksummed.dropFirst(2).firstIndex(where: { $0.isLetter }) {
                var broken = checksummed
                let c = broken[i]
                broken.replaceSubrange(i...i, with: c.isUppercase ? c.lowercased() : c.uppercased())
                XCTAssertThrowsError(try Address(hex: broken), broken) { error in
                    XCTAssertEqual(error as? AddressError, .checksumMismatch(expected: checksummed))
                }
            }
        }
        SharedVectors.report("reference/eip55.json", cases.count)
    }

    func testBytesRoundTripAndZero() throws {
        let bytes = (0..<20).map { UInt8($0 * 13) }
        let address = try Address(bytes: bytes)
        XCTAssertEqual(address.bytes, bytes)
        XCTAssertEqual(try Address(hex: address.checksummed), address)
        XCTAssertEqual(Address.zero.bytes, [UInt8](repeating: 0, count: 20))
        XCTAssertEqual(Address.zero.description, "0x0000000000000000000000000000000000000000")
        XCTAssertEqual(try Address(hex: "0000000000000000000000000000000000000000"), .zero)
    }

    func testRejectsWrongLengthsWithClearMessages() {
        XCTAssertThrowsError(try Address(bytes: [UInt8](repeating: 1, count: 19))) {
            XCTAssertEqual($0 as? AddressError, .wrongByteCount(19))
            XCTAssertEqual("\($0)", "an address is 20 bytes, got 19")
        }
        XCTAssertThrowsError(try Address(hex: "0x1234")) {
            XCTAssertEqual($0 as? AddressError, .wrongDigitCount(4))
        }
        XCTAssertThrowsError(try Address(hex: "0x" + String(repeating: "a", count: 42))) {
            XCTAssertEqual($0 as? AddressError, .wrongDigitCount(42))
            XCTAssertTrue("\($0)".contains("40 hex digits"), "\($0)")
        }
        XCTAssertThrowsError(try Address(hex: "")) { XCTAssertEqual($0 as? AddressError, .wrongDigitCount(0)) }
    }

    func testRejectsNonHexWithOffset() {
        let text = "0x52908400098527886E0F7030069857D2E4169EEg"
        XCTAssertThrowsError(try Address(hex: text)) {
            XCTAssertEqual($0 as? AddressError, .invalidCharacter("g", offset: 41))
            XCTAssertEqual("\($0)", "invalid hex digit 'g' at offset 41 in address")
        }
        XCTAssertThrowsError(try Address(hex: " 0x52908400098527886E0F7030069857D2E4169EE")) {
            XCTAssertEqual($0 as? AddressError, .invalidCharacter(" ", offset: 0))
        }
        XCTAssertThrowsError(try Address(hex: "0x5290840009852788€E0F7030069857D2E4169EE")) {
            XCTAssertEqual($0 as? AddressError, .invalidCharacter("€", offset: 18))
        }
        // A combining accent after a hex digit must be reported, not crash the character lookup.
        XCTAssertThrowsError(try Address(hex: "0x5\u{301}2908400098527886E0F7030069857D2E4169EE")) {
            guard case .invalidCharacter(_, let offset)? = $0 as? AddressError else { return XCTFail("\($0)") }
            XCTAssertEqual(offset, 3)
        }
    }

    func testChecksumMismatchMessageSuggestsChecksummedForm() {
        // EIP-55's own example with the first letter's case flipped.
        XCTAssertThrowsError(try Address(hex: "0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed")) {
            let message = "\($0)"
            XCTAssertTrue(message.hasPrefix("address checksum mismatch"), message)
            XCTAssertTrue(message.contains("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"), message)
        }
    }

    func testCodableUsesChecksummedText() throws {
        let address = try Address(hex: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
        let json = try JSONEncoder().encode([address])
        XCTAssertEqual(String(decoding: json, as: UTF8.self), "[\"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\"]")
        XCTAssertEqual(try JSONDecoder().decode([Address].self, from: json), [address])
        let bad = Data("[\"0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed\"]".utf8)
        XCTAssertThrowsError(try JSONDecoder().decode([Address].self, from: bad))
    }
}
