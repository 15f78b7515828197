import BigInt
import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// The client lifecycle against the devnet: publish, provider answer, read, confirm, cancel, expiry,
/// and the typed errors for an empty Vault and an inactive source.
final class DevnetTaskTests: XCTestCase {
    func testDiscoveryReadsTheManifest() throws {
        let url = try Devnet.rpcURL()
        let network = try Devnet.network(url: url)
        let manifest = try XCTUnwrap(network.manifest)
        XCTAssertEqual(network.rpcURL, url)
        XCTAssertEqual(network.chainId, try EthClient(url: url).chainId())
        XCTAssertNotNil(manifest.account("client"))
        XCTAssertNotNil(manifest.source("first_response"))
        XCTAssertTrue(network.ipfsUploadURL.hasSuffix("/file/create"))
        // Every contract the manifest names has code.
        for a in [network.contracts.nexus, network.contracts.controller, network.contracts.terminal, network.contracts.vault] {
            let code = try EthClient(url: url).rpc.call("eth_getCode", [.string(a.lowercaseHex), "latest"])
            XCTAssertGreaterThan(code.stringValue?.count ?? 0, 2, "no code at \(a)")
        }
    }

    func testPublishProviderAnswersAndTaskFinalizes() throws {
        let network = try Devnet.network()
        let journal = Devnet.tempJournal()
        let client = try Devnet.fundedClient(network, journal: journal)
        let source = try Devnet.devnetSource(network, "first_response")
        let draft = try Devnet.draft(client, source: source, prompt: "Write a haiku about AI")
        let before = try client.vault(try XCTUnwrap(client.account))

        let published = try client.publish(draft)
        let info = try client.task(published.task)
        XCTAssertEqual(info.source, source)
        XCTAssertEqual(info.payment, draft.payment)
        XCTAssertEqual(info.expiryTime, draft.expiryTime)
        XCTAssertEqual(info.configURL, published.configURL)
        XCTAssertEqual(info.owner, client.account)
        XCTAssertEqual(try client.taskInput(info), draft.input, "the pinned config reads back unchanged")

        try Devnet.ensureAnswered(client, published.task, prompt: "Write a haiku about AI")
        let done = try Devnet.waitForTask(client, published.task) { $0.status == .finalized }
        XCTAssertEqual(done.status, .finalized)
        let responses = try client.responses(of: published.task)
        XCTAssertEqual(responses.count, 1)
        let response = try XCTUnwrap(responses.first)
        XCTAssertTrue(response.confirmed)
        XCTAssertEqual(response.status, .confirmed)
        XCTAssertEqual(response.task, published.task)
        XCTAssertEqual(done.winningProvider, response.provider)
        let data = try client.responseData(response)
        XCTAssertEqual(data["result"], "devnet reply to: Write a haiku about AI")
        XCTAssertEqual(data["task"]?.stringValue.flatMap { try? Address(hex: $0) }, published.task)

        guard case .finalized(_, let winner)? = try? client.waitForTask(published.task, timeout: 10) else {
            return XCTFail("waitForTask did not report the finalized task")
        }
        XCTAssertEqual(winner?.address, response.address)

        let after = try client.vault(try XCTUnwrap(client.account))
        XCTAssertEqual(before.balance - after.balance, draft.payment, "payment left the Vault balance")

        let events = try client.taskEvents(published.task, from: .number(published.blockNumber))
        XCTAssertTrue(events.contains { if case .attempted = $0.kind { return true } else { return false } })
        XCTAssertTrue(events.contains { $0.kind == .responseSubmitted(response: response.address) })
        XCTAssertTrue(events.contains { $0.kind == .statusChanged(.finalized) })
        try Devnet.assertJournalSettled(journal)
        let summary = try journal.summary()
        XCTAssertTrue(summary.contains { $0.signed.hash == published.transactionHash && $0.latest == .mined })
    }

