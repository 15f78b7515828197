import BigInt
import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// A fake node: answers each JSON-RPC method from a script, records what it was sent.
final class FakeNode: @unchecked Sendable {
    typealias Answer = (result: String?, error: (Int, String, String?)?)
    private let lock = NSLock()
    private var scripts: [String: [Answer]] = [:]
    private var defaults: [String: Answer] = [:]
    /// Mined transactions: hash → status. Receipts are only returned for these.
    private var mined: [String: Int] = [:]
    private(set) var calls: [(method: String, params: JSONValue)] = []
    var server: LoopbackHTTPServer!

    init() throws {
        server = try LoopbackHTTPServer { [unowned self] req in self.handle(req) }
    }

    /// Default result (raw JSON text) for a method.
    func on(_ method: String, _ resultJSON: String) { lock.lock(); defaults[method] = (resultJSON, nil); lock.unlock() }
    /// The next answers for a method, before falling back to the default.
    func next(_ method: String, error code: Int, _ message: String, data: String? = nil) {
        lock.lock(); scripts[method, default: []].append((nil, (code, message, data))); lock.unlock()
    }
    func next(_ method: String, _ resultJSON: String) {
        lock.lock(); scripts[method, default: []].append((resultJSON, nil)); lock.unlock()
    }

    func mine(_ hash: String, status: Int) { lock.lock(); mined[hash] = status; lock.unlock() }

    func count(_ method: String) -> Int { lock.lock(); defer { lock.unlock() }; return calls.filter { $0.method == method }.count }
    func sent() -> [String] {
        lock.lock(); defer { lock.unlock() }
        return calls.filter { $0.method == "eth_sendRawTransaction" }.compactMap { $0.params.arrayValue?.first?.stringValue }
    }

