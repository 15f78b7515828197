import BigInt
import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// `OpenGPUClient.protocolEvents` against a hostile node: every log it answers is one a real
/// node could send or one crafted to mislead; only genuine protocol events come out, in order,
/// and reads stay bounded.
final class ProtocolEventsTests: XCTestCase {
    /// Answers every `eth_getLogs` with `logs` (all of them, whatever range was asked) and records the ranges.
    final class LogNode: HTTPTransport, @unchecked Sendable {
        var logs: [JSONValue] = []
        var ranges: [(String, String, String)] = []  // (address, fromBlock, toBlock)

        func post(_ url: String, body: [UInt8], contentType: String, options: HTTPOptions,
                  cancellation: CancellationToken?) throws -> HTTPResponse {
            let request = try JSONParser.parse(body)
            let filter = request["params"]?.arrayValue?.first
            ranges.append((filter?["address"]?.stringValue ?? "", filter?["fromBlock"]?.stringValue ?? "",
                           filter?["toBlock"]?.stringValue ?? ""))
            let answer = JSONValue.object([("jsonrpc", .string("2.0")), ("id", request["id"] ?? .null), ("result", .array(logs))])
            return HTTPResponse(status: 200, body: JSONWriter.bytes(answer), contentType: "application/json")
        }

        func get(_ url: String, options: HTTPOptions, cancellation: CancellationToken?) throws -> HTTPResponse {
            HTTPResponse(status: 404, body: [])
        }
    }

    let net = Network.testnet.withRPC("http://127.0.0.1:9")
    let task = try! Address(hex: "0x" + String(repeating: "11", count: 20))
    let source = try! Address(hex: "0x" + String(repeating: "22", count: 20))
    let provider = try! Address(hex: "0x" + String(repeating: "33", count: 20))

    func log(_ event: ABIEvent, _ values: [ABIValue], block: UInt64, index: UInt64?, emitter: Address? = nil,
             data override: [UInt8]? = nil) throws -> JSONValue {
        let (topics, data) = try event.encodeLog(values)
        var fields: [(String, JSONValue)] = [
            ("address", .string((emitter ?? net.contracts.nexus).lowercaseHex)),
            ("topics", .array(topics.map { .string(Hex.encode($0)) })), ("data", .string(Hex.encode(override ?? data))),
            ("blockNumber", .string("0x" + String(block, radix: 16))),
            ("transactionHash", .string("0x" + String(repeating: "ab", count: 32))),
        ]
        if let index { fields.append(("logIndex", .string("0x" + String(index, radix: 16)))) }
        return .object(fields)
    }

    func testOnlyGenuineEventsOfTheSpanComeOutInChainOrder() throws {
        typealias N = OpenGPUContracts.Nexus
        let node = LogNode()
        let published = try log(N.taskPublished, [.address(task), .address(source)], block: 5, index: 1)
        let attempted = try log(N.attempted, [.address(task), .address(provider), .uint(7)], block: 5, index: 0)
        node.logs = [
            published,
            attempted,
            published,  // the same log twice
            try log(N.taskPublished, [.address(task), .address(source)], block: 6, index: 0, emitter: provider),  // not the Nexus
            try log(N.taskPublished, [.address(task), .address(source)], block: 6, index: 1, data: [1, 2, 3]),  // bad data
            try log(N.taskStatusChanged, [.address(task), .uint(9)], block: 6, index: 2),  // no such status
            try log(N.taskPublished, [.address(task), .address(source)], block: 9_999, index: 0),  // outside the range asked
            try log(N.taskPublished, [.address(task), .address(source)], block: 7, index: nil),  // no position
        ]
        let client = OpenGPUClient(network: net, transport: node)
        let events = try client.protocolEvents(ProtocolEventFilter(emitters: [.nexus]), from: 0, to: 100)
        XCTAssertEqual(events.map(\.name), ["Attempted", "TaskPublished"])
        XCTAssertEqual(events.map(\.position), [EventPosition(block: 5, logIndex: 0), EventPosition(block: 5, logIndex: 1)])
        XCTAssertEqual(events[0].decoded["provider"]?.addressValue, provider)
        // Field filters match decoded fields: Attempted names no source.
        let bySource = try client.protocolEvents(ProtocolEventFilter(fields: ["source": source]), from: 0, to: 100)
        XCTAssertEqual(bySource.map(\.name), ["TaskPublished"])
        // More than the limit is an error, not a cut list.
        XCTAssertThrowsError(try client.protocolEvents(ProtocolEventFilter(emitters: [.nexus]), from: 0, to: 100, limit: 1)) {
            guard case ProtocolEventError.tooMany = $0 else { return XCTFail("\($0)") }
        }
    }

