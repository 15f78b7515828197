import BigInt
import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// On the devnet: a batch proves every item before anything is signed, and an interrupted publish
/// is recovered from the send journal by hash — never re-signed, never duplicated.
final class DevnetJournalTests: XCTestCase {
    func testBatchPastTheVaultBalanceFailsTheRestBeforeAnythingIsSentForThem() throws {
        let network = try Devnet.network()
        let payment = BigUInt(10).power(16)
        // Enough in the Vault for three tasks: each item alone passes, five together cannot.
        let client = try Devnet.fundedClient(network, vault: 3 * payment + payment / 2)
        let source = try Devnet.privateSource(client)
        let drafts = try (0..<5).map { try Devnet.draft(client, source: source, prompt: "vault \($0)", payment: payment) }
        let results = try client.publishBatch(drafts)
        for i in 0..<3 { XCTAssertNoThrow(try results[i].get(), "item \(i) fits in the balance") }
        for i in 3..<5 {
            XCTAssertThrowsError(try results[i].get()) { e in
                guard let ce = e as? ContractError else { return XCTFail("item \(i): expected ContractError, got \(e)") }
                XCTAssertEqual(ce.phase, .beforeSending)
                XCTAssertEqual(ce.openGPUKind, .insufficientBalance)
            }
        }
        XCTAssertEqual(try client.source(source).taskCount, 3, "the chain holds only the tasks that fit")
        XCTAssertEqual(try client.journal.publishEntries().count, 3, "nothing was signed for the items past the balance")
        try Devnet.assertJournalSettled(client.journal)
    }

    func testBatchWithAnInactiveSourceItemSignsNothingForIt() throws {
        let network = try Devnet.network()
        let client = try Devnet.fundedClient(network)
        let source = try Devnet.privateSource(client)
        let inactive = try Devnet.privateSource(client)
        try client.inactivateSource(inactive)
        // Same call shape as the others: it goes through the one-call check at the shared limit,
        // which must still catch its revert.
        var drafts = try (0..<4).map { try Devnet.draft(client, source: source, prompt: "item \($0)") }
        drafts[2] = try Devnet.draft(client, source: inactive, prompt: "item 2")
        let results = try client.publishBatch(drafts)
        XCTAssertThrowsError(try results[2].get()) { XCTAssertEqual(($0 as? ContractError)?.openGPUKind, .sourceInactive) }
        XCTAssertEqual(try results.indices.filter { $0 != 2 }.map { try results[$0].get().task }.count, 3)
        XCTAssertEqual(try client.source(inactive).taskCount, 0)
        XCTAssertEqual(try client.journal.publishEntries().count, 3, "the reverting item never reached the journal")
    }

    /// Signs and journals a publish exactly as `submit` does, then "crashes" before broadcasting.
    private func journalWithoutSending(_ client: OpenGPUClient, _ draft: TaskDraft) throws -> (hash: String, url: String, nonce: UInt64) {
        let s = try client.sender()
        let url = try client.ipfs.upload(draft.configBytes, filename: "taskConfig.json")
        let request = try client.publishRequest(draft, configURL: url)
        let gas = try s.gasLimit(for: request)
        let nonce = try s.nonces.reserve(for: s.address, using: client.eth)
        let signed = try s.build(request, nonce: nonce, gasLimit: gas, fee: try s.fees.quote()).sign(with: XCTUnwrap(client.signer))
        try client.journal.recordSigned(hash: Hex.encode(signed.hash), raw: signed.rawBytes, from: s.address, nonce: nonce,
                                        chainId: s.chainId, to: request.to, label: request.label, meta: request.journalMeta)
        return (Hex.encode(signed.hash), url, nonce)
    }

    func testAPublishInterruptedBeforeBroadcastIsRebroadcastAsTheSameBytesAndItsTaskFound() throws {
        let network = try Devnet.network()
        let client = try Devnet.fundedClient(network)
        let source = try Devnet.privateSource(client)
        let (hash, url, _) = try journalWithoutSending(client, try Devnet.draft(client, source: source, prompt: "interrupted"))

        // A later session, without the key: only the journal and the node.
        let later = OpenGPUClient(network: network, journal: client.journal)
        let first = try later.checkJournal(rebroadcast: false)
        XCTAssertEqual(first.map(\.hash), [hash])
        XCTAssertEqual(first.map(\.outcome), [.unknown], "no node has it and its nonce is free")
        XCTAssertEqual(try client.source(source).taskCount, 0, "checking without --rebroadcast sends nothing")

        XCTAssertEqual(try later.checkJournal(rebroadcast: true).map(\.outcome), [.rebroadcast])
        let mined = try XCTUnwrap(try Devnet.eventually { try later.checkJournal(rebroadcast: false).first { $0.task != nil } },
                                  "the rebroadcast transaction is mined")
        XCTAssertEqual(mined.hash, hash, "the same signed bytes: the same hash")
        let task = try XCTUnwrap(mined.task)
        XCTAssertEqual(try client.task(task).configURL, url)
        XCTAssertEqual(try client.source(source).taskCount, 1)
        XCTAssertEqual(try client.journal.publishEntries().first?.task, task.checksummed, "the journal now names the task")
        try Devnet.assertJournalSettled(client.journal)

        // Checking again finds nothing to do and sends nothing.
        XCTAssertTrue(try later.checkJournal(rebroadcast: true).isEmpty)
        XCTAssertEqual(try client.source(source).taskCount, 1, "never a second task")
    }

