import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// A scripted node: answers each request with the next planned action (then the fallback).
final class ScriptedNode: @unchecked Sendable {
    private let lock = NSLock()
    private var plan: [LoopbackHTTPServer.Action]
    private(set) var bodies: [String] = []
    let fallback: @Sendable (JSONValue) -> LoopbackHTTPServer.Action

    init(plan: [LoopbackHTTPServer.Action], fallback: @escaping @Sendable (JSONValue) -> LoopbackHTTPServer.Action) {
        self.plan = plan
        self.fallback = fallback
    }

    func handle(_ r: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Action {
        lock.lock()
        bodies.append(r.bodyText)
        let next = plan.isEmpty ? nil : plan.removeFirst()
        lock.unlock()
        if let next { return next }
        return fallback((try? JSONParser.parse(r.body)) ?? .null)
    }

    var count: Int { lock.lock(); defer { lock.unlock() }; return bodies.count }
}

/// Answers every call in a request with `result(method)`, echoing ids.
func echoResults(_ result: @escaping @Sendable (String) -> String) -> @Sendable (JSONValue) -> LoopbackHTTPServer.Action {
    return { req in
        func one(_ r: JSONValue) -> String {
            let id = JSONWriter.string(r["id"] ?? .null)
            return #"{"jsonrpc":"2.0","id":\#(id),"result":\#(result(r["method"]?.stringValue ?? ""))}"#
        }
        if case .array(let items) = req { return .json("[" + items.reversed().map(one).joined(separator: ",") + "]") }
        return .json(one(req))
    }
}

final class JSONRPCClientTests: XCTestCase {
    private func client(_ server: LoopbackHTTPServer, attempts: Int = 4) -> JSONRPCClient {
        JSONRPCClient(url: server.url, retry: RetryPolicy(maxAttempts: attempts, baseDelay: 0.01, maxDelay: 0.02))
    }

