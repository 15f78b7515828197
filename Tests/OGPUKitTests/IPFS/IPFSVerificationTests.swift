import Crypto
import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

enum IPFSTestSupport {
    /// The raw CIDv1 (`b…`) of `bytes`, as the devnet pins them.
    static func rawCID(_ bytes: [UInt8]) -> String {
        base32([0x01, 0x55, 0x12, 0x20] + Array(SHA256.hash(data: bytes)))
    }

    static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        var out = "b", buffer: UInt32 = 0, bits = 0
        for b in bytes {
            buffer = (buffer << 8) | UInt32(b)
            bits += 8
            while bits >= 5 { bits -= 5; out.append(alphabet[Int((buffer >> UInt32(bits)) & 31)]) }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return out
    }

    /// The CIDs Debian's `ipfs_cid` tool (what `ipfs add` computes) gives `bytes`.
    static func ipfsCID(_ bytes: [UInt8]) throws -> (v0: String, v1: String) {
        let tool = ["/usr/bin/ipfs_cid", "/usr/bin/ipfs-cid"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let tool else { throw XCTSkip("Debian's ipfs_cid tool is not installed (apt install ipfs-cid)") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ogpu-cid-\(UUID().uuidString)")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = [file.path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: String])
        return (try XCTUnwrap(json["CIDv0"]), try XCTUnwrap(json["CIDv1"]))
    }

    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }
}

/// Content is checked against its CID (issue 14, item 5): differential against `ipfs_cid`.
final class CIDTests: XCTestCase {
    func testDagPBCIDsAgreeWithTheIpfsCidTool() throws {
        let chunk = 256 * 1024
        // Empty, one byte, one chunk exactly, one byte over, several chunks, more than 174 chunks
        // (a second level of parents).
        for (i, size) in [0, 1, 5, 1000, chunk, chunk + 1, 3 * chunk + 17, 175 * chunk + 3].enumerated() {
            let data = IPFSTestSupport.bytes(size, seed: UInt64(i + 1))
            let (v0, v1) = try IPFSTestSupport.ipfsCID(data)
            for text in [v0, v1] {
                let cid = try XCTUnwrap(CID(text), text)
                XCTAssertEqual(cid.codec, .dagPB)
                XCTAssertTrue(cid.matches(data), "\(size) bytes: \(text)")
                if !data.isEmpty {
                    var changed = data
                    changed[changed.count / 2] ^= 1
                    XCTAssertFalse(cid.matches(changed), "\(size) bytes, one bit flipped")
                    XCTAssertFalse(cid.matches(Array(data.dropLast())))
                }
            }
        }
    }

    func testRawCIDsAndOtherMultibases() throws {
        let data = Array("hello".utf8)
        let cid = try XCTUnwrap(CID(IPFSTestSupport.rawCID(data)))
        XCTAssertEqual(cid.codec, .raw)
        XCTAssertTrue(cid.matches(data))
        XCTAssertFalse(cid.matches(Array("hellp".utf8)))
        let upper = "B" + IPFSTestSupport.rawCID(data).dropFirst().uppercased()
        XCTAssertEqual(CID(upper)?.digest, cid.digest)
        let hex = "f01551220" + Hex.encode(Array(SHA256.hash(data: data)), prefix: false)
        XCTAssertEqual(CID(hex)?.digest, cid.digest)
    }

    func testCIDsThatCannotBeVerifiedDoNotParse() {
        let digest = [UInt8](repeating: 7, count: 32)
        XCTAssertNil(CID(IPFSTestSupport.base32([0x01, 0x71, 0x12, 0x20] + digest)))  // dag-cbor
        XCTAssertNil(CID(IPFSTestSupport.base32([0x01, 0x55, 0x16, 0x20] + digest)))  // sha3-256
        XCTAssertNil(CID(IPFSTestSupport.base32([0x01, 0x55, 0x00, 0x05] + Array("hello".utf8)))) // identity
        XCTAssertNil(CID(IPFSTestSupport.base32([0x01, 0x55, 0x12, 0x20] + digest.dropLast())))
        XCTAssertNil(CID("QmNotBase58_0OIl"))
        XCTAssertNil(CID("Qmbad"))
        XCTAssertNil(CID(""))
    }

