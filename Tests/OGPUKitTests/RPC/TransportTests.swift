import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

final class TransportTests: XCTestCase {
    func testPostEchoAndKeepAlive() throws {
        let connections = ConnectionCounter()
        let server = try LoopbackHTTPServer { req in
            connections.note(req.headers["x-probe"] ?? "")
            return .json(#"{"echo":\#(req.bodyText.count),"ct":"\#(req.headers["content-type"] ?? "")"}"#)
        }
        defer { server.stop() }
        let t = CurlTransport()
        for _ in 0..<20 {
            let r = try t.post(server.url, body: Array("hello".utf8), contentType: "application/json",
                               options: HTTPOptions(), cancellation: nil)
            XCTAssertEqual(r.status, 200)
            XCTAssertEqual(r.bodyText, #"{"echo":5,"ct":"application/json"}"#)
        }
        XCTAssertEqual(server.requestCount, 20)
    }

    func testTotalTimeout() throws {
        let server = try LoopbackHTTPServer { _ in .delay(2, .json("{}")) }
        defer { server.stop() }
        let start = Date()
        XCTAssertThrowsError(try CurlTransport().post(server.url, body: [], contentType: "application/json",
                                                      options: HTTPOptions(totalTimeout: 0.3), cancellation: nil)) { e in
            let t = e as? TransportError
            XCTAssertEqual(t?.kind, .timedOut)
            XCTAssertEqual(t?.requestSent, true)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1.9)
    }

    func testConnectRefusedIsNotSent() throws {
        // Bind then stop, so the port is (almost certainly) closed.
        let server = try LoopbackHTTPServer { _ in .json("{}") }
        let url = server.url
        server.stop()
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertThrowsError(try CurlTransport().get(url, options: HTTPOptions(), cancellation: nil)) { e in
            let t = e as? TransportError
            XCTAssertEqual(t?.kind, .connectFailed)
            XCTAssertEqual(t?.requestSent, false)
        }
    }

    func testDroppedConnectionAfterRequest() throws {
        let server = try LoopbackHTTPServer { _ in .drop }
        defer { server.stop() }
        XCTAssertThrowsError(try CurlTransport().post(server.url, body: Array("x".utf8), contentType: "text/plain",
                                                      options: HTTPOptions(), cancellation: nil)) { e in
            let t = e as? TransportError
            XCTAssertEqual(t?.kind, .connectionLost)
            XCTAssertEqual(t?.requestSent, true)
        }
    }

    func testResponseSizeLimit() throws {
        let big = [UInt8](repeating: 0x61, count: 200_000)
        let server = try LoopbackHTTPServer { _ in .respond(status: 200, body: big, headers: []) }
        defer { server.stop() }
        XCTAssertThrowsError(try CurlTransport().get(server.url, options: HTTPOptions(maxResponseBytes: 1000), cancellation: nil)) { e in
            XCTAssertEqual((e as? TransportError)?.kind, .responseTooLarge(limit: 1000))
        }
        let ok = try CurlTransport().get(server.url, options: HTTPOptions(maxResponseBytes: 300_000), cancellation: nil)
        XCTAssertEqual(ok.body.count, 200_000)
    }

    func testCancellationStopsATransfer() throws {
        let server = try LoopbackHTTPServer { _ in .delay(3, .json("{}")) }
        defer { server.stop() }
        let token = CancellationToken()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { token.cancel() }
        let start = Date()
        XCTAssertThrowsError(try CurlTransport().get(server.url, options: HTTPOptions(), cancellation: token)) { e in
            XCTAssertEqual((e as? TransportError)?.kind, .cancelled)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 2.5)
    }

    func testRejectsNonHTTPURLs() {
        XCTAssertThrowsError(try CurlTransport().get("file:///etc/passwd", options: HTTPOptions(), cancellation: nil)) { e in
            XCTAssertEqual((e as? TransportError)?.kind, .invalidURL)
        }
    }

    func testErrorsRedactURLSecrets() {
        let e = TransportError(kind: .timedOut, url: "https://user:pw@rpc.example.com/v2/SECRETKEY?x=1", detail: "d", requestSent: true)
        XCTAssertFalse(e.description.contains("SECRETKEY"))
        XCTAssertFalse(e.description.contains("pw"))
        XCTAssertTrue(e.description.contains("https://rpc.example.com/…"))
    }
}

final class ConnectionCounter: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var seen: [String] = []
    func note(_ s: String) { lock.lock(); seen.append(s); lock.unlock() }
}