    func testAPublishSentButNeverWaitedForIsFoundWithItsTask() throws {
        let network = try Devnet.network()
        let client = try Devnet.fundedClient(network)
        let source = try Devnet.privateSource(client)
        let draft = try Devnet.draft(client, source: source, prompt: "sent, then the session died")
        let url = try client.ipfs.upload(draft.configBytes, filename: "taskConfig.json")
        let pending = try client.sender().submit(try client.publishRequest(draft, configURL: url))
        XCTAssertEqual(try client.journal.publishEntries().first?.latest, .sent)

        let checks = try OpenGPUClient(network: network, journal: client.journal).checkJournal(rebroadcast: true)
        XCTAssertEqual(checks.count, 1)
        guard case .mined = checks[0].outcome else { return XCTFail("expected mined, got \(checks[0].outcome)") }
        XCTAssertEqual(checks[0].hash, pending.hash)
        let task = try XCTUnwrap(checks[0].task)
        XCTAssertEqual(try client.recoverPublishedTask(transactionHash: pending.hash), task)
        XCTAssertEqual(try client.task(task).configURL, url)
        XCTAssertEqual(try client.source(source).taskCount, 1)
    }

    func testARebroadcastTheNodeRefusesIsReportedAndLeftOpen() throws {
        let network = try Devnet.network()
        let client = try Devnet.fundedClient(network)
        let s = try client.sender()
        // Signed for a nonce past a gap (as after a devnet reset): the node will not take it.
        let next = try client.eth.transactionCount(of: s.address, at: .pending)
        let request = TransactionRequest(to: s.address, data: [], label: "gap")
        let tx = try s.build(request, nonce: next + 5, gasLimit: 21000, fee: try s.fees.quote()).sign(with: XCTUnwrap(client.signer))
        try client.journal.recordSigned(hash: Hex.encode(tx.hash), raw: tx.rawBytes, from: s.address, nonce: next + 5,
                                        chainId: s.chainId, to: s.address, label: "gap")
        let later = OpenGPUClient(network: network, journal: client.journal)
        let checks = try later.checkJournal(rebroadcast: true)
        XCTAssertEqual(checks.count, 1)
        guard case .refused(let message) = checks[0].outcome else { return XCTFail("expected refused, got \(checks[0].outcome)") }
        XCTAssertTrue(message.contains("nonce too high"), message)
        XCTAssertEqual(try client.eth.transactionCount(of: s.address, at: .latest), next, "nothing was mined")
        XCTAssertEqual(try client.journal.unresolved().map(\.hash), [Hex.encode(tx.hash)], "still open for a later check")
    }

    func testAJournaledTransactionWhoseNonceWasTakenIsSupersededAndNeverSent() throws {
        let network = try Devnet.network()
        let client = try Devnet.fundedClient(network)
        let source = try Devnet.privateSource(client)
        let (hash, _, nonce) = try journalWithoutSending(client, try Devnet.draft(client, source: source, prompt: "lost"))
        // Another session of the same account (its own nonce cache) publishes with that nonce.
        let other = OpenGPUClient(network: network, signer: client.signer, journal: Devnet.tempJournal())
        let published = try other.publish(try Devnet.draft(client, source: source, prompt: "took the nonce"))
        XCTAssertEqual(try other.eth.transactionCount(of: XCTUnwrap(client.account), at: .latest), nonce + 1)

        let checks = try OpenGPUClient(network: network, journal: client.journal).checkJournal(rebroadcast: true)
        XCTAssertEqual(checks.map(\.hash), [hash])
        XCTAssertEqual(checks.map(\.outcome), [.superseded])
        XCTAssertEqual(try client.source(source).taskCount, 1, "only the other session's task exists")
        XCTAssertEqual(try client.source(source).taskCount, try other.source(source).taskCount)
        XCTAssertEqual(try client.task(published.task).status, .new)
        XCTAssertEqual(try client.journal.publishEntries().first?.latest, .rejected)
    }
}