    func testManualConfirmationPaysTheChosenProvider() throws {
        let network = try Devnet.network()
        let client = try Devnet.fundedClient(network)
        let source = try Devnet.devnetSource(network, "manual_confirmation")
        let published = try client.publish(try Devnet.draft(client, source: source, prompt: "confirm me"))

        try Devnet.ensureAnswered(client, published.task, prompt: "confirm me")
        let responded = try Devnet.waitForTask(client, published.task) { $0.status == .responded }
        XCTAssertEqual(responded.status, .responded)
        let response = try XCTUnwrap(try client.responses(of: published.task).first)
        XCTAssertFalse(response.confirmed)
        XCTAssertEqual(try client.responseData(response)["result"], "devnet reply to: confirm me")

        guard case .responded(_, let waiting)? = try? client.waitForTask(published.task, timeout: 10) else {
            return XCTFail("waitForTask did not report the responded task")
        }
        XCTAssertEqual(waiting.map(\.address), [response.address])
        let earningsBefore = try client.vault(response.provider).totalEarnings
        try client.confirm(response: response.address)
        let final = try client.task(published.task)
        XCTAssertEqual(final.status, .finalized)
        XCTAssertEqual(final.winningProvider, response.provider)
        XCTAssertTrue(try client.response(response.address).confirmed)
        XCTAssertEqual(try client.vault(response.provider).totalEarnings - earningsBefore, BigUInt(10).power(16))

        // Confirming again is refused by the contract before anything is sent.
        XCTAssertThrowsError(try client.confirm(response: response.address)) { e in
            let ce = e as? ContractError
            XCTAssertEqual(ce?.phase, .beforeSending)
            XCTAssertEqual(ce?.openGPUKind, .alreadyConfirmed, "\(e)")
        }
    }

    func testCancelReturnsTheEscrow() throws {
        let network = try Devnet.network()
        let client = try Devnet.fundedClient(network)
        let me = try XCTUnwrap(client.account)
        let source = try Devnet.devnetSource(network, "first_response")
        let published = try client.publish(try Devnet.draft(client, source: source, devnet: .object([("respond", false)])))
        XCTAssertEqual(try client.vault(me).frozenPayment, BigUInt(10).power(16))
        let balance = try client.vault(me).balance

        try client.cancel(task: published.task)
        XCTAssertEqual(try client.task(published.task).status, .canceled)
        guard case .canceled? = try? client.waitForTask(published.task, timeout: 5) else {
            return XCTFail("waitForTask did not report the canceled task")
        }
        XCTAssertEqual(try client.vault(me).frozenPayment, 0)
        XCTAssertEqual(try client.vault(me).balance, balance + BigUInt(10).power(16))
        XCTAssertThrowsError(try client.cancel(task: published.task)) { e in
            XCTAssertEqual((e as? ContractError)?.openGPUKind, .alreadyFinalized, "\(e)")
        }
    }

    func testExpiryAfterTimeTravel() throws {
        let network = try Devnet.network()
        let client = try Devnet.fundedClient(network)
        let source = try Devnet.privateSource(client)
        let published = try client.publish(try Devnet.draft(client, source: source, ttl: 30))
        XCTAssertFalse(try client.task(published.task).isExpired(now: Devnet.chainTime(client)))

        // Travel in time inside a snapshot, so the shared devnet's clock is restored for other suites.
        let snapshot = try client.eth.rpc.call("evm_snapshot")
        defer { _ = try? client.eth.rpc.call("evm_revert", [snapshot]) }
        _ = try client.eth.rpc.call("evm_increaseTime", [.int(61)])
        _ = try client.eth.rpc.call("evm_mine")
        let info = try client.task(published.task)
        XCTAssertTrue(info.isExpired(now: try Devnet.chainTime(client)))
        guard case .expired? = try? client.waitForTask(published.task, timeout: 5) else {
            return XCTFail("waitForTask did not report the expired task")
        }

        // A provider can no longer attempt it: the contract says Expired, before anything is sent.
        let provider = try Devnet.key("provider-2", in: network)
        let attempt = try ABIFunction(signature: "attempt(address,address,uint256)")
        let sender = TransactionSender(eth: client.eth, signer: provider, chainId: network.chainId, journal: Devnet.tempJournal())
        XCTAssertThrowsError(try sender.send(TransactionRequest(
            to: network.contracts.nexus, data: try attempt.encodeCall([.address(published.task), .address(provider.address), .uint(1)]),
            label: "Nexus.attempt"))) { e in
            let ce = e as? ContractError
            XCTAssertEqual(ce?.phase, .beforeSending)
            XCTAssertEqual(ce?.errorName, "Expired", "\(e)")
        }
        // Publishing with an expiry the chain already passed is refused by the contract.
        var late = try Devnet.draft(client, source: source, ttl: 3600)
        late.expiryTime = try Devnet.chainTime(client) - 1
        if late.expiryTime > UInt64(Date().timeIntervalSince1970) {
            XCTAssertThrowsError(try client.publish(late)) { e in
                XCTAssertEqual((e as? ContractError)?.openGPUKind, .expired, "\(e)")
            }
        }
    }

