import BigInt
import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// `TransactionSender.submitChunk`, the batch publish's send path: a chunk is journaled (one fsync)
/// before any of it is broadcast, and a refusal mid-chunk never broadcasts the transactions signed
/// after it — they are recorded as not broadcast and signed again from the node's nonce.
final class TransactionSenderChunkTests: FakeNodeTestCase {

    /// Item `i` of a chunk: its own calldata, so each (item, nonce) has its own hash.
    private func item(_ i: UInt8) -> (request: TransactionRequest, gasLimit: UInt64) {
        (TransactionRequest(to: target, data: [0xde, i], label: "Test.op"), 25200)
    }

    private func signed(_ i: UInt8, nonce: UInt64) throws -> SignedTransaction {
        try Transaction.dynamicFee(chainId: 1337, nonce: nonce, maxPriorityFeePerGas: 1_000_000_000, maxFeePerGas: 3_000_000_000,
                                   gasLimit: 25200, to: target, data: [0xde, i]).sign(with: key)
    }

    private func hash(_ i: UInt8, nonce: UInt64) throws -> String { Hex.encode(try signed(i, nonce: nonce).hash) }

    func testTheChunkIsJournaledBeforeAnyOfItIsBroadcastInNonceOrder() throws {
        let hashes = try (0..<3).map { try hash(UInt8($0), nonce: 7 + UInt64($0)) }
        for h in hashes { node.next("eth_sendRawTransaction", "\"\(h)\"") }
        let results = try sender(timeout: nil).submitChunk((0..<3).map { item(UInt8($0)) })
        XCTAssertEqual(try results.map { try $0.get().hash }, hashes)
        XCTAssertEqual(try results.map { try $0.get().nonce }, [7, 8, 9])
        let records = try journal.records().records
        XCTAssertEqual(records.map(\.state), [.signed, .signed, .signed, .sent, .sent, .sent],
                       "every signed record is durable before the first broadcast")
        XCTAssertEqual(records.prefix(3).map(\.hash), hashes)
        XCTAssertEqual(node.sent(), try (0..<3).map { Hex.encode(try signed(UInt8($0), nonce: 7 + UInt64($0)).rawBytes) },
                       "broadcast in nonce order")
    }

    func testARefusalMidChunkResignsTheRestWithoutBroadcastingTheirFirstSignatures() throws {
        // The node takes nonce 7, refuses nonce 8 outright; it then counts 8 as the next nonce.
        node.next("eth_getTransactionCount", #""0x7""#)
        node.on("eth_getTransactionCount", #""0x8""#)
        node.next("eth_sendRawTransaction", "\"\(try hash(0, nonce: 7))\"")
        node.next("eth_sendRawTransaction", error: -32000, "invalid transaction: intrinsic gas too low")
        node.next("eth_sendRawTransaction", "\"\(try hash(2, nonce: 8))\"")
        node.next("eth_sendRawTransaction", "\"\(try hash(3, nonce: 9))\"")
        let results = try sender(timeout: nil).submitChunk((0..<4).map { item(UInt8($0)) })

        XCTAssertEqual(try results[0].get().hash, try hash(0, nonce: 7))
        XCTAssertThrowsError(try results[1].get()) { guard case .rejected? = $0 as? SendError else { return XCTFail("\($0)") } }
        XCTAssertEqual(try results[2].get().hash, try hash(2, nonce: 8), "signed again at the node's next nonce")
        XCTAssertEqual(try results[3].get().hash, try hash(3, nonce: 9))

        let firstSignatures = [try hash(2, nonce: 9), try hash(3, nonce: 10)]
        let broadcast = Set(node.sent())
        for (i, h) in zip([2, 3], firstSignatures) {
            XCTAssertFalse(broadcast.contains(Hex.encode(try signed(UInt8(i), nonce: i == 2 ? 9 : 10).rawBytes)),
                           "item \(i)'s first signature was never broadcast")
            let states = try journal.records().records.filter { $0.hash == h }
            XCTAssertEqual(states.map(\.state), [.signed, .rejected])
            XCTAssertTrue(states.last?.fields["reason"]?.stringValue?.hasPrefix("not broadcast:") == true)
        }
        XCTAssertEqual(node.count("eth_sendRawTransaction"), 4)
        XCTAssertEqual(try journal.unresolved().count, 3, "the three accepted ones await their receipts; nothing else is open")
    }
}
