import BigInt
import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// On the devnet: a draft the journal shows published is never signed again — its task comes
/// back, and an open publish of it is settled by hash (docs/publishing.md).
final class DevnetIdempotentPublishTests: XCTestCase {
    func testTheSameDraftTwiceIsOneTaskUnlessAgain() throws {
        let client = try Devnet.fundedClient(try Devnet.network())
        let source = try Devnet.privateSource(client)
        let draft = try Devnet.draft(client, source: source, prompt: "once")
        let first = try client.publish(draft)
        XCTAssertFalse(first.isEarlierPublish)
        let second = try client.publish(draft)
        XCTAssertTrue(second.isEarlierPublish)
        XCTAssertEqual(second.task, first.task)
        XCTAssertEqual(second.transactionHash, first.transactionHash)
        XCTAssertEqual(try client.journal.publishEntries().count, 1, "nothing signed the second time")
        let third = try client.publish(draft, again: true)
        XCTAssertNotEqual(third.task, first.task)
        XCTAssertEqual(try client.source(source).taskCount, 2)
        try Devnet.assertJournalSettled(client.journal)
    }

    /// `expiry: 1h` is a different on-chain time on each run; the identity uses the asked-for span.
    func testARelativeExpiryIsTheSameDraftAcrossRuns() throws {
        let client = try Devnet.fundedClient(try Devnet.network())
        let source = try Devnet.privateSource(client)
        let first = try client.publish(try Devnet.draft(client, source: source, prompt: "relative", ttl: 3600),
                                       expiry: .relative(seconds: 3600))
        Thread.sleep(forTimeInterval: 1.1)
        let rerun = try Devnet.draft(client, source: source, prompt: "relative", ttl: 3600)
        let second = try client.publish(rerun, expiry: .relative(seconds: 3600))
        XCTAssertEqual(second.task, first.task)
        // As an absolute time it is another request (another expiry), so another task.
        let absolute = try client.publish(rerun)
        XCTAssertNotEqual(absolute.task, first.task)
    }

    /// Identical drafts in one batch are distinct items; re-running the batch settles the same ones.
    func testABatchIsIdempotentPerItem() throws {
        let client = try Devnet.fundedClient(try Devnet.network())
        let source = try Devnet.privateSource(client)
        let d = try Devnet.draft(client, source: source, prompt: "batch")
        let first = try client.publishBatch([d, d]).map { try $0.get() }
        XCTAssertNotEqual(first[0].task, first[1].task)
        let again = try client.publishBatch([d, d, d]).map { try $0.get() }
        XCTAssertEqual(again[0].task, first[0].task)
        XCTAssertEqual(again[1].task, first[1].task)
        XCTAssertFalse(again[2].isEarlierPublish, "a third occurrence is a new item")
        XCTAssertEqual(try client.source(source).taskCount, 3)
    }

    /// Signed and journaled, never broadcast (a crash between the two): publishing the same draft
    /// sends the journaled bytes — the same hash — and returns that task.
    func testAPublishSignedButNeverSentIsSettledByTheNextPublishOfTheDraft() throws {
        let network = try Devnet.network()
        let client = try Devnet.fundedClient(network)
        let source = try Devnet.privateSource(client)
        let draft = try Devnet.draft(client, source: source, prompt: "crashed")
        let s = try client.sender()
        let identity = PublishIdentity(chainId: network.chainId, controller: network.contracts.controller, signer: s.address,
                                       draft: draft, expiry: .absolute)
        let url = try client.ipfs.upload(draft.configBytes, filename: "taskConfig.json")
        let request = try client.publishRequest(draft, configURL: url, identity: identity)
        let nonce = try client.eth.transactionCount(of: s.address, at: .pending)
        let signed = try s.build(request, nonce: nonce, gasLimit: try s.gasLimit(for: request), fee: try s.fees.quote()).sign(with: client.signer!)
        let hash = Hex.encode(signed.hash)
        try client.journal.recordSigned(hash: hash, raw: signed.rawBytes, from: s.address, nonce: nonce, chainId: network.chainId,
                                        to: request.to, label: request.label, meta: request.journalMeta)
        let published = try client.publish(draft)
        XCTAssertTrue(published.isEarlierPublish)
        XCTAssertEqual(published.transactionHash, hash)
        XCTAssertEqual(try client.source(source).taskCount, 1)
        XCTAssertEqual(try client.journal.publishEntries().map(\.hash), [hash])
        try Devnet.assertJournalSettled(client.journal)
    }

    /// A publish displaced for good (its nonce went to another transaction) created no task: the
    /// draft is published anew, and the displaced one is recorded rejected.
    func testADisplacedEarlierPublishDoesNotStopANewOne() throws {
        let network = try Devnet.network()
        let client = try Devnet.fundedClient(network)
        let source = try Devnet.privateSource(client)
        let draft = try Devnet.draft(client, source: source, prompt: "displaced")
        let s = try client.sender()
        s.absenceWindow = 0.5
        let identity = PublishIdentity(chainId: network.chainId, controller: network.contracts.controller, signer: s.address,
                                       draft: draft, expiry: .absolute)
        let request = try client.publishRequest(draft, configURL: "ipfs://displaced", identity: identity)
        let nonce = try client.eth.transactionCount(of: s.address, at: .pending)
        let signed = try s.build(request, nonce: nonce, gasLimit: 500_000, fee: try s.fees.quote()).sign(with: client.signer!)
        try client.journal.recordSigned(hash: Hex.encode(signed.hash), raw: signed.rawBytes, from: s.address, nonce: nonce,
                                        chainId: network.chainId, to: request.to, label: request.label, meta: request.journalMeta)
        try client.deposit(1)  // takes that nonce
        let published = try client.publish(draft)
        XCTAssertFalse(published.isEarlierPublish)
        XCTAssertEqual(try client.source(source).taskCount, 1)
        let states = try client.journal.publishEntries().map(\.latest)
        XCTAssertEqual(states, [.rejected, .mined])
    }
}