    func testSingleCallSendsJSONRPC2() throws {
        let node = ScriptedNode(plan: [], fallback: echoResults { _ in #""0x2a""# })
        let server = try LoopbackHTTPServer(handler: { node.handle($0) })
        defer { server.stop() }
        let r = try client(server).call("eth_chainId")
        XCTAssertEqual(r, .string("0x2a"))
        let sent = try JSONParser.parse(node.bodies[0])
        XCTAssertEqual(sent["jsonrpc"], "2.0")
        XCTAssertEqual(sent["method"], "eth_chainId")
        XCTAssertEqual(sent["params"], .array([]))
        XCTAssertNotNil(sent["id"]?.intValue)
    }

    func testBatchMatchesResultsByIDInRequestOrder() throws {
        let node = ScriptedNode(plan: [], fallback: echoResults { #""\#($0)""# })
        let server = try LoopbackHTTPServer(handler: { node.handle($0) })
        defer { server.stop() }
        let results = try client(server).batch([RPCCall("eth_chainId"), RPCCall("eth_blockNumber"), RPCCall("net_version")])
        XCTAssertEqual(results.map { try? $0.get() }, [.string("eth_chainId"), .string("eth_blockNumber"), .string("net_version")])
        XCTAssertEqual(node.count, 1)
    }

    func testServerErrorCarriesCodeMessageAndRevertData() throws {
        let body = #"{"jsonrpc":"2.0","id":1,"error":{"code":3,"message":"execution reverted: SourceInactive","data":"0x08c379a0"}}"#
        let node = ScriptedNode(plan: [], fallback: { req in
            .json(body.replacingOccurrences(of: #""id":1"#, with: #""id":\#(JSONWriter.string(req["id"]!))"#))
        })
        let server = try LoopbackHTTPServer(handler: { node.handle($0) })
        defer { server.stop() }
        XCTAssertThrowsError(try client(server).call("eth_estimateGas", [.object([])])) { e in
            guard case .server(let code, let message, _, let method)? = e as? RPCError else { return XCTFail("\(e)") }
            XCTAssertEqual(code, 3)
            XCTAssertEqual(message, "execution reverted: SourceInactive")
            XCTAssertEqual(method, "eth_estimateGas")
            XCTAssertEqual((e as? RPCError)?.revertData, [0x08, 0xc3, 0x79, 0xa0])
            XCTAssertEqual((e as? RPCError)?.isExecutionRevert, true)
        }
        XCTAssertEqual(node.count, 1, "a revert is never retried")
    }

    func testReadsAreRetriedThroughFaults() throws {
        let node = ScriptedNode(plan: [.json("oops", status: 502), .raw(Array("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"jsonrpc\":".utf8)),
                                       .json(#"{"jsonrpc":"2.0","id":"#), .drop],
                                fallback: echoResults { _ in #""0x10""# })
        let server = try LoopbackHTTPServer(handler: { node.handle($0) })
        defer { server.stop() }
        XCTAssertEqual(try client(server, attempts: 5).call("eth_blockNumber"), .string("0x10"))
        XCTAssertEqual(node.count, 5)
    }

    func testSendRawTransactionIsNeverRetriedOnceDelivered() throws {
        for fault in [LoopbackHTTPServer.Action.json("bad gateway", status: 502), .drop, .json(#"{"jsonrpc":"2.0","#)] {
            let node = ScriptedNode(plan: [fault], fallback: echoResults { _ in #""0xabc""# })
            let server = try LoopbackHTTPServer(handler: { node.handle($0) })
            XCTAssertThrowsError(try client(server).call("eth_sendRawTransaction", ["0x01"]))
            XCTAssertEqual(node.count, 1, "\(fault)")
            server.stop()
        }
    }

    func testBatchWithASendIsNotRetried() throws {
        let node = ScriptedNode(plan: [.drop], fallback: echoResults { _ in "1" })
        let server = try LoopbackHTTPServer(handler: { node.handle($0) })
        defer { server.stop() }
        XCTAssertThrowsError(try client(server).batch([RPCCall("eth_sendRawTransaction", ["0x01"]), RPCCall("eth_blockNumber")]))
        XCTAssertEqual(node.count, 1)
    }

    func testMismatchedIDIsRejected() throws {
        let node = ScriptedNode(plan: [], fallback: { _ in .json(#"{"jsonrpc":"2.0","id":999999,"result":"0x1"}"#) })
        let server = try LoopbackHTTPServer(handler: { node.handle($0) })
        defer { server.stop() }
        XCTAssertThrowsError(try client(server, attempts: 1).call("eth_chainId")) { e in
            guard case .invalidResponse? = e as? RPCError else { return XCTFail("\(e)") }
        }
    }

    func testHTTPErrorWithoutJSONIsTyped() throws {
        let node = ScriptedNode(plan: [], fallback: { _ in .json("forbidden", status: 403) })
        let server = try LoopbackHTTPServer(handler: { node.handle($0) })
        defer { server.stop() }
        XCTAssertThrowsError(try client(server).call("eth_chainId")) { e in
            guard case .httpStatus(403, _, "eth_chainId")? = e as? RPCError else { return XCTFail("\(e)") }
        }
        XCTAssertEqual(node.count, 1, "4xx is not transient")
    }

    func testRetryClassification() {
        let sent = TransportError(kind: .timedOut, url: "http://x", detail: "", requestSent: true)
        let notSent = TransportError(kind: .connectFailed, url: "http://x", detail: "", requestSent: false)
        XCTAssertTrue(RetryPolicy.isRetryable(.transport(sent, method: "eth_call"), method: "eth_call"))
        XCTAssertFalse(RetryPolicy.isRetryable(.transport(sent, method: "eth_sendRawTransaction"), method: "eth_sendRawTransaction"))
        XCTAssertTrue(RetryPolicy.isRetryable(.transport(notSent, method: "eth_sendRawTransaction"), method: "eth_sendRawTransaction"))
        XCTAssertFalse(RetryPolicy.isRetryable(.transport(sent, method: "evm_increaseTime"), method: "evm_increaseTime"))
        XCTAssertTrue(RetryPolicy.isRetryable(.httpStatus(503, body: "", method: "eth_call"), method: "eth_call"))
        XCTAssertFalse(RetryPolicy.isRetryable(.httpStatus(400, body: "", method: "eth_call"), method: "eth_call"))
        XCTAssertFalse(RetryPolicy.isRetryable(.server(code: -32000, message: "execution reverted", data: nil, method: "eth_call"), method: "eth_call"))
        XCTAssertTrue(RetryPolicy.isRetryable(.server(code: -32005, message: "limit exceeded", data: nil, method: "eth_call"), method: "eth_call"))
        XCTAssertFalse(RetryPolicy.isRetryable(.server(code: -32000, message: "nonce too low", data: nil, method: "eth_sendRawTransaction"), method: "eth_sendRawTransaction"))
        let cancelled = TransportError(kind: .cancelled, url: "http://x", detail: "", requestSent: false)
        XCTAssertFalse(RetryPolicy.isRetryable(.transport(cancelled, method: "eth_call"), method: "eth_call"))
    }

    func testBackoffIsJitteredAndCapped() {
        let p = RetryPolicy(maxAttempts: 10, baseDelay: 0.1, maxDelay: 1.0)
        let delays = (0..<50).map { _ in p.delay(afterAttempt: 2) }
        XCTAssertTrue(delays.allSatisfy { $0 >= 0.2 && $0 <= 0.4 })
        XCTAssertGreaterThan(Set(delays).count, 1)
        XCTAssertLessThanOrEqual(p.delay(afterAttempt: 30), 1.0)
    }
}
