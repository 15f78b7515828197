import BigInt
import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// Counts the requests that reach the node (JSON-RPC POSTs) and the gateway (GETs).
final class CountingTransport: HTTPTransport, @unchecked Sendable {
    private let inner = CurlTransport()
    private let lock = NSLock()
    private(set) var rpcPosts = 0
    private(set) var gets = 0

    func post(_ url: String, body: [UInt8], contentType: String, options: HTTPOptions,
              cancellation: CancellationToken?) throws -> HTTPResponse {
        if contentType == "application/json" { lock.lock(); rpcPosts += 1; lock.unlock() }
        return try inner.post(url, body: body, contentType: contentType, options: options, cancellation: cancellation)
    }

    func get(_ url: String, options: HTTPOptions, cancellation: CancellationToken?) throws -> HTTPResponse {
        lock.lock(); gets += 1; lock.unlock()
        return try inner.get(url, options: options, cancellation: cancellation)
    }
}

/// On the devnet: the list reads behind `sources()` go in JSON-RPC batches, and read what the
/// one-at-a-time reads read.
final class DevnetBatchReadTests: XCTestCase {
    func testSourcesAreReadInBatchesAndMatchOneByOneReads() throws {
        let network = try Devnet.network()
        let owner = try Devnet.fundedClient(network)
        _ = try Devnet.privateSource(owner, delivery: .firstResponse)
        _ = try Devnet.privateSource(owner)
        let counting = CountingTransport()
        let reader = OpenGPUClient(network: network, transport: counting)
        let all = try reader.sources()
        XCTAssertGreaterThanOrEqual(all.count, 4)
        let before = counting.rpcPosts
        let batched = try reader.describeSources(all)
        // Three view calls per source, at most 100 calls per request.
        XCTAssertEqual(counting.rpcPosts - before, (3 * all.count + 99) / 100, "one request per 100 calls, not one per source")
        XCTAssertEqual(counting.gets, all.count, "each source's metadata fetched once")
        for (address, b) in zip(all, batched) {
            let one = try reader.describeSource(address)
            XCTAssertEqual(b.address, address)
            XCTAssertEqual(b.status, one.status)
            XCTAssertEqual(b.taskCount, one.taskCount)
            XCTAssertEqual(b.params, one.params)
            XCTAssertEqual(b.metadata, one.metadata)
        }
        XCTAssertEqual(batched.first { $0.address == Devnet.devnetSourceOrNil(network, "first_response") }?.metadata?.name.isEmpty, false)
    }

    func testResponsePayloadsAreFetchedTogetherAndMatchOneByOneFetchesInOrder() throws {
        let network = try Devnet.network()
        let client = try Devnet.fundedClient(network)
        let source = try Devnet.devnetSource(network, "first_response")
        let tasks = try ["alpha", "beta"].map { try client.publish(try Devnet.draft(client, source: source, prompt: "payload \($0)")).task }
        let answers = try tasks.map { task in
            try XCTUnwrap(try Devnet.eventually { try client.responses(of: task).first }, "the devnet's provider answers")
        }
        // Two different payloads, interleaved and fetched on several threads at once: each lands in its own slot.
        let list = (0..<6).map { answers[$0 % 2] }
        let together = try client.responsePayloads(list).map { try $0.get() }
        XCTAssertEqual(together, try list.map { try client.responsePayload($0) })
        XCTAssertTrue(together[0].contains("payload alpha") && together[1].contains("payload beta"), "\(together)")
    }

    func testAnUnknownAddressInTheListIsNotFound() throws {
        let network = try Devnet.network()
        let reader = OpenGPUClient(network: network)
        let stranger = try Address(hex: "0x" + String(repeating: "42", count: 20))
        XCTAssertThrowsError(try reader.describeSources([try Devnet.devnetSource(network, "first_response"), stranger])) { e in
            guard case .notFound(kind: "source", address: stranger)? = e as? OpenGPUReadError else { return XCTFail("\(e)") }
        }
    }
}

extension Devnet {
    static func devnetSourceOrNil(_ network: Network, _ name: String) -> Address? { network.manifest?.source(name)?.address }
}
