import BigInt
import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// Nonces under concurrency and races, journal recovery after an interrupted publish, Vault,
/// sources and agents against the devnet.
final class DevnetAccountTests: XCTestCase {
    func testConcurrentPublishesFromOneClientGetDistinctNonces() throws {
        let network = try Devnet.network()
        let journal = Devnet.tempJournal()
        let client = try Devnet.fundedClient(network, journal: journal)
        let source = try Devnet.privateSource(client)
        let drafts = try (0..<6).map { try Devnet.draft(client, source: source, prompt: "parallel \($0)") }
        let results = ResultBox<PublishedTask>(count: drafts.count)
        DispatchQueue.concurrentPerform(iterations: drafts.count) { i in
            results.set(i, Result { try client.publish(drafts[i]) })
        }
        let tasks = try results.all.map { try $0.get().task }
        XCTAssertEqual(Set(tasks).count, drafts.count)
        XCTAssertEqual(try client.source(source).taskCount, drafts.count)
        let minedNonces = try journal.summary().filter { $0.latest == .mined && $0.signed.label == "Controller.publishTask" }
            .compactMap { $0.signed.nonce }
        XCTAssertEqual(Set(minedNonces).count, drafts.count)
        try Devnet.assertJournalSettled(journal)
    }

    func testTwoClientsSharingAKeyTakeTurnsWithFreshNonces() throws {
        let network = try Devnet.network()
        let journal = Devnet.tempJournal()
        let a = try Devnet.fundedClient(network, journal: journal)
        // Same key, separate nonce caches: each one's cache goes stale when the other sends.
        let b = OpenGPUClient(network: network, signer: a.signer, journal: journal)
        let source = try Devnet.privateSource(a)
        var tasks = [Address]()
        for i in 0..<3 {
            tasks.append(try a.publish(try Devnet.draft(a, source: source, prompt: "a\(i)")).task)
            tasks.append(try b.publish(try Devnet.draft(b, source: source, prompt: "b\(i)")).task)
        }
        XCTAssertEqual(Set(tasks).count, 6)
        XCTAssertEqual(try a.source(source).taskCount, 6)
        let summary = try journal.summary().filter { $0.signed.label == "Controller.publishTask" }
        XCTAssertEqual(summary.filter { $0.latest == .mined }.count, 6)
        // The account lock tells each client that the other sent meanwhile (its stamp in the lock
        // file changed), so neither signs with its stale cached nonce: nothing is refused.
        XCTAssertEqual(summary.filter { $0.latest == .rejected }.count, 0, "no stale nonce was used")
    }

    func testInterruptedPublishIsRecoveredFromTheJournal() throws {
        let network = try Devnet.network()
        let journal = Devnet.tempJournal()
        let client = try Devnet.fundedClient(network, journal: journal)
        let source = try Devnet.privateSource(client)
        let sender = try client.sender()

        // "Crash" right after journaling: signed and fsync'd, never broadcast.
        let draft = try Devnet.draft(client, source: source, prompt: "interrupted")
        let url = try client.ipfs.upload(draft.configBytes, filename: "taskConfig.json")
        let call = try OpenGPUContracts.Controller.publishTask.encodeCall([
            .tuple([.address(source), .string(url), .uint(BigUInt(draft.expiryTime)), .uint(draft.payment)]),
        ])
        let request = TransactionRequest(to: network.contracts.controller, data: call, label: "Controller.publishTask")
        let nonce = try client.eth.transactionCount(of: sender.address, at: .pending)
        let gas = sender.fees.gasLimit(forEstimate: try sender.estimateGas(request))
        let signed = try sender.build(request, nonce: nonce, gasLimit: gas, fee: try sender.fees.quote()).sign(with: try XCTUnwrap(client.signer))
        let hash = Hex.encode(signed.hash)
        try journal.recordSigned(hash: hash, raw: signed.rawBytes, from: sender.address, nonce: nonce, chainId: network.chainId,
                                 to: request.to, label: request.label)
        XCTAssertEqual(try client.source(source).taskCount, 0)

        // A new session reconciles: the same bytes are broadcast once, then found mined.
        let reconciler = JournalReconciler(eth: client.eth, journal: journal, chainId: network.chainId)
        let first = try reconciler.run(rebroadcast: true)
        XCTAssertEqual(first.map(\.hash), [hash])
        XCTAssertEqual(first.first?.outcome, .rebroadcast, "sent again as the same bytes")
        let task = try XCTUnwrap(try Devnet.eventually { try client.recoverPublishedTask(transactionHash: hash) })
        XCTAssertEqual(try client.task(task).configURL, url)
        let second = try reconciler.run(rebroadcast: true)
        guard case .mined? = second.first?.outcome else { return XCTFail("\(second)") }
        XCTAssertTrue(try reconciler.run(rebroadcast: true).isEmpty, "nothing left to settle")
        XCTAssertEqual(try client.source(source).taskCount, 1, "published exactly once")
    }