    func testInsufficientVaultBalanceIsATypedErrorBeforeSending() throws {
        let network = try Devnet.network()
        let journal = Devnet.tempJournal()
        let client = try Devnet.fundedClient(network, vault: 0, journal: journal)
        let signedBefore = try journal.summary().count
        let source = try Devnet.devnetSource(network, "first_response")
        XCTAssertThrowsError(try client.publish(try Devnet.draft(client, source: source))) { e in
            guard let ce = e as? ContractError else { return XCTFail("expected ContractError, got \(e)") }
            XCTAssertEqual(ce.errorName, "InsufficientBalance")
            XCTAssertEqual(ce.openGPUKind, .insufficientBalance)
            XCTAssertEqual(ce.phase, .beforeSending)
            XCTAssertEqual(ce.operation, "Controller.publishTask")
        }
        XCTAssertEqual(try journal.summary().count, signedBefore, "nothing was signed")
    }

    func testInactiveSourceIsATypedError() throws {
        let network = try Devnet.network()
        let client = try Devnet.fundedClient(network)
        let source = try Devnet.privateSource(client)
        XCTAssertEqual(try client.source(source).status, .active)
        XCTAssertTrue(try client.sources(ownedBy: XCTUnwrap(client.account)).contains(source))
        try client.inactivateSource(source)
        XCTAssertEqual(try client.source(source).status, .inactive)
        XCTAssertThrowsError(try client.publish(try Devnet.draft(client, source: source))) { e in
            guard let ce = e as? ContractError else { return XCTFail("expected ContractError, got \(e)") }
            XCTAssertEqual(ce.errorName, "SourceInactive")
            XCTAssertEqual(ce.openGPUKind, .sourceInactive)
        }
    }

    func testBatchPublishKeepsOrderAndPerItemErrors() throws {
        let network = try Devnet.network()
        let client = try Devnet.fundedClient(network)
        let source = try Devnet.privateSource(client)
        let inactive = try Devnet.privateSource(client)
        try client.inactivateSource(inactive)
        var drafts = try (0..<8).map { try Devnet.draft(client, source: source, prompt: "item \($0)") }
        drafts[3] = try Devnet.draft(client, source: inactive, prompt: "bad")
        let results = try client.publishBatch(drafts)
        XCTAssertEqual(results.count, 8)
        var tasks = Set<Address>()
        for (i, r) in results.enumerated() {
            if i == 3 {
                XCTAssertThrowsError(try r.get()) { XCTAssertEqual(($0 as? ContractError)?.openGPUKind, .sourceInactive) }
                continue
            }
            let p = try r.get()
            tasks.insert(p.task)
            let input = try client.taskInput(try client.task(p.task))
            XCTAssertEqual(input, drafts[i].input, "result \(i) is the task for draft \(i)")
        }
        XCTAssertEqual(tasks.count, 7)
        XCTAssertEqual(try client.source(source).taskCount, 7)
    }
}
