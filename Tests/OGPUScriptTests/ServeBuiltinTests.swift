import BigInt
import XCTest
import OGPUKit
import OGPUPrimitives
@testable import OGPUScript

/// `serve` against a hostile node and a failing handler, with a fake gateway that records every
/// transaction: a forged TaskPublished (the task names another source) and a task this provider
/// already answered get nothing sent; a handler that raises leaves only that task unanswered;
/// events the node repeats are handed over once; `count:` ends serving.
final class ServeBuiltinTests: XCTestCase {
    static func address(_ n: UInt8) -> Address { try! Address(bytes: [UInt8](repeating: n, count: 20)) }
    static let source = address(0x50), other = address(0x51), me = address(0x33)

    final class Fake: OpenGPUGateway, ProtocolSideGateway {
        var sent: [ProtocolAction] = []
        var polls = 0
        var pinned: [String] = []
        /// Tasks by address: the source each names on chain.
        var tasks: [Address: Address] = [:]
        var answeredBefore: Set<Address> = []
        var events: [ProtocolEvent] = []

        func selectNetwork(_ nameOrURL: String) throws -> NetworkInfo { NetworkInfo(name: "local", chainID: 1337, rpc: "", explorer: nil) }
        func currentNetwork() throws -> NetworkInfo { try selectNetwork("local") }
        func signerAddress() throws -> Address { ServeBuiltinTests.me }
        func balance(of address: Address) throws -> BigUInt { 0 }
        func publishTask(_ request: TaskRequest) throws -> PublishedTask { throw GatewayError(.rpc, "not here") }
        func publishTasks(_ requests: [TaskRequest], progress: ((Int, Int) -> Void)?) -> [Result<PublishedTask, Error>] { [] }
        func signPublishTask(_ request: TaskRequest) throws -> SignedTransaction { throw GatewayError(.rpc, "not here") }
        func task(at address: Address) throws -> TaskInfo {
            guard let source = tasks[address] else { throw GatewayError(.value, "no task at \(address)") }
            return TaskInfo(address: address, status: .new, source: source, configURL: "https://x/config/\(address)",
                            expiryTime: 4_000_000_000, payment: 7, deliveryMethod: .firstResponse, attemptCount: 0,
                            winningProvider: nil, owner: nil)
        }
        func publishTransaction(of task: Address) -> String? { nil }
        func explorerURL(of task: Address) -> String? { nil }
        func responses(of task: Address) throws -> [ResponseInfo] { [] }
        func payloads(of responses: [ResponseInfo]) throws -> [String] { responses.map { _ in "" } }
        func confirm(response: Address) throws -> TransactionReceipt { throw GatewayError(.rpc, "not here") }
        func cancel(task: Address) throws -> TransactionReceipt { throw GatewayError(.rpc, "not here") }
        func events(of task: Address, after cursor: UInt64?) throws -> (events: [TaskEvent], cursor: UInt64) { ([], 0) }
        func source(at address: Address) throws -> SourceInfo { throw GatewayError(.rpc, "not here") }
        func sources() throws -> [SourceInfo] { [] }
        func publishSource(_ draft: SourceDraft) throws -> Address { throw GatewayError(.rpc, "not here") }
        func vault(of address: Address) throws -> VaultAccount { VaultAccount(account: address, balance: 0, lockup: 0, unbonding: 0, eligible: false) }
        func vaultAction(_ action: VaultAction, amount: BigUInt) throws -> TransactionReceipt { throw GatewayError(.rpc, "not here") }
        func ipfsPut(_ text: String, contentType: String) throws -> String { pinned.append(text); return "https://ipfs.example/\(pinned.count)" }
        func ipfsGet(_ url: String) throws -> String { #"{"function_name": "text2text", "data": {"n": 1}}"# }

        func send(_ action: ProtocolAction) throws -> TransactionReceipt {
            sent.append(action)
            return TransactionReceipt(transactionHash: "0x" + String(repeating: "cd", count: 32), blockNumber: 20, status: 1)
        }
        func submittedResponse(in receipt: TransactionReceipt) throws -> Address { ServeBuiltinTests.address(0x77) }
        func updateSource(_ source: Address, _ draft: SourceDraft) throws -> TransactionReceipt { throw GatewayError(.rpc, "not here") }
        func registrants(of source: Address) throws -> [Address] { [ServeBuiltinTests.me] }
        func pairing(of account: Address) throws -> (master: Address?, provider: Address?) { (nil, nil) }
        func responseAddress(of task: Address, by provider: Address) throws -> Address? {
            answeredBefore.contains(task) ? ServeBuiltinTests.address(0x78) : nil
        }
        func attempters(of task: Address) throws -> [Address] { [] }
        func headNumber() throws -> UInt64 { 9 }
        func validate(_ filter: ProtocolEventFilter) throws {}
        func protocolEvents(_ filter: ProtocolEventFilter, from: UInt64, to: UInt64) throws -> [ProtocolEvent] { events }
        /// Every poll answers all events again (a node that repeats itself); the second poll fails.
        func pollEvents(_ filter: ProtocolEventFilter, from next: UInt64) throws -> EventPoll {
            polls += 1
            if polls == 2 { return .unreachable("the node did not answer eth_getLogs") }
            return .events(events, next: 13)
        }
    }