    func testWideRangesAreReadInBoundedSpansPerEmitter() throws {
        let node = LogNode()
        let client = OpenGPUClient(network: net, transport: node)
        _ = try client.protocolEvents(ProtocolEventFilter(names: ["TaskPublished", "Deposited"]), from: 10, to: 4_500)
        let spans = node.ranges.map { ($0.1, $0.2) }
        XCTAssertEqual(spans.count, 6)  // 3 spans × (Nexus, Vault); Terminal has none of these events
        XCTAssertEqual(Set(spans.map(\.0)), ["0xa", "0x7da", "0xfaa"])
        XCTAssertEqual(Set(spans.map(\.1)), ["0x7d9", "0xfa9", "0x1194"])
        XCTAssertEqual(Set(node.ranges.map(\.0)), [net.contracts.nexus.lowercaseHex, net.contracts.vault.lowercaseHex])
    }

    func testFiltersAreCheckedBeforeAnythingIsRead() {
        let node = LogNode()
        let client = OpenGPUClient(network: net, transport: node)
        XCTAssertThrowsError(try client.protocolEvents(ProtocolEventFilter(names: ["UnbondingCanceled"]), from: 0, to: 1))
        XCTAssertThrowsError(try client.protocolEvents(ProtocolEventFilter(fields: ["owner": task]), from: 0, to: 1))
        XCTAssertThrowsError(try client.protocolEvents(ProtocolEventFilter(), from: 2, to: 1))
        XCTAssertThrowsError(try client.protocolEvents(ProtocolEventFilter(), from: 0, to: 1_000_000)) {
            guard case ProtocolEventError.rangeTooWide = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertTrue(node.ranges.isEmpty)
        // Mainnet's Vault has UnbondingCanceled and cancelUnbonding.
        let mainnet = OpenGPUClient(network: Network.mainnet.withRPC("http://127.0.0.1:9"), transport: node)
        XCTAssertNoThrow(try mainnet.validate(ProtocolEventFilter(names: ["UnbondingCanceled"])))
        XCTAssertNoThrow(try mainnet.cancelUnbondingRequest())
        XCTAssertThrowsError(try client.cancelUnbondingRequest())
    }

    func testAnUnresolvedSubmissionInTheJournalIsFoundUntilItIsSettled() throws {
        let path = NSTemporaryDirectory() + "ogpu-submission-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = SendJournal(path: path)
        let client = OpenGPUClient(network: net, journal: journal, transport: LogNode())
        let request = try client.submitResponseRequest(task: task, provider: provider, data: "https://x/1", payment: 1)
        XCTAssertNil(try client.unresolvedSubmission(task: task, provider: provider))
        try journal.recordSigned(hash: "0x01", raw: [1], from: provider, nonce: 0, chainId: net.chainId, to: request.to,
                                 label: request.label, meta: request.journalMeta)
        XCTAssertEqual(try client.unresolvedSubmission(task: task, provider: provider), "0x01")
        XCTAssertNil(try client.unresolvedSubmission(task: source, provider: provider))  // another task
        // Another chain's entry does not count; a mined one is settled.
        let other = OpenGPUClient(network: Network.mainnet.withRPC("http://127.0.0.1:9"), journal: journal, transport: LogNode())
        XCTAssertNil(try other.unresolvedSubmission(task: task, provider: provider))
        try journal.record(.mined, hash: "0x01", [("block", .int(3))])
        XCTAssertNil(try client.unresolvedSubmission(task: task, provider: provider))
    }
}
