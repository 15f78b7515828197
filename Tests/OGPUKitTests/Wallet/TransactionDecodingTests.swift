import BigInt
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// Targeted malformed inputs, checking that each fails with the error that names the problem.
final class TransactionDecodingTests: XCTestCase {
    let key = try! PrivateKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
    let to = try! Address(hex: "0x4F1477E0a1DA8340E964D01e32Dff302F3CB203A")

    private func sample() throws -> SignedTransaction {
        try Transaction.dynamicFee(chainId: 1071, nonce: 3, maxPriorityFeePerGas: 1, maxFeePerGas: 2, gasLimit: 50_000,
                                   to: to, value: 5, data: [1, 2, 3]).sign(with: key)
    }

    private func fields(_ raw: [UInt8]) throws -> [RLP.Item] {
        guard case .list(let items) = try RLP.decode(Array(raw.dropFirst())) else { throw TransactionError.notAList }
        return items
    }

    private func reencode(_ items: [RLP.Item]) -> [UInt8] { [0x02] + RLP.encode(.list(items)) }

    private func assertRejects(_ raw: [UInt8], _ expected: TransactionError, line: UInt = #line) {
        XCTAssertThrowsError(try SignedTransaction.decode(raw), line: line) { error in
            XCTAssertEqual(error as? TransactionError, expected, "\(error)", line: line)
        }
    }

    func testTrailingBytesEmptyAndUnknownType() throws {
        let raw = try sample().rawBytes
        XCTAssertThrowsError(try SignedTransaction.decode(raw + [0x00])) { XCTAssertTrue("\($0)".contains("RLP"), "\($0)") }
        assertRejects([], .empty)
        assertRejects([0x05] + raw.dropFirst(), .unsupportedType(0x05))
        assertRejects([0x82, 0x01, 0x02], .notAList)
    }

    func testFieldCountAndLeadingZeros() throws {
        var items = try fields(try sample().rawBytes)
        assertRejects(reencode(Array(items.dropLast())), .fieldCount(type: .dynamicFee, expected: 12, got: 11))
        items[1] = .bytes([0x00, 0x03])
        assertRejects(reencode(items), .leadingZeros(field: "nonce"))
    }

    func testSignatureRanges() throws {
        let good = try fields(try sample().rawBytes)
        var items = good
        items[11] = .bytes(Secp256k1.order)          // s = n
        assertRejects(reencode(items), .badSignature("r and s must be below the curve order n"))
        items = good
        items[10] = .bytes([])                        // r = 0
        assertRejects(reencode(items), .badSignature("r and s must be nonzero"))
        items = good
        items[9] = .bytes([0x02])                     // y-parity 2
        assertRejects(reencode(items), .badV("y-parity must be 0 or 1"))

        // s' = n - s is the same signature's malleable twin: valid math, forbidden by EIP-2.
        let sig = try sample().signature
        let highS = BigUInt(Data(Secp256k1.order)) - BigUInt(Data(sig.s))
        items = good
        items[11] = .bytes(Array(highS.serialize()))
        items[9] = .bytes(sig.recoveryId == 0 ? [0x01] : [])
        assertRejects(reencode(items), .highS)
    }

    func testLegacyV() throws {
        let legacy = try Transaction.legacy(chainId: nil, nonce: 0, gasPrice: 1, gasLimit: 21_000, to: to).sign(with: key)
        guard case .list(var items) = try RLP.decode(legacy.rawBytes) else { return XCTFail() }
        items[6] = .bytes([29])
        XCTAssertThrowsError(try SignedTransaction.decode(RLP.encode(.list(items)))) {
            XCTAssertEqual($0 as? TransactionError, .badV("29 is neither 27/28 nor an EIP-155 value (≥ 35)"))
        }
        let eip155 = try Transaction.legacy(chainId: 1071, nonce: 0, gasPrice: 1, gasLimit: 21_000, to: to).sign(with: key)
        let decoded = try SignedTransaction.decode(eip155.rawBytes)
        XCTAssertEqual(decoded.transaction.chainId, 1071)
        XCTAssertEqual(decoded.v, BigUInt(1071 * 2 + 35) + BigUInt(eip155.signature.recoveryId))
        XCTAssertThrowsError(try decoded.validate(chainId: 1)) {
            XCTAssertEqual($0 as? TransactionError, .chainIdMismatch(expected: 1, got: 1071))
        }
    }

    func testValidateIntrinsicGasAndFees() throws {
        let tx = Transaction.dynamicFee(chainId: 1, nonce: 0, maxPriorityFeePerGas: 5, maxFeePerGas: 4, gasLimit: 21_000, to: to)
        XCTAssertThrowsError(try tx.validate(chainId: 1)) { XCTAssertTrue("\($0)".contains("maxPriorityFeePerGas"), "\($0)") }
        let create = Transaction.legacy(chainId: 1, nonce: 0, gasPrice: 1, gasLimit: 53_000, to: nil, data: [0, 1])
        // 21000 + 32000 + 4 + 16 + 2 (one init-code word)
        XCTAssertEqual(create.intrinsicGas, 53_022)
        XCTAssertThrowsError(try create.validate(chainId: 1))
    }
}
