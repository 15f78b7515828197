import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

final class IPFSClientTests: XCTestCase {
    func testUploadSendsSDKMultipartAndReturnsLink() throws {
        let seen = RequestLog()
        let input = try TaskInput(functionName: "predict", data: .object([("x", 1)]))
        let cid = try IPFSTestSupport.ipfsCID(input.configBytes).v0
        let server = try LoopbackHTTPServer { req in
            seen.add(req)
            return .json(#"{"link":"https://gw.example/ipfs/\#(cid)","cid":"\#(cid)"}"#, status: 201)
        }
        defer { server.stop() }
        let ipfs = IPFSClient(uploadURL: server.url + "/file/create")
        let link = try ipfs.upload(input.configBytes, filename: "taskConfig.json")
        XCTAssertEqual(link, "https://gw.example/ipfs/\(cid)")

        let req = try XCTUnwrap(seen.all.first)
        XCTAssertEqual(req.method, "POST")
        XCTAssertEqual(req.path, "/file/create")
        let ct = try XCTUnwrap(req.headers["content-type"])
        XCTAssertTrue(ct.hasPrefix("multipart/form-data; boundary="))
        let boundary = String(ct.dropFirst("multipart/form-data; boundary=".count))
        XCTAssertEqual(req.bodyText, "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"taskConfig.json\"\r\n"
                       + "Content-Type: application/json\r\n\r\n{\"function_name\": \"predict\", \"data\": {\"x\": 1}}\r\n--\(boundary)--\r\n")
    }

    func testUploadRetriesServerErrorsButNotClientErrors() throws {
        let seen = RequestLog()
        let server = try LoopbackHTTPServer { req in
            seen.add(req)
            return seen.count == 1 ? .json("busy", status: 503) : .json(#"{"link":"ipfs://\#(IPFSTestSupport.rawCID([1]))"}"#)
        }
        defer { server.stop() }
        XCTAssertEqual(try IPFSClient(uploadURL: server.url, backoff: 0.01).upload([1]), "ipfs://" + IPFSTestSupport.rawCID([1]))
        XCTAssertEqual(seen.count, 2)

        let bad = RequestLog()
        let server4 = try LoopbackHTTPServer { req in bad.add(req); return .json("no", status: 413) }
        defer { server4.stop() }
        XCTAssertThrowsError(try IPFSClient(uploadURL: server4.url, backoff: 0.01).upload([1])) {
            guard case .gatewayStatus(_, 413)? = $0 as? IPFSError else { return XCTFail("\($0)") }
        }
        XCTAssertEqual(bad.count, 1)
    }

    func testUploadRejectsBodyWithoutLink() throws {
        let server = try LoopbackHTTPServer { _ in .json(#"{"ok":true}"#) }
        defer { server.stop() }
        XCTAssertThrowsError(try IPFSClient(uploadURL: server.url).upload([1])) {
            guard case .invalidUploadResponse? = $0 as? IPFSError else { return XCTFail("\($0)") }
        }
    }

    func testFetchJSONWithLimitsAndErrors() throws {
        let server = try LoopbackHTTPServer { req in
            switch req.path {
            case "/ok": return .json(#"{"result":"positive"}"#)
            case "/big": return .respond(status: 200, body: [UInt8](repeating: 0x20, count: 5000), headers: [])
            case "/text": return .respond(status: 200, body: Array("not json".utf8), headers: [])
            default: return .json("", status: 404)
            }
        }
        defer { server.stop() }
        let ipfs = IPFSClient(uploadURL: server.url, gateway: server.url)
        XCTAssertEqual(try ipfs.fetchJSON(server.url + "/ok")["result"], "positive")
        XCTAssertThrowsError(try ipfs.fetch(server.url + "/big", maxBytes: 1000))
        XCTAssertThrowsError(try ipfs.fetchJSON(server.url + "/text")) {
            guard case .notJSON? = $0 as? IPFSError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try ipfs.fetch(server.url + "/missing")) {
            guard case .gatewayStatus(_, 404)? = $0 as? IPFSError else { return XCTFail("\($0)") }
        }
        XCTAssertEqual(try ipfs.resolve("ipfs://QmABC"), server.url + "/ipfs/QmABC")
        XCTAssertThrowsError(try ipfs.fetch("file:///etc/passwd"))
    }
}

final class RequestLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [LoopbackHTTPServer.Request] = []
    func add(_ r: LoopbackHTTPServer.Request) { lock.lock(); items.append(r); lock.unlock() }
    var all: [LoopbackHTTPServer.Request] { lock.lock(); defer { lock.unlock() }; return items }
    var count: Int { all.count }
}
