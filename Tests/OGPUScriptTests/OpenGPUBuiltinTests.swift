import BigInt
import XCTest
@testable import OGPUScript

/// The networked built-ins (§6) against an in-memory gateway: what they send, what they return,
/// how they wait, and how gateway failures become script errors.
final class OpenGPUBuiltinTests: XCTestCase {
    static let source = "0x2318ab575C687C170aaCCd13624821BEE612F165"
    static let taskA = "0x0Fc3d195F6BFA976bE14381D19Bc57c5D89665b5"
    static let provider = "0x1BcCb00524CaCc5f55DD2B8296cA36E6cDd19696"

    /// Tasks get a response after `respondAfterPolls` polls of `responses`.
    final class FakeGateway: OpenGPUGateway {
        var published: [TaskRequest] = []
        var polls = 0
        var respondAfterPolls = 2
        var confirmed = false
        var failPublishOf: String? = nil
        /// Every publish ends with its outcome unknown (as after a receipt timeout).
        var publishOutcomeUnknown = false
        var status: TaskStatus = .new

        func selectNetwork(_ nameOrURL: String) throws -> NetworkInfo { NetworkInfo(name: nameOrURL, chainID: 1337, rpc: "http://127.0.0.1:8545", explorer: nil) }
        func currentNetwork() throws -> NetworkInfo { try selectNetwork("local") }
        func signerAddress() throws -> String { OpenGPUBuiltinTests.provider }
        func balance(of address: String) throws -> BigUInt { BigUInt(10).power(18) * 3 }
        func publishTask(_ request: TaskRequest) throws -> PublishedTask {
            if let bad = failPublishOf, request.configJSON.contains(bad) {
                throw GatewayError(.revert, "InsufficientBalance", details: [("needed", "10000000000000000")])
            }
            published.append(request)
            if publishOutcomeUnknown {
                throw GatewayError(.pending, "outcome unknown: Controller.publishTask: transaction 0xfeed was broadcast but not mined",
                                   details: [("tx", "0xfeed"), ("operation", "Controller.publishTask")])
            }
            return PublishedTask(address: OpenGPUBuiltinTests.taskA, transactionHash: "0x" + String(repeating: "ab", count: 32))
        }
        func publishTasks(_ requests: [TaskRequest]) -> [Result<PublishedTask, Error>] {
            requests.map { r in Result { try publishTask(r) } }
        }
        func signPublishTask(_ request: TaskRequest) throws -> SignedTransaction {
            SignedTransaction(to: OpenGPUBuiltinTests.source, data: "0x90d93b1d", raw: "0x02", hash: "0x11", nonce: 7, gas: 300_000,
                              chainID: 1337, maxFee: BigUInt(2_000_000_000), maxPriorityFee: BigUInt(1_000_000_000))
        }
        func task(at address: String) throws -> TaskInfo {
            TaskInfo(address: address, status: status, source: OpenGPUBuiltinTests.source, payment: BigUInt(10).power(16),
                     expiry: 1_900_000_000, attempts: polls, responses: [], configURL: "", explorer: nil, transactionHash: nil)
        }
        func responses(of task: String) throws -> [ResponseInfo] {
            polls += 1
            guard polls > respondAfterPolls else { return [] }
            return [ResponseInfo(address: "0x0c548daC1b4C6BfB86F979a1445C5d6D631120aB", task: task, provider: OpenGPUBuiltinTests.provider,
                                 confirmed: confirmed, url: "https://ipfs.example/r", body: #"{"text": "haiku"}"#, time: 1_735_689_600)]
        }
        func confirm(response: String) throws -> String { confirmed = true; return "0xconf" }
        func cancel(task: String) throws -> String { status = .canceled; return "0xcancel" }
        func events(of task: String, after cursor: Int?) throws -> (events: [TaskEvent], cursor: Int) {
            let c = cursor ?? 0
            if c >= 3 { status = .finalized; return ([], c) }
            return ([TaskEvent(kind: ["attempted", "response", "status"][c], block: 10 + c, transactionHash: "0x\(c)", detail: "d\(c)")], c + 1)
        }
        func source(at address: String) throws -> SourceInfo {
            SourceInfo(address: address, owner: OpenGPUBuiltinTests.provider, name: "llm", description: "d", logo: "", metadataURL: "",
                       environments: 3, minPayment: 1, minLockup: 0, maxExpirySeconds: 86400, delivery: "manual", active: true)
        }
        func sources() throws -> [SourceInfo] { [try source(at: OpenGPUBuiltinTests.source)] }
        func publishSource(_ request: SourceRequest) throws -> String { OpenGPUBuiltinTests.source }
        func vault(of address: String) throws -> VaultInfo { VaultInfo(balance: BigUInt(10).power(17), lockup: 0, unbonding: 0, eligible: false) }
        func vaultAction(_ action: VaultAction, amount: BigUInt?) throws -> String { "0x\(action.rawValue)" }
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
        XCTAssertEqual(r.configJSON, #"{"function_name": "text2text", "data": {"prompt": "hi"}, "priority": "high"}"#)
        XCTAssertEqual(r.payment, BigUInt(2) * BigUInt(10).power(16))
        XCTAssertEqual(r.expiry, .after(seconds: 1800))
        XCTAssertEqual(r.source, Self.source)
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
            {balance: 0.1 OGPU, lockup: 0 OGPU, unbonding: 0 OGPU, eligible: false}
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
