import BigInt
import OGPUKit
import OGPUPrimitives
import XCTest
@testable import OGPUScript

/// The networked built-ins (§6) against an in-memory gateway: what they send, what they return,
/// how they wait, and how gateway failures become script errors.
final class OpenGPUBuiltinTests: XCTestCase {
    static let source = "0x2318ab575C687C170aaCCd13624821BEE612F165"
    static let taskA = "0x0Fc3d195F6BFA976bE14381D19Bc57c5D89665b5"
    static let provider = "0x1BcCb00524CaCc5f55DD2B8296cA36E6cDd19696"

    static func address(_ hex: String) -> Address { try! Address(hex: hex) }

    /// A task is answered (RESPONDED, one response) after `respondAfterPolls` reads of it.
    final class FakeGateway: OpenGPUGateway {
        var published: [TaskRequest] = []
        var polls = 0
        var respondAfterPolls = 2
        var confirmed = false
        var failPublishOf: String? = nil
        /// Every publish ends with its outcome unknown (as after a receipt timeout).
        var publishOutcomeUnknown = false
        var status: TaskStatus = .new
        let task = OpenGPUBuiltinTests.address(OpenGPUBuiltinTests.taskA)
        let source = OpenGPUBuiltinTests.address(OpenGPUBuiltinTests.source)
        let provider = OpenGPUBuiltinTests.address(OpenGPUBuiltinTests.provider)

