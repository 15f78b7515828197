import BigInt
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

final class RevertReasonTests: XCTestCase {
    /// `revert("Not enough Ether provided.")`, as printed in the Solidity documentation.
    let notEnoughEther = "0x08c379a0"
        + "0000000000000000000000000000000000000000000000000000000000000020"
        + "000000000000000000000000000000000000000000000000000000000000001a"
        + "4e6f7420656e6f7567682045746865722070726f76696465642e000000000000"

    func testErrorString() throws {
        let reason = RevertReason(data: try Hex.decode(notEnoughEther))
        XCTAssertEqual(reason, .message("Not enough Ether provided."))
        XCTAssertEqual(reason.name, "Error")
        XCTAssertEqual(reason.arguments, [.string("Not enough Ether provided.")])
        XCTAssertEqual(reason.description, "reverted: Not enough Ether provided.")
        XCTAssertEqual(ABIError.errorString.selector, [0x08, 0xc3, 0x79, 0xa0])
    }

    func testPanicCodes() throws {
        XCTAssertEqual(ABIError.panic.selector, [0x4e, 0x48, 0x7b, 0x71])
        let overflow = try ABIError.panic.encode([.uint(0x11)])
        XCTAssertEqual(Hex.encode(overflow), "0x4e487b71" + String(repeating: "0", count: 62) + "11")
        let reason = RevertReason(data: overflow)
        XCTAssertEqual(reason, .panic(code: 0x11))
        XCTAssertEqual(reason.description, "panic 0x11 (arithmetic overflow or underflow)")
        XCTAssertEqual(RevertReason.panicMeaning(0x32), "array index out of bounds")
        XCTAssertEqual(RevertReason.panicMeaning(0x12), "division or modulo by zero")
        XCTAssertEqual(RevertReason.panicMeaning(0x01), "assertion failed")
        XCTAssertEqual(RevertReason.panicMeaning(0x99), "unknown panic code")
    }

    /// Custom errors from the OpenGPU ABIs; selectors as listed in PROTOCOL.md.
    func testCustomErrorsFromOpenGPUABIs() throws {
        let controller = try ABIVectors.contractABI("Controller")
        let unauthorized = try controller.error("OwnableUnauthorizedAccount")
        XCTAssertEqual(Hex.encode(unauthorized.selector), "0x118cdaa7")
        XCTAssertEqual(Hex.encode(try controller.error("OwnableInvalidOwner").selector), "0x1e4fbdf7")
        let account = try Address(hex: "0x8d6C0fd3901FF239a1a095F20f9395650CF9380b")
        let data = try Hex.decode("0x118cdaa7000000000000000000000000" + "8d6c0fd3901ff239a1a095f20f9395650cf9380b")
        let reason = controller.decodeRevert(data)
        XCTAssertEqual(reason, .custom(error: unauthorized, arguments: [.address(account)]))
        XCTAssertEqual(reason.name, "OwnableUnauthorizedAccount")
        XCTAssertEqual(reason.description, "OwnableUnauthorizedAccount(account: 0x8d6C0fd3901FF239a1a095F20f9395650CF9380b)")

        let manager = try ABIVectors.contractABI("Manager")
        let accessControl = try manager.error("AccessControlUnauthorizedAccount")
        XCTAssertEqual(Hex.encode(accessControl.selector), "0xe2517d3f")
        let role = Keccak256.hash("CONTROLLER")
        let encoded = try accessControl.encode([.address(account), .bytes(role)])
        XCTAssertEqual(manager.decodeRevert(encoded).arguments, [.address(account), .bytes(role)])
        let badConfirmation = try manager.error("AccessControlBadConfirmation")
        XCTAssertEqual(Hex.encode(badConfirmation.selector), "0x6697b232")
        XCTAssertEqual(manager.decodeRevert(try Hex.decode("0x6697b232")), .custom(error: badConfirmation, arguments: []))
    }

    func testUnknownAndMalformedDataStaysRaw() throws {
        XCTAssertEqual(RevertReason(data: []), .empty)
        XCTAssertEqual(RevertReason(data: [0x12, 0x34]), .unknown(data: [0x12, 0x34]))
        // A custom error whose ABI we were not given.
        let custom = try Hex.decode("0x118cdaa7000000000000000000000000" + "8d6c0fd3901ff239a1a095f20f9395650cf9380b")
        XCTAssertEqual(RevertReason(data: custom), .unknown(data: custom))
        XCTAssertNil(RevertReason(data: custom).name)
        // The Error(string) selector with a broken body is not trusted as a message.
        let truncated = Array(try Hex.decode(notEnoughEther).dropLast(10))
        XCTAssertEqual(RevertReason(data: truncated), .unknown(data: truncated))
        var badPadding = try Hex.decode(notEnoughEther)
        badPadding[badPadding.count - 1] = 1
        XCTAssertEqual(RevertReason(data: badPadding), .unknown(data: badPadding))
        XCTAssertTrue(RevertReason(data: badPadding).description.hasPrefix("reverted with unrecognised data 0x08c379a0"))
    }
}