    func testSupersededJournalEntryIsMarkedRejected() throws {
        let network = try Devnet.network()
        let journal = Devnet.tempJournal()
        let client = try Devnet.fundedClient(network, journal: journal)
        let sender = try client.sender()
        // A signed-but-unsent transfer whose nonce is then used by another transaction.
        let nonce = try client.eth.transactionCount(of: sender.address, at: .pending)
        let lost = try sender.build(TransactionRequest(to: sender.address, data: [], label: "lost"), nonce: nonce, gasLimit: 21000,
                                    fee: try sender.fees.quote()).sign(with: try XCTUnwrap(client.signer))
        try journal.recordSigned(hash: Hex.encode(lost.hash), raw: lost.rawBytes, from: sender.address, nonce: nonce,
                                 chainId: network.chainId, to: sender.address, label: "lost")
        try client.deposit(1)
        let outcome = try JournalReconciler(eth: client.eth, journal: journal, chainId: network.chainId).run(rebroadcast: true)
        XCTAssertEqual(outcome.first { $0.hash == Hex.encode(lost.hash) }?.outcome, .superseded)
        XCTAssertNil(try client.eth.receipt(Hex.encode(lost.hash)))
    }

    func testVaultOperations() throws {
        let network = try Devnet.network()
        let client = try Devnet.fundedClient(network, vault: 0)
        let me = try XCTUnwrap(client.account)
        let ether = Devnet.ether
        try client.deposit(3 * ether)
        XCTAssertEqual(try client.vault(me).balance, 3 * ether)
        try client.withdraw(ether)
        try client.lock(ether)
        var v = try client.vault(me)
        XCTAssertEqual(v.balance, ether)
        XCTAssertEqual(v.lockup, ether)
        try client.unbond(ether / 2)
        v = try client.vault(me)
        XCTAssertEqual(v.lockup, ether / 2)
        XCTAssertEqual(v.unbonding, ether / 2)
        XCTAssertGreaterThan(v.unbondingTimestamp, 0)
        XCTAssertThrowsError(try client.claim()) { e in
            XCTAssertEqual((e as? ContractError)?.openGPUKind, .unbondingNotElapsed, "\(e)")
        }
        XCTAssertThrowsError(try client.withdraw(100 * ether)) { e in
            XCTAssertEqual((e as? ContractError)?.openGPUKind, .insufficientBalance, "\(e)")
        }
    }

    func testSourceUpdateAndAgent() throws {
        let network = try Devnet.network()
        let client = try Devnet.fundedClient(network)
        let source = try Devnet.privateSource(client)
        var draft = SourceDraft(name: "renamed", nvidia: "https://example/gpu.yml", minPayment: 5000, maxExpiryDuration: 3600,
                                deliveryMethod: .firstResponse)
        try client.updateSource(source, draft)
        let info = try client.source(source)
        XCTAssertEqual(info.params.minPayment, 5000)
        XCTAssertEqual(info.params.imageEnvironments, 2)
        XCTAssertEqual(info.params.deliveryMethod, .firstResponse)
        XCTAssertEqual(try client.ipfs.fetchJSON(info.params.imageMetadataUrl)["name"], "renamed")
        draft.name = "x"

        let agent = PrivateKey.random().address
        XCTAssertFalse(try client.isAgent(agent, of: XCTUnwrap(client.account)))
        try client.setAgent(agent)
        XCTAssertTrue(try client.isAgent(agent, of: XCTUnwrap(client.account)))
        try client.setAgent(agent, enabled: false)
        XCTAssertFalse(try client.isAgent(agent, of: XCTUnwrap(client.account)))
    }

    func testWrongChainRefusesToSign() throws {
        var network = try Devnet.network()
        network.chainId += 1
        let client = OpenGPUClient(network: network, signer: PrivateKey.random(), journal: Devnet.tempJournal())
        XCTAssertThrowsError(try client.deposit(1)) { e in
            guard case .chainMismatch? = e as? OpenGPUClientError else { return XCTFail("\(e)") }
        }
    }
}

final class ResultBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Result<T, Error>?]
    init(count: Int) { items = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<T, Error>) { lock.lock(); items[i] = r; lock.unlock() }
    var all: [Result<T, Error>] { lock.lock(); defer { lock.unlock() }; return items.map { $0! } }
}

extension Devnet {
    /// Polls `body` until it returns non-nil (bounded).
    static func eventually<T>(timeout: Double = 20, _ body: () throws -> T?) throws -> T? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let v = try body() { return v }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return nil
    }
}

final class DevnetRawConfigTests: XCTestCase {
    /// Config bytes serialised elsewhere are pinned verbatim; a signed-but-unsent publish is valid
    /// and recovers its sender.
    func testRawConfigBytesAndSignOnly() throws {
        let network = try Devnet.network()
        let client = try Devnet.fundedClient(network)
        let source = try Devnet.privateSource(client)
        let text = #"{"function_name": "predict", "data": {"text": "h\u00e9llo"}, "priority": "high"}"#
        let expiry = try Devnet.chainTime(client) + 3600
        let draft = try TaskDraft(source: source, configBytes: Array(text.utf8), payment: 5000, expiryTime: expiry)
        XCTAssertEqual(draft.input.functionName, "predict")
        XCTAssertThrowsError(try TaskDraft(source: source, configBytes: Array("not json".utf8), payment: 1, expiryTime: expiry))
        let published = try client.publish(draft)
        XCTAssertEqual(try client.ipfs.fetch(published.configURL), Array(text.utf8))

        let signed = try client.signPublish(draft, configURL: "https://example/ipfs/placeholder")
        XCTAssertEqual(signed.from, client.account)
        XCTAssertEqual(signed.transaction.to, network.contracts.controller)
        XCTAssertEqual(try client.source(source).taskCount, 1, "signing alone publishes nothing")
    }
}
