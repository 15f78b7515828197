import BigInt
import XCTest
@testable import OGPUKit
import OGPUPrimitives

/// The checks before every signature (docs/security.md §Spending): caps, endpoint transport and
/// the mainnet confirmation, alone and wired into `TransactionSender` against a node that quotes
/// hostile fees.
final class SpendingPolicyTests: XCTestCase {
    let key = try! PrivateKey(hex: "0x" + String(repeating: "11", count: 32))
    let target = try! Address(hex: "0x" + String(repeating: "22", count: 20))
    let gwei = FeeOracle.oneGwei

    func tx(maxFee: BigUInt, gas: UInt64 = 100_000, value: BigUInt = 0, data: [UInt8] = [1]) -> Transaction {
        .dynamicFee(chainId: 1071, nonce: 0, maxPriorityFeePerGas: gwei, maxFeePerGas: maxFee, gasLimit: gas, to: target,
                    value: value, data: data)
    }

    func policy(_ url: String = "https://rpc.example", mainnet: Bool = false, yes: Bool = false,
                confirm: ((SigningSummary) -> Bool)? = nil) -> SpendingPolicy {
        SpendingPolicy(networkName: mainnet ? "mainnet" : "local", rpcURL: url, confirmSigning: mainnet, assumeYes: yes,
                       confirm: confirm)
    }

    func refusal(_ body: () throws -> Void) -> SpendingRefusal? {
        do { try body(); return nil } catch { return error as? SpendingRefusal }
    }

    func testFeePerGasCapIsInclusiveAndNamedInTheRefusal() {
        let p = policy()
        XCTAssertNil(refusal { try p.authorize(self.tx(maxFee: 1000 * self.gwei), label: "X.f", from: self.key.address, payment: nil, dryRun: false) })
        let r = refusal { try p.authorize(self.tx(maxFee: 1000 * self.gwei + 1), label: "X.f", from: self.key.address, payment: nil, dryRun: false) }
        XCTAssertEqual(r, .feePerGasAboveCap(label: "X.f", quoted: 1000 * gwei + 1, cap: 1000 * gwei))
        XCTAssertTrue("\(r!)".contains("--max-fee-per-gas") && "\(r!)".contains("OGPU_MAX_FEE_PER_GAS") && "\(r!)".contains("max_fee_per_gas:"))
        let legacy = Transaction.legacy(chainId: 1, nonce: 0, gasPrice: 2000 * gwei, gasLimit: 21000, to: target)
        XCTAssertNotNil(refusal { try p.authorize(legacy, label: "X.f", from: self.key.address, payment: nil, dryRun: false) },
                        "a legacy gas price meets the same cap")
    }

    func testTotalCostIsGasLimitTimesMaxFeePlusValue() {
        let p = policy()
        let ogpu = BigUInt(10).power(18)
        // 100 000 gas × 1000 gwei = 0.1 OGPU; + 99.9 OGPU value = exactly the 100 OGPU cap.
        XCTAssertNil(refusal { try p.authorize(self.tx(maxFee: 1000 * self.gwei, value: 999 * ogpu / 10), label: "V.deposit",
                                                from: self.key.address, payment: nil, dryRun: false) })
        let r = refusal { try p.authorize(self.tx(maxFee: 1000 * self.gwei, value: 999 * ogpu / 10 + 1), label: "V.deposit",
                                          from: self.key.address, payment: nil, dryRun: false) }
        guard case .costAboveCap(_, let cost, let cap)? = r else { return XCTFail("\(String(describing: r))") }
        XCTAssertEqual(cost, 100 * ogpu + 1)
        XCTAssertEqual(cap, 100 * ogpu)
        // A per-call override lasts for its call only.
        p.withCaps(SpendingCaps(maxFeePerGas: 1000 * gwei, maxTransactionCost: 200 * ogpu)) {
            XCTAssertNil(refusal { try p.authorize(self.tx(maxFee: 1000 * self.gwei, value: 150 * ogpu), label: "V.deposit",
                                                    from: self.key.address, payment: nil, dryRun: false) })
        }
        XCTAssertEqual(p.caps, SpendingCaps())
    }

    func testPlainHTTPIsRefusedUnlessLoopbackOrAllowed() {
        for url in ["http://10.0.0.5:8545", "http://rpc.example/v3/k", "http://127.0.0.1.evil.example", "http://[::2]:8545",
                    "http://user:pw@192.0.2.1/"] {
            let r = refusal { try self.policy(url).checkEndpoint(label: "") }
            guard case .insecureEndpoint(_, let shown)? = r else { return XCTFail(url) }
            XCTAssertFalse(shown.contains("pw") || shown.contains("/v3/k"), "credentials and paths are redacted: \(shown)")
        }
        for url in ["https://rpc.example", "HTTPS://RPC.EXAMPLE", "http://127.0.0.1:8545", "http://127.1.2.3/", "http://localhost:8545",
                    "http://[::1]:8545/", "http://u:p@localhost/"] {
            XCTAssertNil(refusal { try self.policy(url).checkEndpoint(label: "") }, url)
        }
        let allowed = policy("http://10.0.0.5:8545")
        allowed.allowInsecureRPC = true
        XCTAssertNil(refusal { try allowed.checkEndpoint(label: "") })
    }

