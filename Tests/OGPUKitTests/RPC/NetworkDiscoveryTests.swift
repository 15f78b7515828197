import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

final class NetworkDiscoveryTests: XCTestCase {
    func testKnownChainWithoutManifestUsesBuiltInContracts() throws {
        let node = try FakeNode()
        defer { node.server.stop() }
        node.on("eth_chainId", #""0x42f""#)
        let n = try NetworkDiscovery.discover(url: node.server.url)
        XCTAssertEqual(n.name, "mainnet")
        XCTAssertEqual(n.rpcURL, node.server.url)
        XCTAssertEqual(n.contracts, Network.mainnet.contracts)
    }

    func testUnknownChainWithoutManifestIsAClearError() throws {
        let node = try FakeNode()
        defer { node.server.stop() }
        node.on("eth_chainId", #""0x1""#)
        XCTAssertThrowsError(try NetworkDiscovery.discover(url: node.server.url)) { e in
            guard case .unknownChain(1, _)? = e as? NetworkDiscovery.Failure else { return XCTFail("\(e)") }
            XCTAssertTrue("\(e)".contains("--network"))
        }
    }

    func testManifestShapesAndGatewayNormalisation() throws {
        let node = try FakeNode()
        defer { node.server.stop() }
        node.on("eth_chainId", #""0x539""#)
        let a = "0x" + String(repeating: "ab", count: 20)
        node.on("ogpu_manifest", #"""
        {"chainId": 1337, "contracts": {"NEXUS": "\#(a)", "CONTROLLER": "\#(a)", "TERMINAL": "\#(a)", "VAULT": "\#(a)"},
         "ipfs": {"pin": "http://127.0.0.1:9/file/create", "gateway": "http://127.0.0.1:9/ipfs/"},
         "sources": {"first_response": "\#(a)"},
         "accounts": [{"role": "client", "label": "client", "address": "\#(a)", "privateKey": "0x01"}]}
        """#)
        let n = try NetworkDiscovery.resolve("local", rpcOverride: node.server.url)
        XCTAssertEqual(n.chainId, 1337)
        XCTAssertEqual(n.ipfsUploadURL, "http://127.0.0.1:9/file/create")
        XCTAssertEqual(n.ipfsGateway, "http://127.0.0.1:9")
        XCTAssertEqual(n.manifest?.source("first_response")?.address, try Address(hex: a))
        XCTAssertEqual(n.manifest?.account("client")?.address, try Address(hex: a))
        XCTAssertFalse("\(n.manifest!.account("client")!)".contains("0x01"), "keys never print")
    }

    func testManifestChainIdMismatchIsRejected() throws {
        let node = try FakeNode()
        defer { node.server.stop() }
        node.on("eth_chainId", #""0x539""#)
        node.on("ogpu_manifest", #"{"chainId": 5, "contracts": {}}"#)
        XCTAssertThrowsError(try NetworkDiscovery.discover(url: node.server.url))
    }

    func testUnreachableNode() throws {
        let server = try LoopbackHTTPServer { _ in .json("{}") }
        let url = server.url
        server.stop()
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertThrowsError(try NetworkDiscovery.discover(url: url)) { e in
            guard case .unreachable? = e as? NetworkDiscovery.Failure else { return XCTFail("\(e)") }
        }
        XCTAssertEqual(try NetworkDiscovery.resolve("testnet", rpcOverride: "http://x").rpcURL, "http://x")
    }
}

final class KeyRedactionTests: XCTestCase {
    func testManifestKeysNeverPrint() throws {
        let a = try Address(hex: "0x" + String(repeating: "cd", count: 20))
        let secret = "0x" + String(repeating: "5e", count: 32)
        let m = DevnetManifest(accounts: [.init(name: "client", address: a, privateKeyHex: secret)], sources: [],
                               raw: .object([("accounts", .array([.object([("privateKey", .string(secret))])]))]))
        var n = Network.mainnet
        n.manifest = m
        for text in ["\(n)", String(describing: n), String(reflecting: n), "\(m)", "\(m.accounts)"] {
            XCTAssertFalse(text.contains(String(repeating: "5e", count: 32)), text)
        }
        var dumped = ""
        dump(n, to: &dumped)
        XCTAssertFalse(dumped.contains(String(repeating: "5e", count: 32)))
    }
}
