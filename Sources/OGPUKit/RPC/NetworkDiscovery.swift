import OGPUPrimitives
/// Finds out which OpenGPU network an RPC URL serves: `eth_chainId` first. The mainnet and testnet
/// chain ids always map to the built-in constants (contracts, IPFS endpoints, name), reached through
/// that URL: what a node says about itself never decides where real money goes, so a node answering
/// with those chain ids is not even asked for a manifest. Any other chain id needs the devnet's
/// `ogpu_manifest` (contract addresses, IPFS endpoints, dev accounts).
public enum NetworkDiscovery {
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case unknownChain(chainId: UInt64, url: String)
        case badManifest(url: String, reason: String)
        case unreachable(url: String, reason: String)

        public var description: String {
            switch self {
            case .unknownChain(let id, let url):
                return "\(url) serves chain id \(id), which is not an OpenGPU network I know, and it has no ogpu_manifest; use --network mainnet|testnet with --rpc, or point at a devnet"
            case .badManifest(let url, let reason): return "ogpu_manifest from \(url) is unusable: \(reason)"
            case .unreachable(let url, let reason): return "cannot reach an Ethereum node at \(url): \(reason)"
            }
        }
    }

    /// `local` → the devnet on 127.0.0.1:8545 (or `OGPU_RPC`-style override passed as `url`).
    public static func local(url: String = Network.localDefaultRPC, transport: HTTPTransport = CurlTransport()) throws -> Network {
        try discover(url: url, transport: transport, name: "local")
    }

    /// Resolves a network name or URL: `mainnet`, `testnet`, `local`, or `http(s)://…`.
    /// `rpcOverride` replaces the RPC of a named network.
    public static func resolve(_ nameOrURL: String, rpcOverride: String? = nil, transport: HTTPTransport = CurlTransport()) throws -> Network {
        if let n = Network.named(nameOrURL) { return rpcOverride.map { n.withRPC($0) } ?? n }
        if nameOrURL.lowercased() == "local" { return try local(url: rpcOverride ?? Network.localDefaultRPC, transport: transport) }
        return try discover(url: nameOrURL, transport: transport, name: "custom")
    }

    public static func discover(url: String, transport: HTTPTransport = CurlTransport(), name: String = "custom") throws -> Network {
        let rpc = JSONRPCClient(url: url, transport: transport, retry: RetryPolicy(maxAttempts: 2),
                                options: HTTPOptions(connectTimeout: 5, totalTimeout: 15))
        let chainId: UInt64
        do {
            chainId = try EthQuantity.u64(rpc.call("eth_chainId"), "chainId")
        } catch {
            throw Failure.unreachable(url: HTTPRedaction.redact(url), reason: "\(error)")
        }
        // Ours, not the node's: a manifest naming other contracts is never asked for on these ids.
        if let builtIn = Network.builtIn(chainId: chainId) { return builtIn.withRPC(url) }
        let manifest: JSONValue?
        do {
            manifest = try rpc.call("ogpu_manifest")
        } catch let e as RPCError {
            if case .server = e { manifest = nil }  // method not found: not a devnet
            else { throw Failure.unreachable(url: HTTPRedaction.redact(url), reason: e.description) }
        }
        if let manifest, !manifest.isNull {
            return try fromManifest(manifest, url: url, chainId: chainId, name: name)
        }
        throw Failure.unknownChain(chainId: chainId, url: HTTPRedaction.redact(url))
    }

    /// Builds a network from a devnet manifest. Keys are matched case-insensitively so `Nexus`,
    /// `nexus` and `NEXUS` all work; the node's own chain id wins over the manifest's.
    static func fromManifest(_ m: JSONValue, url: String, chainId: UInt64, name: String) throws -> Network {
        let redacted = HTTPRedaction.redact(url)
        func field(_ obj: JSONValue?, _ names: String...) -> JSONValue? {
            guard let pairs = obj?.objectValue else { return nil }
            for n in names { if let hit = pairs.first(where: { $0.0.lowercased() == n.lowercased() }) { return hit.1 } }
            return nil
        }
        func address(_ key: String) throws -> Address {
            let contracts = field(m, "contracts") ?? m
            guard let s = field(contracts, key, key + "_address", key + "Address")?.stringValue, let a = try? Address(hex: s) else {
                throw Failure.badManifest(url: redacted, reason: "missing or invalid contracts.\(key)")
            }
            return a
        }
        if let declared = field(m, "chainId", "chain_id") {
            let value: UInt64? = declared.stringValue.flatMap { s in
                s.hasPrefix("0x") ? UInt64(s.dropFirst(2), radix: 16) : UInt64(s)
            } ?? declared.intValue.map { UInt64($0) }
            if let value, value != chainId {
                throw Failure.badManifest(url: redacted, reason: "manifest says chain id \(value) but the node reports \(chainId)")
            }
        }
        let contracts = ContractAddresses(nexus: try address("nexus"), controller: try address("controller"),
                                          terminal: try address("terminal"), vault: try address("vault"))
        let ipfs = field(m, "ipfs")
        let upload = field(ipfs, "upload", "uploadUrl", "upload_url", "api", "pin", "create")?.stringValue ?? ipfs?.stringValue
        guard let upload else { throw Failure.badManifest(url: redacted, reason: "missing ipfs upload endpoint") }
        // Normalise `http://host/ipfs/` to `http://host`: links are built as `<gateway>/ipfs/<cid>`.
        var gateway = field(ipfs, "gateway", "gatewayUrl", "gateway_url")?.stringValue
        while let g = gateway, g.hasSuffix("/") { gateway = String(g.dropLast()) }
        if let g = gateway, g.hasSuffix("/ipfs") { gateway = String(g.dropLast(5)) }
        let rpcURL = url  // the URL we reached it through, even if the manifest names another
        var accounts = [DevnetManifest.Account]()
        if let list = field(m, "accounts") {
            let entries: [(String, JSONValue)] = list.objectValue
                ?? (list.arrayValue ?? []).enumerated().map { i, v in (field(v, "label", "name", "role")?.stringValue ?? "account\(i)", v) }
            for (n, v) in entries {
                let addrText = v.stringValue ?? field(v, "address")?.stringValue
                guard let t = addrText, let a = try? Address(hex: t) else { continue }
                accounts.append(.init(name: n, address: a,
                                      privateKeyHex: field(v, "privateKey", "private_key", "key")?.stringValue))
            }
        }
        var sources = [DevnetManifest.Source]()
        if let list = field(m, "sources") {
            let entries: [(String, JSONValue)] = list.objectValue
                ?? (list.arrayValue ?? []).enumerated().map { i, v in (field(v, "name")?.stringValue ?? "source\(i)", v) }
            for (n, v) in entries {
                guard let t = v.stringValue ?? field(v, "address")?.stringValue, let a = try? Address(hex: t) else { continue }
                sources.append(.init(name: n, address: a, deliveryMethod: field(v, "deliveryMethod", "delivery_method")?.intValue))
            }
        }
        // A manifest may name its chain, but never with the name of a public network.
        var chosenName = name
        if let declared = field(m, "name")?.stringValue, Network.named(declared) == nil, !declared.isEmpty { chosenName = declared }
        return Network(name: chosenName, chainId: chainId, rpcURL: rpcURL, contracts: contracts,
                       explorer: nil, ipfsUploadURL: upload, ipfsGateway: gateway, abiFlavor: "testnet",
                       manifest: DevnetManifest(accounts: accounts, sources: sources, raw: m))
    }
}