    func testCIDsNamedByURLs() {
        XCTAssertEqual(CID.named(by: "ipfs://QmA")?.text, "QmA")
        XCTAssertEqual(CID.named(by: "https://gw.example/ipfs/QmA?filename=x.json")?.path, "")
        XCTAssertEqual(CID.named(by: "https://gw.example/ipfs/QmA/")?.path, "")
        XCTAssertEqual(CID.named(by: "https://gw.example/ipfs/QmA/dir/f.json")?.path, "/dir/f.json")
        XCTAssertEqual(CID.named(by: "https://bafyabc.ipfs.dweb.link/")?.text, "bafyabc")
        XCTAssertEqual(CID.named(by: "https://bafyabc.ipfs.dweb.link/f.json")?.path, "/f.json")
        XCTAssertNil(CID.named(by: "https://example.com/data.json"))
    }
}

final class IPFSVerificationTests: XCTestCase {
    let good = Array(#"{"answer":"the real one"}"#.utf8)
    let evil = Array(#"{"answer":"swapped by the gateway"}"#.utf8)

    func testFetchReturnsOnlyContentThatMatchesItsCID() throws {
        let raw = IPFSTestSupport.rawCID(good)
        let v0 = try IPFSTestSupport.ipfsCID(good).v0
        let server = try LoopbackHTTPServer { [good, evil] req in
            .respond(status: 200, body: req.path.hasPrefix("/evil/") ? evil : good)
        }
        defer { server.stop() }
        let ipfs = IPFSClient(uploadURL: server.url, gateway: server.url)
        XCTAssertEqual(try ipfs.fetch(server.url + "/ipfs/" + raw), good)
        XCTAssertEqual(try ipfs.fetch(server.url + "/ipfs/" + v0), good)
        XCTAssertEqual(try ipfs.fetch("ipfs://" + v0), good)
        for cid in [raw, v0] {
            XCTAssertThrowsError(try ipfs.fetch(server.url + "/evil/ipfs/" + cid)) {
                guard case .contentMismatch? = $0 as? IPFSError else { return XCTFail("\($0)") }
            }
        }
        // Content ogpu cannot check is refused, not trusted.
        for url in ["/ipfs/\(v0)/inner/file.json", "/ipfs/Qmbad", "/ipfs/" + IPFSTestSupport.base32([1, 0x71, 0x12, 0x20] + [UInt8](repeating: 1, count: 32))] {
            XCTAssertThrowsError(try ipfs.fetch(server.url + url)) {
                guard case .unverifiable? = $0 as? IPFSError else { return XCTFail("\(url): \($0)") }
            }
        }
        // A URL that names no CID has nothing to check.
        XCTAssertEqual(try ipfs.fetch(server.url + "/plain.json"), good)
    }

    func testUploadChecksTheReturnedLink() throws {
        let raw = IPFSTestSupport.rawCID(good)
        let links = ["https://gw.example/ipfs/\(raw)", "https://gw.example/ipfs/\(IPFSTestSupport.rawCID(evil))",
                     "https://gw.example/file/123", "https://gw.example/ipfs/\(raw)/x"]
        for (i, link) in links.enumerated() {
            let server = try LoopbackHTTPServer { _ in .json(#"{"link":"\#(link)"}"#) }
            defer { server.stop() }
            let ipfs = IPFSClient(uploadURL: server.url, backoff: 0.01)
            if i == 0 {
                XCTAssertEqual(try ipfs.upload(good), link)
            } else {
                XCTAssertThrowsError(try ipfs.upload(good), link) {
                    guard case .invalidUploadResponse? = $0 as? IPFSError else { return XCTFail("\($0)") }
                }
            }
        }
    }

    func testRedirectsAreFollowedOnlyWherePolicyAllows() throws {
        let raw = IPFSTestSupport.rawCID(good)
        let server = try LoopbackHTTPServer { [good] req in
            let target: String
            switch req.path {
            case "/to-metadata": target = "http://169.254.169.254/latest/meta-data/"
            case "/to-lan": target = "https://192.168.1.1/ipfs/" + raw
            case "/to-http": target = "http://example.com/ipfs/" + raw
            case "/to-file": target = "file:///etc/passwd"
            case "/loop": target = "/loop"
            case "/relative": target = "/ipfs/" + raw
            default: return .respond(status: 200, body: good)
            }
            return .respond(status: 302, body: [], headers: [("Location", target)])
        }
        defer { server.stop() }
        let local = IPFSClient(uploadURL: server.url, gateway: server.url)
        XCTAssertTrue(local.policy.allowLoopback)
        XCTAssertEqual(try local.fetch(server.url + "/relative"), good) // loopback http → loopback, on local
        for path in ["/to-metadata", "/to-lan", "/to-http", "/to-file", "/loop"] {
            XCTAssertThrowsError(try local.fetch(server.url + path), path) {
                guard case .refused? = $0 as? IPFSError else { return XCTFail("\(path): \($0)") }
            }
        }
        // Not on the local network: loopback is not fetched at all.
        let remote = IPFSClient(uploadURL: "https://pin.example/file/create", gateway: "https://gw.example")
        XCTAssertFalse(remote.policy.allowLoopback)
        for url in [server.url + "/ipfs/" + raw, "http://localhost:1/x", "http://[::1]:1/x", "http://10.1.2.3/x",
                    "http://[fe80::1]/x", "http://[::ffff:127.0.0.1]/x", "http://0.0.0.0/x"] {
            XCTAssertThrowsError(try remote.fetch(url), url) {
                guard case .refused? = $0 as? IPFSError else { return XCTFail("\(url): \($0)") }
            }
        }
    }

    /// The addresses the policy checked are the ones libcurl connects to: a name that does not
    /// resolve at all is reached through its pin, so curl never resolves a pinned name again.
    func testFetchesConnectOnlyToTheCheckedAddresses() throws {
        let server = try LoopbackHTTPServer { _ in .respond(status: 200, body: Array("pinned".utf8)) }
        defer { server.stop() }
        let port = Int(server.url.split(separator: ":").last!)!
        let options = HTTPOptions(pinnedAddresses: ["ogpu-pin.invalid:\(port):127.0.0.1"])
        let response = try CurlTransport().get("http://ogpu-pin.invalid:\(port)/x", options: options, cancellation: nil)
        XCTAssertEqual(response.bodyText, "pinned")
        XCTAssertThrowsError(try CurlTransport().get("http://ogpu-pin.invalid:\(port)/x", options: HTTPOptions(), cancellation: nil))

        guard case .allow(let pins) = FetchPolicy(allowLoopback: true).decide("http://localhost:\(port)/x", isRedirect: false) else {
            return XCTFail("localhost refused on the local network")
        }
        XCTAssertTrue(pins.contains("localhost:\(port):127.0.0.1"), "\(pins)")
        XCTAssertEqual(FetchPolicy.port(of: "https://u:p@[::1]:99/x"), 99)
        XCTAssertEqual(FetchPolicy.text([0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1]), "[2001:db8:0:0:0:0:0:1]")
    }

    func testAddressClasses() {
        let policy = FetchPolicy(allowLoopback: false)
        XCTAssertNotNil(policy.refusal(for: "http://example.com/x", isRedirect: true)) // https → http
        XCTAssertNotNil(policy.refusal(for: "ftp://example.com/x", isRedirect: false))
        XCTAssertEqual(FetchPolicy.classify([8, 8, 8, 8]), .public)
        XCTAssertEqual(FetchPolicy.classify([172, 20, 0, 1]), .private)
        XCTAssertEqual(FetchPolicy.classify([172, 32, 0, 1]), .public)
        XCTAssertEqual(FetchPolicy.classify([100, 100, 0, 1]), .private)
        XCTAssertEqual(FetchPolicy.classify([127, 0, 0, 2]), .loopback)
        XCTAssertEqual(FetchPolicy.classify([0xFC] + [UInt8](repeating: 0, count: 15)), .private)
        XCTAssertEqual(FetchPolicy.classify([0x20, 0x01, 0x48, 0x60] + [UInt8](repeating: 0, count: 12)), .public)
    }
}