    func testMainnetAsksOnceShowingTheTransactionAndRefusesWithoutSomeoneToAsk() {
        var asked = [SigningSummary]()
        var answer = false
        let p = policy(mainnet: true) { asked.append($0); return answer }
        let t = tx(maxFee: 3 * gwei, gas: 240_000)
        XCTAssertEqual(refusal { try p.authorize(t, label: "Controller.publishTask", from: self.key.address,
                                                 payment: BigUInt(10).power(16), dryRun: false) },
                       .declined(label: "Controller.publishTask"))
        let lines = asked[0].lines.joined(separator: "\n")
        for text in ["send on mainnet (chain id 1071)", "Controller.publishTask", target.checksummed, key.address.checksummed,
                     "payment   0.01 OGPU", "value     0 OGPU", "max fee   0.00072 OGPU (gas limit 240000 × at most 3 gwei)"] {
            XCTAssertTrue(lines.contains(text), text)
        }
        answer = true
        XCTAssertNil(refusal { try p.authorize(t, label: "C.p", from: self.key.address, payment: nil, dryRun: false) })
        // A retry of the same call at no higher cost (its nonce was taken) is not asked again; a
        // dearer retry is, and so is the same call made again (the same draft published twice).
        XCTAssertNil(refusal { try p.authorize(t, label: "C.p", from: self.key.address, payment: nil, dryRun: false, retry: true) })
        XCTAssertEqual(asked.count, 2)
        XCTAssertNil(refusal { try p.authorize(self.tx(maxFee: 4 * self.gwei, gas: 240_000), label: "C.p", from: self.key.address,
                                                payment: nil, dryRun: false, retry: true) })
        XCTAssertEqual(asked.count, 3)
        XCTAssertNil(refusal { try p.authorize(t, label: "C.p", from: self.key.address, payment: nil, dryRun: false) })
        XCTAssertEqual(asked.count, 4)

        let script = policy(mainnet: true)
        XCTAssertEqual(refusal { try script.authorize(t, label: "C.p", from: self.key.address, payment: nil, dryRun: true) },
                       .confirmationNeeded(label: "C.p"))
        XCTAssertNil(refusal { try self.policy(mainnet: true, yes: true).authorize(t, label: "C.p", from: self.key.address,
                                                                                    payment: nil, dryRun: true) })
        XCTAssertNil(refusal { try self.policy().authorize(t, label: "C.p", from: self.key.address, payment: nil, dryRun: false) },
                     "other networks are not asked about")
    }

    /// Wired into the sender: a node quoting 5000 gwei gets nothing signed, journaled or sent.
    func testTheSenderChecksThePolicyBeforeSigningAndReleasesTheNonce() throws {
        let node = try FakeNode()
        defer { node.server.stop() }
        node.answerAsAnIdleLondonNode()
        node.on("eth_getBlockByNumber", #"{"number":"0x10","timestamp":"0x5f5e100","baseFeePerGas":"0x48c27395000"}"#)
        let journal = SendJournal(path: NSTemporaryDirectory() + "ogpu-policy-\(UUID().uuidString)/j.jsonl")
        let s = TransactionSender(eth: EthClient(rpc: JSONRPCClient(url: node.server.url)), signer: key, chainId: 1337, journal: journal)
        s.policy = SpendingPolicy(networkName: "local", rpcURL: node.server.url)
        let request = TransactionRequest(to: target, data: [0xde, 0xad], label: "Test.op")
        XCTAssertThrowsError(try s.send(request)) { e in
            guard case .feePerGasAboveCap(let label, let quoted, _)? = e as? SpendingRefusal else { return XCTFail("\(e)") }
            XCTAssertEqual(label, "Test.op")
            XCTAssertEqual(quoted, 10_001 * gwei)
        }
        XCTAssertEqual(node.count("eth_sendRawTransaction"), 0)
        XCTAssertEqual(try journal.records().records.count, 0, "nothing signed, so nothing journaled")
        s.policy?.caps.maxFeePerGas = 20_000 * gwei
        node.next("eth_sendRawTransaction", error: -32000, "test node accepts nothing")
        XCTAssertThrowsError(try s.send(request)) { e in
            guard case .rejected? = e as? SendError else { return XCTFail("\(e)") }
        }
        XCTAssertEqual(try journal.records().records.first?.nonce, 7, "the refused attempt gave its nonce back")
    }
}

final class HTTPEndpointTests: XCTestCase {
    func testHostIgnoresCredentialsPortsAndPaths() {
        XCTAssertEqual(HTTPEndpoint.host(of: "https://user:p@ss@Node.Example:8545/v3/key?x=1"), "node.example")
        XCTAssertEqual(HTTPEndpoint.host(of: "http://[::1]:8545/"), "::1")
        XCTAssertNil(HTTPEndpoint.host(of: "no scheme"))
        XCTAssertEqual(HTTPRedaction.redact("https://user:pw@node.example/v3/0123abcd"), "https://node.example/…")
    }
}
