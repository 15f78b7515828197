import BigInt
import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// Publishing through a proxy that breaks the connection in every way we know. Each publish must
/// either succeed exactly once or fail with a clear error; the chain never holds a duplicate task,
/// and the journal accounts for every signed transaction.
final class DevnetFaultTests: XCTestCase {
    private func setUp(_ faults: [(String, [FaultProxy.Fault])]) throws
        -> (proxy: FaultProxy, client: OpenGPUClient, source: Address, journal: SendJournal) {
        let direct = try Devnet.network()
        let journal = Devnet.tempJournal()
        let funded = try Devnet.fundedClient(direct, journal: journal)
        let source = try Devnet.privateSource(funded)
        let proxy = try FaultProxy(upstream: direct.rpcURL)
        for (m, f) in faults { proxy.inject(m, f) }
        let client = OpenGPUClient(network: direct.withRPC(proxy.url), signer: funded.signer, journal: journal)
        return (proxy, client, source, journal)
    }

    /// Publishes `count` tasks one by one through the faults; checks the invariants.
    private func publishThroughFaults(_ faults: [(String, [FaultProxy.Fault])], count: Int = 3,
                                      file: StaticString = #filePath, line: UInt = #line) throws {
        let (proxy, client, source, journal) = try setUp(faults)
        defer { proxy.stop() }
        var succeeded = [PublishedTask]()
        for i in 0..<count {
            do {
                succeeded.append(try client.publish(try Devnet.draft(client, source: source, prompt: "fault \(i)")))
            } catch let e as SendError {
                // A clear failure names the transaction to reconcile, if one was signed.
                XCTAssertFalse(e.description.isEmpty)
                if let h = e.transactionHash, let task = try Devnet.directClient(client).recoverPublishedTask(transactionHash: h) {
                    succeeded.append(PublishedTask(task: task, transactionHash: h, blockNumber: 0, configURL: ""))
                }
            }
        }
        let direct = try Devnet.directClient(client)
        // No duplicates: the source holds exactly the tasks that were reported (or recovered).
        XCTAssertEqual(try direct.source(source).taskCount, succeeded.count, "tasks on chain vs. publishes", file: file, line: line)
        XCTAssertEqual(Set(succeeded.map(\.task)).count, succeeded.count, file: file, line: line)
        XCTAssertGreaterThanOrEqual(succeeded.count, count - 1, "faults should mostly be recovered from", file: file, line: line)
        // Every signed publish in the journal is accounted for on chain.
        let signed = try journal.summary().filter { $0.signed.label == "Controller.publishTask" }
        for entry in signed {
            let receipt = try direct.eth.receipt(entry.signed.hash)
            switch entry.latest {
            case .mined: XCTAssertEqual(receipt?.succeeded, true, "journal says mined: \(entry.signed.hash)", file: file, line: line)
            case .rejected: XCTAssertNil(receipt, "journal says rejected but it was mined: \(entry.signed.hash)", file: file, line: line)
            default: XCTFail("journal left \(entry.signed.hash) \(entry.latest)", file: file, line: line)
            }
        }
        XCTAssertEqual(signed.filter { $0.latest == .mined }.count, succeeded.count, file: file, line: line)
        XCTAssertGreaterThan(proxy.faultsApplied(faults[0].0), 0, "the fault was exercised", file: file, line: line)
    }

    func testSendDroppedAfterForwarding() throws {
        try publishThroughFaults([("eth_sendRawTransaction", [.dropAfterForward, .dropAfterForward])])
    }

    func testSendAnswered5xxAfterForwarding() throws {
        try publishThroughFaults([("eth_sendRawTransaction", [.serverErrorAfterForward, .badGateway])])
    }

    func testSendAnswersTruncatedAndMalformed() throws {
        try publishThroughFaults([("eth_sendRawTransaction", [.truncateAfterForward, .malformedAfterForward])])
    }

    func testSlowAndFlakyReads() throws {
        try publishThroughFaults([
            ("eth_getTransactionReceipt", [.badGateway, .truncateAfterForward, .delay(0.5), .malformedAfterForward]),
            ("eth_estimateGas", [.badGateway, .dropAfterForward]),
            ("eth_getTransactionCount", [.truncateAfterForward]),
        ])
    }

    func testEveryBroadcastLostStillNeverDuplicates() throws {
        // Every answer to the send is lost: the client must not re-sign; it re-sends the same
        // bytes (same hash) and finds the transaction by hash.
        try publishThroughFaults([("eth_sendRawTransaction", Array(repeating: .dropAfterForward, count: 20))], count: 2)
    }
}

extension Devnet {
    /// The same account talking to the devnet directly (no proxy), for checking the outcome.
    static func directClient(_ client: OpenGPUClient) throws -> OpenGPUClient {
        OpenGPUClient(network: client.network.withRPC(try rpcURL()), signer: client.signer, journal: client.journal)
    }
}
