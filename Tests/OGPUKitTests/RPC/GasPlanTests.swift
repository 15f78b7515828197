import BigInt
import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// The sender pays for one `eth_estimateGas` per call shape, then proves each later call of that
/// shape with one `eth_call` at the exact gas limit it signs — and falls back to a full estimate
/// whenever that call fails, so a revert is still reported before anything is signed.
final class GasPlanTests: FakeNodeTestCase {

    override func setUpWithError() throws {
        try super.setUpWithError()
        node.on("eth_call", #""0x""#)
    }

    private func request(_ data: [UInt8] = [0xde, 0xad, 0xbe, 0xef, 0x01]) -> TransactionRequest {
        TransactionRequest(to: target, data: data, label: "Test.op", errors: [try! ABIError(signature: "NotEnough(uint256,uint256)")])
    }

    /// Scripts the node to accept and mine the transaction the sender will sign.
    @discardableResult
    private func expectSend(nonce: UInt64, gasLimit: UInt64, data: [UInt8]) throws -> String {
        let tx = Transaction.dynamicFee(chainId: 1337, nonce: nonce, maxPriorityFeePerGas: 1_000_000_000, maxFeePerGas: 3_000_000_000,
                                        gasLimit: gasLimit, to: target, data: data)
        let hash = Hex.encode(try tx.sign(with: key).hash)
        node.next("eth_sendRawTransaction", "\"\(hash)\"")
        node.mine(hash, status: 1)
        return hash
    }

    private func callGas() -> [String] {
        node.calls.filter { $0.method == "eth_call" }.compactMap { $0.params.arrayValue?.first?["gas"]?.stringValue }
    }

    func testTheSecondCallOfAShapeIsProvenWithOneCallAtItsLimit() throws {
        let s = sender()
        let first = request(), second = request([0xde, 0xad, 0xbe, 0xef, 0x02])
        let h1 = try expectSend(nonce: 7, gasLimit: 25200, data: first.data)
        let h2 = try expectSend(nonce: 8, gasLimit: 25200, data: second.data)
        XCTAssertEqual(try s.send(first).transactionHash, h1)
        XCTAssertEqual(try s.send(second).transactionHash, h2)
        XCTAssertEqual(node.count("eth_estimateGas"), 1, "only the first of the shape is estimated")
        XCTAssertEqual(callGas(), ["0x6270"], "the second is executed once, from the sender, with the exact limit it is signed with")
        let call = try XCTUnwrap(node.calls.first { $0.method == "eth_call" }?.params.arrayValue)
        XCTAssertEqual(call.first?["from"]?.stringValue, key.address.lowercaseHex)
        XCTAssertEqual(call.first?["data"]?.stringValue, Hex.encode(second.data))
        XCTAssertEqual(call.last?.stringValue, "latest")
    }

    func testARevertAtTheKnownLimitIsDecidedByAFullEstimateAndNothingIsSigned() throws {
        let s = sender()
        try expectSend(nonce: 7, gasLimit: 25200, data: request().data)
        try s.send(request())
        let before = try journal.records().records.count
        let revert = Hex.encode(try ABIError(signature: "NotEnough(uint256,uint256)").encode([.uint(5), .uint(9)]))
        node.next("eth_call", error: 3, "execution reverted", data: revert)
        node.next("eth_estimateGas", error: 3, "execution reverted", data: revert)
        XCTAssertThrowsError(try s.send(request([0xde, 0xad, 0xbe, 0xef, 0x03]))) { e in
            guard let ce = e as? ContractError else { return XCTFail("expected ContractError, got \(e)") }
            XCTAssertEqual(ce.phase, .beforeSending)
            XCTAssertEqual(ce.errorName, "NotEnough")
            XCTAssertEqual(ce.arguments, [.uint(5), .uint(9)])
        }
        XCTAssertEqual(node.count("eth_estimateGas"), 2, "the failed check is confirmed by an estimate, not trusted alone")
        XCTAssertEqual(node.sent().count, 1, "nothing was broadcast for the reverting call")
        XCTAssertEqual(try journal.records().records.count, before, "nothing was signed into the journal")
    }

    func testRunningOutOfGasAtTheKnownLimitTakesAFreshEstimate() throws {
        let s = sender()
        try expectSend(nonce: 7, gasLimit: 25200, data: request().data)
        try s.send(request())
        // This call needs more gas than the shape's last estimate: the check fails without revert data.
        node.next("eth_call", error: -32000, "out of gas")
        node.next("eth_estimateGas", #""0x7530""#)  // 30000 → limit 36000
        let bigger = request([0xde, 0xad, 0xbe, 0xef, 0x04])
        let h = try expectSend(nonce: 8, gasLimit: 36000, data: bigger.data)
        XCTAssertEqual(try s.send(bigger).transactionHash, h, "signed with the fresh estimate's limit, not the stale one")
        // The fresh estimate is what the next call of the shape starts from.
        let next = request([0xde, 0xad, 0xbe, 0xef, 0x05])
        try expectSend(nonce: 9, gasLimit: 36000, data: next.data)
        try s.send(next)
        XCTAssertEqual(callGas(), ["0x6270", "0x8ca0"])
        XCTAssertEqual(node.count("eth_estimateGas"), 2)
    }

    func testAnotherShapeIsEstimatedOnItsOwn() throws {
        let s = sender()
        try expectSend(nonce: 7, gasLimit: 25200, data: request().data)
        try s.send(request())
        let longer = request([0xde, 0xad, 0xbe, 0xef, 0x01, 0x02])
        try expectSend(nonce: 8, gasLimit: 25200, data: longer.data)
        try s.send(longer)
        XCTAssertEqual(node.count("eth_estimateGas"), 2, "calldata of another length is another shape")
        XCTAssertEqual(node.count("eth_call"), 0)
    }

    // MARK: - Nonces after an idle gap

    func testNoncesCountUpWhileBusyAndReReadTheNodeAfterAnIdleGap() throws {
        var now = 1000.0
        let nonces = NonceManager(idleSeconds: 5, clock: { now })
        let eth = EthClient(rpc: JSONRPCClient(url: node.server.url))
        XCTAssertEqual(try nonces.reserve(for: key.address, using: eth), 7)
        now += 1
        XCTAssertEqual(try nonces.reserve(for: key.address, using: eth), 8)
        XCTAssertEqual(node.count("eth_getTransactionCount"), 1, "back-to-back reservations use the cache")
        // Another wallet sent 4 transactions from this account meanwhile.
        now += 60
        node.next("eth_getTransactionCount", #""0xd""#)
        XCTAssertEqual(try nonces.reserve(for: key.address, using: eth), 13, "after an idle gap the node's count wins when higher")
        // A node that does not list our own recent sends yet never takes the count backwards.
        now += 60
        node.next("eth_getTransactionCount", #""0x3""#)
        XCTAssertEqual(try nonces.reserve(for: key.address, using: eth), 14)
        XCTAssertEqual(node.count("eth_getTransactionCount"), 3)
    }
}
