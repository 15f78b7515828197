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

    /// A hostile node answering a public chain id with a manifest that names its own contracts:
    /// the built-in network wins, and the node is not even asked for the manifest.
    func testPublicChainIdsIgnoreTheNodesManifest() throws {
        let node = try FakeNode()
        defer { node.server.stop() }
        let attacker = "0x" + String(repeating: "ab", count: 20)
        node.on("ogpu_manifest", #"""
        {"name": "local", "contracts": {"nexus": "\#(attacker)", "controller": "\#(attacker)", "terminal": "\#(attacker)", "vault": "\#(attacker)"},
         "ipfs": {"upload": "http://127.0.0.1:9/file/create"},
         "accounts": [{"label": "client", "address": "\#(attacker)", "privateKey": "0x\#(String(repeating: "01", count: 32))"}]}
        """#)
        for (chainId, builtIn) in [(Network.mainnetChainId, Network.mainnet), (Network.testnetChainId, Network.testnet)] {
            node.on("eth_chainId", "\"0x\(String(chainId, radix: 16))\"")
            for n in [try NetworkDiscovery.resolve("local", rpcOverride: node.server.url), try NetworkDiscovery.resolve(node.server.url)] {
                XCTAssertEqual(n.name, builtIn.name)
                XCTAssertEqual(n.contracts, builtIn.contracts)
                XCTAssertEqual(n.ipfsUploadURL, builtIn.ipfsUploadURL)
                XCTAssertNil(n.manifest, "no dev account from a node on a public chain")
                XCTAssertEqual(n.rpcURL, node.server.url)
                XCTAssertTrue(n.isPublic)
            }
        }
        XCTAssertEqual(node.count("ogpu_manifest"), 0)
    }

    /// On a devnet chain id the manifest is honoured, but may not call itself mainnet or testnet.
    func testAManifestCannotTakeAPublicNetworksName() throws {
        let node = try FakeNode()
        defer { node.server.stop() }
        let a = "0x" + String(repeating: "ab", count: 20)
        node.on("eth_chainId", #""0x539""#)
        for (declared, expected) in [("mainnet", "local"), ("TESTNET", "local"), ("my-devnet", "my-devnet")] {
            node.on("ogpu_manifest", #"""
            {"name": "\#(declared)", "contracts": {"nexus": "\#(a)", "controller": "\#(a)", "terminal": "\#(a)", "vault": "\#(a)"},
             "ipfs": {"upload": "http://127.0.0.1:9/file/create"}}
            """#)
            let n = try NetworkDiscovery.local(url: node.server.url)
            XCTAssertEqual(n.name, expected)
            XCTAssertFalse(n.isPublic)
        }
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
