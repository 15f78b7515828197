import BigInt
import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// Replacing a stuck transaction at its nonce (`speed_up`, `cancel_tx`) against a fake node that
/// answers as geth's pool would: the fee bump, the node refusing an underpriced replacement, and
/// the original winning the race — each settled in the journal. Plus the fee overrides' rules.
final class TransactionReplacementTests: FakeNodeTestCase {
    let gwei = BigUInt(1_000_000_000)

    override func setUpWithError() throws {
        try super.setUpWithError()
        node.on("eth_call", #""0x""#)
    }

    private func signed(nonce: UInt64 = 7, tip: BigUInt, maxFee: BigUInt, gas: UInt64 = 25200, to: Address? = nil,
                        data: [UInt8] = [0xde, 0xad]) throws -> String {
        let tx = Transaction.dynamicFee(chainId: 1337, nonce: nonce, maxPriorityFeePerGas: tip, maxFeePerGas: maxFee,
                                        gasLimit: gas, to: to ?? target, data: data)
        return Hex.encode(try tx.sign(with: key).hash)
    }

    /// A transaction the node took ("already known") but never mines: the send gives up waiting.
    private func stuck() throws -> String {
        let hash = try signed(tip: gwei, maxFee: 3 * gwei)
        node.next("eth_sendRawTransaction", error: -32000, "already known")
        XCTAssertThrowsError(try sender(timeout: 0.2).send(TransactionRequest(to: target, data: [0xde, 0xad], label: "Test.op"))) {
            guard case SendError.receiptTimeout(_, let h, _) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(h, hash)
        }
        return hash
    }

    private func latest(_ hash: String) throws -> SendJournal.State? {
        try journal.summary().first { $0.signed.hash == hash }?.latest
    }

    func testSpeedUpResendsTheSameCallAtTheNonceWithBothFeesTenPercentHigher() throws {
        let original = try stuck()
        // Today's quote (3 / 1 gwei) is below the bump, so the bump decides: 3.3 / 1.1 gwei.
        let replacement = try signed(tip: gwei * 11 / 10, maxFee: gwei * 33 / 10)
        node.next("eth_sendRawTransaction", "\"\(replacement)\"")
        node.mine(replacement, status: 1)
        let outcome = try sender().replace(original, .speedUp)
        XCTAssertEqual(outcome.receipt.transactionHash, replacement)
        XCTAssertFalse(outcome.originalWon)
        XCTAssertEqual(try latest(original), .rejected)
        XCTAssertEqual(try latest(replacement), .mined)
        let record = try journal.summary().first { $0.signed.hash == replacement }!.signed
        XCTAssertEqual(record.fields["meta"]?["replaces"]?.stringValue, original)
        XCTAssertEqual(record.label, "Test.op", "a sped-up call keeps its label")
    }

    func testASecondSpeedUpOutbidsTheFirstReplacementAndSettlesAllThree() throws {
        let original = try stuck()
        let first = try signed(tip: gwei * 11 / 10, maxFee: gwei * 33 / 10)
        node.next("eth_sendRawTransaction", "\"\(first)\"")
        XCTAssertThrowsError(try sender(timeout: 0.2).replace(original, .speedUp))  // the first replacement is stuck too
        XCTAssertEqual(try latest(first), .unconfirmed)
        // The pool holds the first replacement: the second bids 10% above it, not above the original.
        let second = try signed(tip: gwei * 121 / 100, maxFee: gwei * 363 / 100)
        node.next("eth_sendRawTransaction", "\"\(second)\"")
        node.mine(second, status: 1)
        XCTAssertEqual(try sender().replace(original, .speedUp).receipt.transactionHash, second)
        XCTAssertEqual(try [original, first, second].map(latest), [.rejected, .rejected, .mined])
    }

    func testCancelIsAZeroValueTransferToOneselfAtTheNonce() throws {
        let original = try stuck()
        let replacement = try signed(tip: gwei * 11 / 10, maxFee: gwei * 33 / 10, gas: 21000, to: key.address, data: [])
        node.next("eth_sendRawTransaction", "\"\(replacement)\"")
        node.mine(replacement, status: 1)
        XCTAssertEqual(try sender().replace(original, .cancel).receipt.transactionHash, replacement)
        XCTAssertEqual(try latest(original), .rejected)
    }

    func testGivenFeesMustClearTheBumpAndAnUnderpricedAnswerSignsNothingElse() throws {
        let original = try stuck()
        let s = sender()
        XCTAssertThrowsError(try s.withOverrides(SendOverrides(maxFeePerGas: 3 * gwei, maxPriorityFeePerGas: 2 * gwei)) {
            try s.replace(original, .speedUp)
        }) { XCTAssertEqual(($0 as? SendRequestError).map { "\($0)" }?.contains("must be at least 3.3 gwei"), true, "\($0)") }
        XCTAssertEqual(node.sent().count, 1, "nothing was sent")
        node.next("eth_sendRawTransaction", error: -32000, "replacement transaction underpriced")
        XCTAssertThrowsError(try s.replace(original, .speedUp)) {
            guard case SendRequestError.replacementUnderpriced = $0 else { return XCTFail("\($0)") }
        }
        let replacement = try signed(tip: gwei * 11 / 10, maxFee: gwei * 33 / 10)
        XCTAssertEqual(try latest(replacement), .rejected)
        XCTAssertEqual(try latest(original), .unconfirmed, "the original may still land")
    }

    func testTheOriginalMinedFirstWinsAndTheReplacementIsRecordedAsNeverMined() throws {
        let original = try stuck()
        let replacement = try signed(tip: gwei * 11 / 10, maxFee: gwei * 33 / 10)
        node.next("eth_sendRawTransaction", "\"\(replacement)\"")
        node.mine(original, status: 1)
        // Mined between the check and the send: the replacement's receipt never comes.
        node.next("eth_getTransactionReceipt", "null")
        let outcome = try sender().replace(original, .speedUp)
        XCTAssertTrue(outcome.originalWon)
        XCTAssertEqual(try latest(original), .mined)
        XCTAssertEqual(try latest(replacement), .rejected)
    }

    func testNonceTooLowForTheReplacementIsSettledByLookupsAndTheMinedOriginalWins() throws {
        let original = try stuck()
        let replacement = try signed(tip: gwei * 11 / 10, maxFee: gwei * 33 / 10)
        node.next("eth_getTransactionReceipt", "null")         // not mined yet when checked…
        node.next("eth_getTransactionCount", #""0x7""#)
        node.on("eth_getTransactionCount", #""0x8""#)          // …then mined before the replacement arrived
        node.mine(original, status: 1)
        node.next("eth_sendRawTransaction", error: -32000, "nonce too low: next nonce 8, tx nonce 7")
        let s = sender()
        s.absenceWindow = 0.3
        let outcome = try s.replace(original, .cancel)
        XCTAssertTrue(outcome.originalWon)
        let cancel = try signed(tip: gwei * 11 / 10, maxFee: gwei * 33 / 10, gas: 21000, to: key.address, data: [])
        XCTAssertEqual(try latest(original), .mined)
        XCTAssertEqual(try latest(cancel), .rejected, "shown absent by lookups, not taken on one answer")
        XCTAssertNotEqual(cancel, replacement)
        let lookups = node.calls.filter { $0.method == "eth_getTransactionByHash" && $0.params.arrayValue?.first?.stringValue == cancel }
        XCTAssertGreaterThanOrEqual(lookups.count, 3)
    }

    func testAPendingTransactionOnlyTheNodeKnowsIsReplacedFromItsPoolEntry() throws {
        // Sent from this account by another wallet: not in the journal, pending in the node's pool.
        let hash = "0x" + String(repeating: "cd", count: 32)
        node.on("eth_getTransactionByHash", """
            {"hash":"\(hash)","from":"\(key.address.lowercaseHex)","to":"\(target.lowercaseHex)","value":"0x5","nonce":"0x7",
             "gas":"0x7530","maxFeePerGas":"0x\(String(10 * gwei, radix: 16))","maxPriorityFeePerGas":"0x\(String(2 * gwei, radix: 16))",
             "input":"0xbeef","blockNumber":null,"type":"0x2"}
            """)
        let tx = Transaction.dynamicFee(chainId: 1337, nonce: 7, maxPriorityFeePerGas: gwei * 22 / 10, maxFeePerGas: 11 * gwei,
                                        gasLimit: 30000, to: target, value: 5, data: [0xbe, 0xef])
        let replacement = Hex.encode(try tx.sign(with: key).hash)
        node.next("eth_sendRawTransaction", "\"\(replacement)\"")
        node.mine(replacement, status: 1)
        XCTAssertEqual(try sender().replace(hash, .speedUp).receipt.transactionHash, replacement,
                       "same nonce, target, value, data and gas; both fees +10% over the pool entry's")
        XCTAssertEqual(try latest(replacement), .mined)
        let stranger = "0x" + String(repeating: "ef", count: 32)
        node.on("eth_getTransactionByHash", #"{"hash":"\#(stranger)","from":"0x\#(String(repeating: "33", count: 20))","to":null,"value":"0x0","nonce":"0x7","gas":"0x5208","gasPrice":"0x1","input":"0x","blockNumber":null}"#)
        XCTAssertThrowsError(try sender().replace(stranger, .cancel)) {
            XCTAssertEqual(($0 as? SendRequestError).map { "\($0)" }?.contains("not from \(self.key.address.checksummed)"), true, "\($0)")
        }
    }

    func testNothingIsReplacedOnceItsNonceIsUsedOrWhenItIsUnknown() throws {
        let original = try stuck()
        node.on("eth_getTransactionCount", #""0x8""#)
        XCTAssertThrowsError(try sender().replace(original, .cancel)) {
            XCTAssertEqual(($0 as? SendRequestError).map { "\($0)" }?.contains("nonce 7 is already used"), true, "\($0)")
        }
        XCTAssertThrowsError(try sender().replace("0x" + String(repeating: "ab", count: 32), .cancel)) {
            XCTAssertEqual(($0 as? SendRequestError).map { "\($0)" }?.contains("neither the send journal nor the node knows it"), true)
        }
        XCTAssertEqual(node.sent().count, 1)
    }

    func testOverridesReplaceTheQuoteAsDocumented() throws {
        let quote = FeeQuote.eip1559(maxFeePerGas: 30 * gwei, maxPriorityFeePerGas: 2 * gwei)
        XCTAssertEqual(try SendOverrides().apply(to: quote), quote)
        XCTAssertEqual(try SendOverrides(maxFeePerGas: gwei).apply(to: quote), .eip1559(maxFeePerGas: gwei, maxPriorityFeePerGas: gwei),
                       "a max fee alone lowers the tip to fit")
        XCTAssertEqual(try SendOverrides(maxPriorityFeePerGas: 5 * gwei).apply(to: quote),
                       .eip1559(maxFeePerGas: 33 * gwei, maxPriorityFeePerGas: 5 * gwei), "a tip alone keeps the base-fee allowance")
        XCTAssertEqual(try SendOverrides(maxFeePerGas: 7 * gwei).apply(to: .legacy(gasPrice: gwei)), .legacy(gasPrice: 7 * gwei))
        XCTAssertThrowsError(try SendOverrides(maxPriorityFeePerGas: gwei).apply(to: .legacy(gasPrice: gwei)))
        XCTAssertThrowsError(try SendOverrides(maxFeePerGas: gwei, maxPriorityFeePerGas: 2 * gwei).validate())
        XCTAssertThrowsError(try SendOverrides(maxFeePerGas: 0).validate())
        XCTAssertThrowsError(try SendOverrides(gasLimit: 20_999).validate())
        XCTAssertNoThrow(try SendOverrides(maxFeePerGas: gwei, maxPriorityFeePerGas: 0, gasLimit: 21_000).validate())
        XCTAssertEqual(TransactionSender.bumped(10), 11)
        XCTAssertEqual(TransactionSender.bumped(11), 13, "rounded up: 12.1 → 13")
    }
}