        func selectNetwork(_ nameOrURL: String) throws -> NetworkInfo { NetworkInfo(name: nameOrURL, chainID: 1337, rpc: "http://127.0.0.1:8545", explorer: nil) }
        func currentNetwork() throws -> NetworkInfo { try selectNetwork("local") }
        func signerAddress() throws -> Address { provider }
        func balance(of address: Address) throws -> BigUInt { BigUInt(10).power(18) * 3 }
        func publishTask(_ request: TaskRequest) throws -> PublishedTask {
            if let bad = failPublishOf, request.input.functionName == bad {
                throw GatewayError(.revert, "InsufficientBalance", details: [("needed", "10000000000000000")])
            }
            published.append(request)
            if publishOutcomeUnknown {
                throw GatewayError(.pending, "outcome unknown: Controller.publishTask: transaction 0xfeed was broadcast but not mined",
                                   details: [("tx", "0xfeed"), ("operation", "Controller.publishTask")])
            }
            return PublishedTask(task: task, transactionHash: "0x" + String(repeating: "ab", count: 32), blockNumber: 7, configURL: "")
        }
        func publishTasks(_ requests: [TaskRequest], progress: ((Int, Int) -> Void)?) -> [Result<PublishedTask, Error>] {
            requests.map { r in Result { try publishTask(r) } }
        }
        /// Signed for real with the devnet's well-known first account key.
        func signPublishTask(_ request: TaskRequest) throws -> SignedTransaction {
            let key = try PrivateKey(hex: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
            return try Transaction.dynamicFee(chainId: 1337, nonce: 7, maxPriorityFeePerGas: 1_000_000_000, maxFeePerGas: 2_000_000_000,
                                              gasLimit: 300_000, to: source, data: [0x90, 0xd9, 0x3b, 0x1d]).sign(with: key)
        }
        /// Each read is a poll: the task is RESPONDED once `respondAfterPolls` have passed.
        func task(at address: Address) throws -> TaskInfo {
            polls += 1
            if status == .new, polls > respondAfterPolls { status = .responded }
            return TaskInfo(address: address, status: status, source: source, configURL: "", expiryTime: 1_900_000_000,
                            payment: BigUInt(10).power(16), deliveryMethod: .manualConfirmation, attemptCount: polls,
                            winningProvider: nil, owner: nil)
        }
        func publishTransaction(of task: Address) -> String? { nil }
        func explorerURL(of task: Address) -> String? { nil }
        func responses(of task: Address) throws -> [ResponseInfo] {
            guard status == .responded || status == .finalized else { return [] }
            return [ResponseInfo(address: OpenGPUBuiltinTests.address("0x0c548daC1b4C6BfB86F979a1445C5d6D631120aB"), task: task,
                                 provider: provider, data: "https://ipfs.example/r", payment: 1,
                                 status: confirmed ? .confirmed : .submitted, timestamp: 1_735_689_600, confirmed: confirmed)]
        }
        func payloads(of responses: [ResponseInfo]) throws -> [String] { responses.map { _ in #"{"text": "haiku"}"# } }
        func confirm(response: Address) throws -> TransactionReceipt {
            confirmed = true; status = .finalized; return Self.receipt("0xconf")
        }
        func cancel(task: Address) throws -> TransactionReceipt { status = .canceled; return Self.receipt("0xcancel") }
        func events(of task: Address, after cursor: UInt64?) throws -> (events: [TaskEvent], cursor: UInt64) {
            let c = cursor ?? 0
            if c >= 3 { status = .finalized; return ([], c) }
            let kinds: [TaskEvent.Kind] = [.attempted(provider: provider, suggestedPayment: 1), .responseSubmitted(response: task),
                                           .statusChanged(.responded)]
            return ([TaskEvent(task: task, kind: kinds[Int(c)], blockNumber: 10 + c, transactionHash: "0x\(c)", logIndex: 0)], c + 1)
        }
        func source(at address: Address) throws -> SourceInfo {
            SourceInfo(address: address, status: .active,
                       params: SourceParams(client: provider, imageMetadataUrl: "", imageEnvironments: 3, minPayment: 1,
                                            minAvailableLockup: 0, maxExpiryDuration: 86400, deliveryMethod: .manualConfirmation,
                                            lastUpdateTime: 0),
                       taskCount: 0, metadata: SourceMetadata(name: "llm", description: "d"))
        }
        func sources() throws -> [SourceInfo] { [try source(at: source)] }
        func publishSource(_ draft: SourceDraft) throws -> Address { source }
        func vault(of address: Address) throws -> VaultAccount {
            VaultAccount(account: address, balance: BigUInt(10).power(17), lockup: 0, unbonding: 0, eligible: false)
        }
        func vaultAction(_ action: VaultAction, amount: BigUInt) throws -> TransactionReceipt { Self.receipt("0x\(action.rawValue)") }
        static func receipt(_ hash: String) -> TransactionReceipt { TransactionReceipt(transactionHash: hash, blockNumber: 1, status: 1) }
        func ipfsPut(_ text: String, contentType: String) throws -> String { "https://ipfs.example/\(text.count)" }
        func ipfsGet(_ url: String) throws -> String { url.hasSuffix("json") ? #"{"a": [1, 2.5]}"# : "plain text" }
    }

    func run(_ source: String, gateway: FakeGateway?) -> (String, ScriptError?) {
        let host = CapturingHost()
        let session = ScriptSession(host: host)
        session.gateway = gateway
        switch session.runFile(source: source, path: "/tmp/test.ogpu") {
        case .ok: return (host.out, nil)
        case .runtimeError(let e): return (host.out, e)
        case .syntaxErrors(let d): XCTFail("syntax: \(d.map(\.message))"); return (host.out, nil)
        }
    }

    func testWithoutGatewayNetworkedBuiltinsRaiseRPC() {
        let (_, e) = run("me()", gateway: nil)
        XCTAssertEqual(e?.kind, "rpc")
        XCTAssertTrue(e?.message.contains("no network client available") ?? false)
    }

    func testPublishSendsTheSDKConfigAndReturnsAHandle() throws {
        let g = FakeGateway()
        let (out, e) = run("""
            let t = publish(task(\(Self.source), "text2text", {prompt: "hi"}, payment: ogpu(0.02), expiry: 30m, priority: "high"))
            print type(t), t.address
            """, gateway: g)
        XCTAssertNil(e)
        XCTAssertEqual(out, "task \(Self.taskA)\n")
        XCTAssertEqual(g.published.count, 1)
        let r = try XCTUnwrap(g.published.first)
        XCTAssertEqual(r.input.configText, #"{"function_name": "text2text", "data": {"prompt": "hi"}, "priority": "high"}"#)
        XCTAssertEqual(r.payment, BigUInt(2) * BigUInt(10).power(16))
        XCTAssertEqual(r.expiry, .after(seconds: 1800))
        XCTAssertEqual(r.source.checksummed, Self.source)
    }

    func testPublishListPutsFailuresInPlace() {
        let g = FakeGateway()
        g.failPublishOf = "bad"
        let (out, e) = run("""
            let rs = publish([task(\(Self.source), "good", {a: 1}), task(\(Self.source), "bad", {a: 1})])
            print type(rs[0]), type(rs[1]), rs[1].kind, rs[1].message, rs[1].data.needed
            """, gateway: g)
        XCTAssertNil(e)
        XCTAssertEqual(out, "task error revert InsufficientBalance 10000000000000000\n")
    }

    /// A publish whose outcome is unknown raises "pending" with its hash; `retry` raises it at once
    /// (one publish, not three); `again: true` reaches the gateway.
    func testPendingPublishIsNeverRetried() throws {
        let g = FakeGateway()
        g.publishOutcomeUnknown = true
        let d = #"task("\#(Self.source)", "text2text", {prompt: "hi"})"#
        let (_, e) = run("retry(3, backoff: 1ms) { publish \(d) }", gateway: g)
        XCTAssertEqual(e?.kind, "pending")
        XCTAssertEqual(g.published.count, 1, "retry did not run the block again")
        let (out, _) = run("try { publish \(d) } catch e { print e.kind, e.data.tx }", gateway: g)
        XCTAssertEqual(out, "pending 0xfeed\n")
        g.publishOutcomeUnknown = false
        _ = run("publish(\(d), again: true)\npublish([\(d)], again: true)\npublish \(d)", gateway: g)
        XCTAssertEqual(g.published.suffix(3).map(\.again), [true, true, false])
    }

    func testDryRunReturnsTheSignedTransaction() {
        let (out, e) = run("""
            let tx = publish(task(\(Self.source), "f", {a: 1}), dry_run: true)
            print keys(tx)
            print tx.nonce, tx.max_fee, tx.to
            """, gateway: FakeGateway())
        XCTAssertNil(e)
        XCTAssertEqual(out, """
            ["to", "data", "raw", "hash", "nonce", "gas", "chain_id", "max_fee", "max_priority_fee"]
            7 0.000000002 OGPU \(Self.source)

            """)
    }

    func testWaitPollsUntilAResponseThenTimesOut() {
        let g = FakeGateway()
        g.respondAfterPolls = 2
        let (out, e) = run("""
            let t = task_at(\(Self.taskA))
            let r = wait(t, until: "response", poll: 1ms)
            print r.provider, r.data.text, r.confirmed, type(r)
            try { wait(t, timeout: 20ms, poll: 5ms) } catch err { print err.kind }
            confirm(r)
            print wait(t, poll: 1ms).confirmed
            """, gateway: g)
        XCTAssertNil(e, "\(String(describing: e))")
        XCTAssertEqual(out, "\(Self.provider) haiku false response\ntimeout\ntrue\n")
    }

    func testWaitOnACanceledTaskIsAValueError() {
        let g = FakeGateway()
        g.respondAfterPolls = 1000
        let (_, e) = run("""
            let t = task_at(\(Self.taskA))
            cancel(t)
            wait(t, poll: 1ms)
            """, gateway: g)
        XCTAssertEqual(e?.kind, "value")
    }

    /// A config too deep to be read back is refused before anything is sent, not a crash.
    func testADeepConfigIsAValueError() {
        let g = FakeGateway()
        let (_, e) = run("""
            var deep = [1]
            for i in range(2000) { deep = [deep] }
            publish task(\(Self.source), "f", {a: deep})
            """, gateway: g)
        XCTAssertEqual(e?.kind, "value")
        XCTAssertTrue(e?.message.contains("nested deeper") ?? false, "\(String(describing: e))")
        XCTAssertTrue(g.published.isEmpty)
    }

    /// A zero pause would ask the node without rest.
    func testPollMustBePositive() {
        for call in ["wait(task_at(\(Self.taskA)), poll: 0s)", "watch(task_at(\(Self.taskA)), poll: -1s) { ev => 1 }"] {
            let (_, e) = run(call, gateway: FakeGateway())
            XCTAssertEqual(e?.kind, "value", call)
            XCTAssertTrue(e?.message.contains("poll must be a positive duration") ?? false, "\(String(describing: e))")
        }
    }

    func testWatchDeliversEventsUntilFinal() {
        let (out, e) = run("""
            watch(task_at(\(Self.taskA)), poll: 1ms) { ev => print ev.kind, ev.block }
            var n = 0
            watch(task_at(\(Self.taskA)), poll: 1ms) { ev => n += 1; false }
            print n
            """, gateway: FakeGateway())
        XCTAssertNil(e, "\(String(describing: e))")
        XCTAssertEqual(out, "attempted 10\nresponse 11\nstatus 12\n1\n")
    }

    func testAccountVaultSourcesAndIPFS() {
        let (out, e) = run("""
            print me(), balance()
            print vault()
            print deposit(ogpu(1)), claim()
            print sources()[0].name, source_at(\(Self.source)).environments
            print ipfs_put({a: 1}), ipfs_get("https://x/json").a, ipfs_get("https://x/txt")
            print network().chain_id
            """, gateway: FakeGateway())
        XCTAssertNil(e, "\(String(describing: e))")
        XCTAssertEqual(out, """
            \(Self.provider) 3 OGPU
            {balance: 0.1 OGPU, lockup: 0 OGPU, unbonding: 0 OGPU, unbonding_until: nil, claimable: false, frozen: 0 OGPU, earnings: 0 OGPU, eligible: false}
            0xdeposit 0xclaim
            llm ["cpu", "nvidia"]
            https://ipfs.example/7 [1, 2.5] plain text
            1337

            """)
    }

    func testEveryBuiltinOfTheSpecExistsAndHasHelp() {
        let spec = """
            print len type str int dec bool keys values range push map filter reduce sort reverse sum min max abs round \
            join split upper lower trim contains starts_with ends_with replace json parse_json env address now time sleep \
            error retry help network me balance task publish task_at responses wait confirm cancel estimate_payment \
            source_at sources publish_source vault deposit lock unbond withdraw claim ipfs_put ipfs_get watch ogpu gwei wei
            """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        let names = Set(Builtins.all.map(\.name))
        for n in spec {
            XCTAssertTrue(names.contains(n), "missing built-in \(n)")
            XCTAssertTrue(Builtins.docs[n]?.hasPrefix(n) ?? false, "help for \(n) should start with its name")
        }
        XCTAssertEqual(names.count, Builtins.all.count, "duplicate built-in names")
    }
}