    static func published(_ task: Address, _ source: Address, block: UInt64, index: UInt64) throws -> ProtocolEvent {
        let e = OpenGPUContracts.Nexus.taskPublished
        let (topics, data) = try e.encodeLog([.address(task), .address(source)])
        return ProtocolEvent(emitter: .nexus, decoded: try e.decodeLog(topics: topics, data: data), blockNumber: block,
                             transactionHash: "0x" + String(repeating: "ef", count: 32), logIndex: index)
    }

    func testServeAnswersOnlyGenuineOpenTasksOnceAndSurvivesAFailingHandler() throws {
        let fake = Fake()
        let (t1, forged, failing, answered, t5) = (Self.address(1), Self.address(2), Self.address(3), Self.address(4), Self.address(5))
        fake.tasks = [t1: Self.source, forged: Self.other, failing: Self.source, answered: Self.source, t5: Self.source]
        fake.answeredBefore = [answered]
        // The node claims `forged` belongs to this source; the task itself says otherwise.
        fake.events = try [Self.published(t1, Self.source, block: 10, index: 0), Self.published(forged, Self.source, block: 10, index: 1),
                           Self.published(failing, Self.source, block: 11, index: 0), Self.published(answered, Self.source, block: 11, index: 1),
                           Self.published(t5, Self.source, block: 12, index: 0)]
        let host = CapturingHost()
        let session = ScriptSession(host: host)
        session.gateway = fake
        let outcome = session.runFile(source: """
            var seen = []
            print serve(address("\(Self.source)"), count: 2, poll: 1ms, timeout: 5s) { task =>
                seen = seen + [task.address]
                if task.address == address("\(failing)") { throw "boom\\u{1b}[2J" }
                return {n: task.config.data.n, task: task.address}
            }
            print len(seen)
            """, path: "/tmp/serve.ogpu")
        guard case .ok = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(host.out, "2\n3\n")
        XCTAssertEqual(fake.sent, [
            .attempt(task: t1, provider: Self.me, suggestedPayment: 7),
            .submitResponse(task: t1, provider: Self.me, data: "https://ipfs.example/1", payment: 7),
            .attempt(task: failing, provider: Self.me, suggestedPayment: 7),
            .attempt(task: t5, provider: Self.me, suggestedPayment: 7),
            .submitResponse(task: t5, provider: Self.me, data: "https://ipfs.example/2", payment: 7),
        ])
        XCTAssertEqual(fake.pinned.first, #"{"n":1,"task":"\#(t1.checksummed)"}"#)
        XCTAssertTrue(host.err.contains("task \(forged) not answered: it names source \(Self.other), not \(Self.source)"), host.err)
        XCTAssertTrue(host.err.contains("task \(answered) not answered: provider \(Self.me) already answered it"), host.err)
        XCTAssertTrue(host.err.contains("task \(failing) not answered: error[user]: boom\\u{1B}[2J"), host.err)
        XCTAssertFalse(host.err.contains("\u{1B}"), "raw escape reached stderr")
    }

    func testServeRefusesAProviderThatIsNotRegistered() {
        let fake = Fake()
        let host = CapturingHost()
        let session = ScriptSession(host: host)
        session.gateway = fake
        let outcome = session.runFile(source: "serve(address(\"\(Self.source)\"), provider: address(\"\(Self.address(9))\")) { t => 1 }",
                                      path: "/tmp/serve.ogpu")
        guard case .runtimeError(let e) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(e.kind, "value")
        XCTAssertTrue(e.message.contains("is not registered to source"), e.message)
        XCTAssertTrue(fake.sent.isEmpty)
    }
}