    private func answer(_ req: JSONValue) -> String {
        let method = req["method"]?.stringValue ?? ""
        let id = JSONWriter.string(req["id"] ?? .null)
        lock.lock()
        calls.append((method, req["params"] ?? .null))
        var a: Answer? = nil
        if var queue = scripts[method], !queue.isEmpty { a = queue.removeFirst(); scripts[method] = queue }
        var chosen = a ?? defaults[method]
        if a == nil, method == "eth_getTransactionReceipt", let h = req["params"]?.arrayValue?.first?.stringValue, let st = mined[h] {
            chosen = (#"{"transactionHash":"\#(h)","blockNumber":"0x11","blockHash":null,"status":"0x\#(st)","gasUsed":"0x5208","logs":[]}"#, nil)
        }
        lock.unlock()
        guard let chosen else { return #"{"jsonrpc":"2.0","id":\#(id),"error":{"code":-32601,"message":"no such method \#(method)"}}"# }
        if let (code, message, data) = chosen.error {
            let d = data.map { #","data":"\#($0)""# } ?? ""
            return #"{"jsonrpc":"2.0","id":\#(id),"error":{"code":\#(code),"message":"\#(message)"\#(d)}}"#
        }
        return #"{"jsonrpc":"2.0","id":\#(id),"result":\#(chosen.result!)}"#
    }

    private func handle(_ r: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Action {
        guard let v = try? JSONParser.parse(r.body) else { return .json("bad", status: 400) }
        if case .array(let items) = v { return .json("[" + items.map(answer).joined(separator: ",") + "]") }
        return .json(answer(v))
    }
}

extension FakeNode {
    /// Chain 1337 with a base fee, nonce 7, gas estimate 21000, nothing sent or mined yet.
    func answerAsAnIdleLondonNode() {
        on("eth_chainId", #""0x539""#)
        on("eth_getBlockByNumber", #"{"number":"0x10","timestamp":"0x5f5e100","baseFeePerGas":"0x3b9aca00"}"#)
        on("eth_maxPriorityFeePerGas", #""0x3b9aca00""#)
        on("eth_estimateGas", #""0x5208""#)
        on("eth_getTransactionCount", #""0x7""#)
        on("eth_getTransactionByHash", "null")
        on("eth_getTransactionReceipt", "null")
    }
}

/// What the sender's tests share: a key, a target, a fake node answering as an idle London node,
/// and a fresh journal per test.
class FakeNodeTestCase: XCTestCase {
    let key = try! PrivateKey(hex: "0x" + String(repeating: "11", count: 32))
    let target = try! Address(hex: "0x" + String(repeating: "22", count: 20))
    var node: FakeNode!
    var journal: SendJournal!

    override func setUpWithError() throws {
        node = try FakeNode()
        journal = SendJournal(path: NSTemporaryDirectory() + "ogpu-\(type(of: self))-\(UUID().uuidString)/j.jsonl")
        node.answerAsAnIdleLondonNode()
    }

    override func tearDown() { node.server.stop() }

    /// A sender signing with `key` through the fake node; `timeout` bounds each receipt wait (nil:
    /// the sender's own default).
    func sender(timeout: Double? = 5) -> TransactionSender {
        let rpc = JSONRPCClient(url: node.server.url, retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.02))
        let s = TransactionSender(eth: EthClient(rpc: rpc), signer: key, chainId: 1337, journal: journal)
        if let timeout { s.receiptTimeout = timeout }
        return s
    }
}

final class TransactionSenderTests: FakeNodeTestCase {

    private func request() -> TransactionRequest {
        TransactionRequest(to: target, data: [0xde, 0xad], label: "Test.op",
                           errors: [try! ABIError(signature: "NotEnough(uint256,uint256)")])
    }

    /// Signs what the sender would sign for `nonce`, to know the hash in advance.
    private func expectedHash(nonce: UInt64) throws -> String {
        let tx = Transaction.dynamicFee(chainId: 1337, nonce: nonce, maxPriorityFeePerGas: 1_000_000_000, maxFeePerGas: 3_000_000_000,
                                        gasLimit: 25200, to: target, data: [0xde, 0xad])
        return Hex.encode(try tx.sign(with: key).hash)
    }

    func testHappyPathJournalsBeforeSendingAndBuildsEIP1559() throws {
        let hash = try expectedHash(nonce: 7)
        node.next("eth_sendRawTransaction", "\"\(hash)\"")
        node.mine(hash, status: 1)
        let receipt = try sender().send(request())
        XCTAssertEqual(receipt.transactionHash, hash, "gas = estimate × 1.2, maxFee = priority + 2·baseFee, nonce from pending count")
        let states = try journal.records().records.filter { $0.hash == hash }.map(\.state)
        XCTAssertEqual(states, [.signed, .sent, .mined])
        XCTAssertEqual(node.count("eth_sendRawTransaction"), 1)
    }

    func testAlreadyKnownCountsAsSent() throws {
        let hash = try expectedHash(nonce: 7)
        node.next("eth_sendRawTransaction", error: -32000, "already known")
        node.mine(hash, status: 1)
        XCTAssertEqual(try sender().send(request()).transactionHash, hash)
        XCTAssertEqual(try journal.summary().count, 1, "no second transaction was signed")
    }

    func testNonceTooLowResignsOnlyOnceTheOriginalIsShownAbsent() throws {
        let first = try expectedHash(nonce: 7)
        let second = try expectedHash(nonce: 8)
        node.next("eth_sendRawTransaction", error: -32000, "nonce too low: next nonce 8, tx nonce 7")
        node.next("eth_getTransactionCount", #""0x7""#)   // first reservation
        node.on("eth_getTransactionCount", #""0x8""#)     // nonce 7 is used on chain, by something else
        node.next("eth_sendRawTransaction", "\"\(second)\"")
        node.mine(second, status: 1)
        let s = sender()
        s.absenceWindow = 0.3
        XCTAssertEqual(try s.send(request()).transactionHash, second)
        let summary = try journal.summary()
        XCTAssertEqual(summary.map(\.latest), [.rejected, .mined])
        XCTAssertEqual(summary.map { $0.signed.nonce }, [7, 8])
        let lookups = node.calls.filter { $0.method == "eth_getTransactionByHash" && $0.params.arrayValue?.first?.stringValue == first }
        XCTAssertGreaterThanOrEqual(lookups.count, 3, "absence is shown by several lookups, not one")
    }

    /// An earlier attempt's answer was lost and the node's receipt index lags: "nonce too low" is
    /// about our own transaction. It must be found, never re-signed.
    func testNonceTooLowWithALaggingReceiptIndexFindsTheOriginal() throws {
        let first = try expectedHash(nonce: 7)
        node.next("eth_sendRawTransaction", error: -32000, "nonce too low: next nonce 8, tx nonce 7")
        node.next("eth_getTransactionCount", #""0x7""#)
        node.on("eth_getTransactionCount", #""0x8""#)
        for _ in 0..<3 { node.next("eth_getTransactionReceipt", "null") }  // lagging, then the default: mined
        node.mine(first, status: 1)
        let s = sender()
        s.absenceWindow = 60
        XCTAssertEqual(try s.send(request()).transactionHash, first)
        XCTAssertEqual(node.count("eth_sendRawTransaction"), 1, "nothing re-signed")
        XCTAssertEqual(try journal.summary().map(\.latest), [.mined])
    }

    /// Neither found nor shown absent within the receipt timeout: the original stays unresolved
    /// and the outcome is reported unknown, never "rejected".
    func testADisplacedTransactionNotShownAbsentStaysUnresolved() throws {
        let first = try expectedHash(nonce: 7)
        node.next("eth_sendRawTransaction", error: -32000, "replacement transaction underpriced")
        // The other transaction holding nonce 7 never gets mined: nothing is proven.
        let s = sender(timeout: 1)
        XCTAssertThrowsError(try s.send(request())) { e in
            guard case .deliveryUncertain(_, let h, _)? = e as? SendError else { return XCTFail("\(e)") }
            XCTAssertEqual(h, first)
        }
        XCTAssertEqual(node.count("eth_sendRawTransaction"), 1, "nothing re-signed")
        XCTAssertEqual(try journal.summary().map(\.latest), [.unconfirmed])
        XCTAssertEqual(try journal.unresolved().map(\.hash), [first], "`ogpu journal --check` still sees it")
    }

    func testReplacementUnderpricedMovesPastTheTakenNonceOnceItIsMined() throws {
        let second = try expectedHash(nonce: 8)
        node.next("eth_sendRawTransaction", error: -32000, "replacement transaction underpriced")
        node.next("eth_getTransactionCount", #""0x7""#)   // reservation
        node.next("eth_getTransactionCount", #""0x7""#)   // the other tx with nonce 7 is still pending
        node.on("eth_getTransactionCount", #""0x8""#)     // then mined
        node.next("eth_sendRawTransaction", "\"\(second)\"")
        node.mine(second, status: 1)
        let s = sender()
        s.absenceWindow = 0.3
        XCTAssertEqual(try s.send(request()).transactionHash, second)
    }

    func testInsufficientFundsIsTypedAndReleasesTheNonce() throws {
        node.next("eth_sendRawTransaction", error: -32000, "insufficient funds for gas * price + value")
        let s = sender()
        XCTAssertThrowsError(try s.send(request())) { e in
            guard case .insufficientFunds? = e as? SendError else { return XCTFail("\(e)") }
        }
        XCTAssertEqual(s.nonces.peek(key.address), 7, "the unused nonce is handed out again")
        XCTAssertEqual(try journal.summary().map(\.latest), [.rejected])
    }

    func testRevertAtEstimationIsReportedBeforeSigning() throws {
        let data = Hex.encode(try ABIError(signature: "NotEnough(uint256,uint256)").encode([.uint(5), .uint(9)]))
        node.next("eth_estimateGas", error: 3, "execution reverted", data: data)
        XCTAssertThrowsError(try sender().send(request())) { e in
            guard let ce = e as? ContractError else { return XCTFail("\(e)") }
            XCTAssertEqual(ce.errorName, "NotEnough")
            XCTAssertEqual(ce.arguments, [.uint(5), .uint(9)])
            XCTAssertEqual(ce.phase, .beforeSending)
            XCTAssertEqual(ce.operation, "Test.op")
        }
        XCTAssertEqual(node.count("eth_sendRawTransaction"), 0)
        XCTAssertEqual(try journal.summary().count, 0)
    }

    func testMinedRevertIsReplayedForTheReason() throws {
        let hash = try expectedHash(nonce: 7)
        node.next("eth_sendRawTransaction", "\"\(hash)\"")
        node.mine(hash, status: 0)
        let data = Hex.encode(try ABIError.errorString.encode([.string("InsufficientBalance")]))
        node.next("eth_call", error: 3, "execution reverted: InsufficientBalance", data: data)
        XCTAssertThrowsError(try sender().send(request())) { e in
            guard let ce = e as? ContractError else { return XCTFail("\(e)") }
            XCTAssertEqual(ce.phase, .mined)
            XCTAssertEqual(ce.transactionHash, hash)
            XCTAssertEqual(ce.errorName, "InsufficientBalance")
        }
        XCTAssertEqual(try journal.summary().map(\.latest), [.reverted])
    }

    func testLostAnswerIsCheckedByHashNotResigned() throws {
        let hash = try expectedHash(nonce: 7)
        // The node took the tx but the answer was garbage; the lookup then finds it.
        node.next("eth_sendRawTransaction", #"{"not":"a hash"}"#)
        node.next("eth_getTransactionByHash", #"{"hash":"\#(hash)"}"#)
        node.mine(hash, status: 1)
        XCTAssertEqual(try sender().send(request()).transactionHash, hash)
        XCTAssertEqual(Set(node.sent()).count, 1, "only one distinct transaction was ever broadcast")
        XCTAssertEqual(try journal.summary().count, 1)
    }

    func testReceiptTimeoutNamesTheHashAndLeavesItUnresolved() throws {
        let hash = try expectedHash(nonce: 7)
        node.next("eth_sendRawTransaction", "\"\(hash)\"")
        XCTAssertThrowsError(try sender(timeout: 0.3).send(request())) { e in
            guard case .receiptTimeout(_, let h, _)? = e as? SendError else { return XCTFail("\(e)") }
            XCTAssertEqual(h, hash)
            XCTAssertTrue("\(e)".contains("check it by hash"))
        }
        XCTAssertEqual(try journal.unresolved().map(\.hash), [hash])
    }

    func testLegacyGasPriceWithoutBaseFee() throws {
        node.on("eth_getBlockByNumber", #"{"number":"0x10","timestamp":"0x5f5e100"}"#)
        node.on("eth_gasPrice", #""0x77359400""#)
        let fees = FeeOracle(eth: EthClient(url: node.server.url))
        XCTAssertEqual(try fees.quote(), .legacy(gasPrice: 2_000_000_000))
        XCTAssertEqual(fees.gasLimit(forEstimate: 100_000), 120_000)
    }

    func testPriorityFallsBackToFeeHistory() throws {
        node.next("eth_maxPriorityFeePerGas", error: -32601, "method not found")
        node.on("eth_feeHistory", #"{"baseFeePerGas":["0x1"],"reward":[["0x0"],["0x59682f00"],["0x77359400"]]}"#)
        let fees = FeeOracle(eth: EthClient(url: node.server.url))
        // mean(1.5 gwei, 2 gwei) = 1.75 gwei, clamped to 1.5 gwei; maxFee = 1.5 + 2×1 gwei.
        XCTAssertEqual(try fees.quote(), .eip1559(maxFeePerGas: 3_500_000_000, maxPriorityFeePerGas: 1_500_000_000))
    }
}
