import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// JSON-RPC batches against a node that answers out of order, leaves calls out, repeats or invents
/// ids: results are matched by id, and an answer that is not exactly one item per request is
/// refused as a whole (a confused node could otherwise put one call's result in another's slot).
final class JSONRPCBatchTests: XCTestCase {
    private func client(_ server: LoopbackHTTPServer) -> JSONRPCClient {
        JSONRPCClient(url: server.url, retry: RetryPolicy(maxAttempts: 1, baseDelay: 0.01, maxDelay: 0.02))
    }

    /// A node answering each call with its method name, after `tamper` rewrites the answer items.
    private func node(_ tamper: @escaping @Sendable ([String]) -> [String]) -> ScriptedNode {
        ScriptedNode(plan: [], fallback: { req in
            guard case .array(let calls) = req else { return .json("{}") }
            let items = calls.map { c in
                #"{"jsonrpc":"2.0","id":\#(JSONWriter.string(c["id"] ?? .null)),"result":"\#(c["method"]?.stringValue ?? "")"}"#
            }
            return .json("[" + tamper(items).joined(separator: ",") + "]")
        })
    }

    private func assertRefused(_ tamper: @escaping @Sendable ([String]) -> [String], _ expected: String,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let n = node(tamper)
        let server = try LoopbackHTTPServer(handler: { n.handle($0) })
        defer { server.stop() }
        XCTAssertThrowsError(try client(server).batch([RPCCall("a"), RPCCall("b"), RPCCall("c")]), file: file, line: line) { e in
            guard case .invalidResponse(let why, _)? = e as? RPCError else { return XCTFail("\(e)", file: file, line: line) }
            XCTAssertTrue(why.contains(expected), why, file: file, line: line)
        }
    }

    func testShuffledAnswersAreMatchedByID() throws {
        let n = node { [$0[2], $0[0], $0[1]] }
        let server = try LoopbackHTTPServer(handler: { n.handle($0) })
        defer { server.stop() }
        let r = try client(server).batch([RPCCall("a"), RPCCall("b"), RPCCall("c")])
        XCTAssertEqual(r.map { try? $0.get() }, [.string("a"), .string("b"), .string("c")])
    }

    func testAMissingAnswerRefusesTheBatch() throws {
        try assertRefused({ Array($0.dropLast()) }, "no item for request id")
    }

    func testADuplicatedAnswerRefusesTheBatch() throws {
        // Same count as requested: one id twice, another missing.
        try assertRefused({ [$0[0], $0[0], $0[2]] }, "twice")
    }

    func testAnExtraAnswerRefusesTheBatch() throws {
        try assertRefused({ $0 + [#"{"jsonrpc":"2.0","id":999999,"result":"x"}"#] }, "not requested")
    }

    func testAnAnswerWithoutAnIntegerIDRefusesTheBatch() throws {
        try assertRefused({ [$0[0], $0[1], #"{"jsonrpc":"2.0","id":"3","result":"c"}"#] }, "no integer id")
        try assertRefused({ [$0[0], $0[1], #"{"jsonrpc":"2.0","result":"c"}"#] }, "no integer id")
    }

    func testAPerCallErrorStaysInItsSlot() throws {
        let n = node { items in
            [items[0], items[1].replacingOccurrences(of: #""result":"b""#, with: #""error":{"code":-32000,"message":"nope"}"#), items[2]]
        }
        let server = try LoopbackHTTPServer(handler: { n.handle($0) })
        defer { server.stop() }
        let r = try client(server).batch([RPCCall("a"), RPCCall("b"), RPCCall("c")])
        XCTAssertEqual(try r[0].get(), .string("a"))
        XCTAssertThrowsError(try r[1].get()) { guard case .server(-32000, "nope", _, "b")? = $0 as? RPCError else { return XCTFail("\($0)") } }
        XCTAssertEqual(try r[2].get(), .string("c"))
    }

    func testALongBatchIsSplitIntoBoundedRequestsInOrder() throws {
        let n = node { $0.reversed() }
        let server = try LoopbackHTTPServer(handler: { n.handle($0) })
        defer { server.stop() }
        let c = client(server)
        c.maxBatchSize = 100
        let calls = (0..<250).map { RPCCall("m\($0)") }
        let r = try c.batch(calls)
        XCTAssertEqual(r.map { try? $0.get() }, calls.map { .string($0.method) })
        XCTAssertEqual(n.count, 3, "250 calls in requests of at most 100")
        let sizes = n.bodies.map { (try? JSONParser.parse($0))?.arrayValue?.count ?? 0 }
        XCTAssertEqual(sizes, [100, 100, 50])
    }
}
