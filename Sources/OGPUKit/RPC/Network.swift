import OGPUPrimitives
/// The singleton OpenGPU contracts of one chain (PROTOCOL.md §1–2).
public struct ContractAddresses: Sendable, Equatable {
    public var nexus: Address
    public var controller: Address
    public var terminal: Address
    public var vault: Address

    public init(nexus: Address, controller: Address, terminal: Address, vault: Address) {
        self.nexus = nexus
        self.controller = controller
        self.terminal = terminal
        self.vault = vault
    }
}

/// Everything the client needs to talk to one OpenGPU chain. Mainnet and testnet are constants;
/// `local` and custom URLs are discovered (`NetworkDiscovery`). Any network's RPC can be overridden.
public struct Network: Sendable {
    public var name: String
    public var chainId: UInt64
    public var rpcURL: String
    public var contracts: ContractAddresses
    /// Explorer base URL; the SDK only knows the task page pattern `<explorer>/task/<address>`.
    public var explorer: String?
    /// Pinning endpoint (multipart POST, answers `{"link": …}`).
    public var ipfsUploadURL: String
    /// Gateway prefix for `<gateway>/ipfs/<CID>` links, when known.
    public var ipfsGateway: String?
    /// ABI folder under `shared/protocol/abi/` the contracts match (`mainnet` or `testnet`).
    public var abiFlavor: String
    /// Extra facts a devnet manifest provides (pre-deployed sources, funded dev accounts).
    public var manifest: DevnetManifest?

    public init(name: String, chainId: UInt64, rpcURL: String, contracts: ContractAddresses, explorer: String?,
                ipfsUploadURL: String, ipfsGateway: String?, abiFlavor: String, manifest: DevnetManifest? = nil) {
        self.name = name
        self.chainId = chainId
        self.rpcURL = rpcURL
        self.contracts = contracts
        self.explorer = explorer
        self.ipfsUploadURL = ipfsUploadURL
        self.ipfsGateway = ipfsGateway
        self.abiFlavor = abiFlavor
        self.manifest = manifest
    }

    /// The same network reached through another RPC endpoint.
    public func withRPC(_ url: String) -> Network {
        var copy = self
        copy.rpcURL = url
        return copy
    }

    public func explorerTaskURL(_ task: Address) -> String? {
        explorer.map { "\($0)/task/\(task.checksummed)" }
    }

    private static func address(_ s: String) -> Address {
        // Constants below are checked by tests; a typo must fail loudly at first use.
        do { return try Address(hex: s) } catch { fatalError("bad built-in address \(s): \(error)") }
    }

    public static let mainnetChainId: UInt64 = 1071
    public static let testnetChainId: UInt64 = 200_820_172_034

    public static let mainnet = Network(
        name: "mainnet", chainId: mainnetChainId, rpcURL: "https://mainnet-rpc.ogpuscan.io",
        contracts: ContractAddresses(
            nexus: address("0x2b0cC6058313801D5feb184a539e3a0C5A87a6a1"),
            controller: address("0x8661F4B9c30e07A04d795A192478dfD905625a1D"),
            terminal: address("0xaEBC7b712D38Fc4d841f0732c21B8774339869D3"),
            vault: address("0xa5c582254AA313528898311362bc698b041580cC")),
        explorer: "https://ogpuscan.io", ipfsUploadURL: "https://capi.ogpuscan.io/file/create",
        ipfsGateway: "https://cipfs.ogpuscan.io", abiFlavor: "mainnet")

    public static let testnet = Network(
        name: "testnet", chainId: testnetChainId, rpcURL: "https://testnetrpc.ogpuscan.io",
        contracts: ContractAddresses(
            nexus: address("0xF87bb2f3edB991a998992f14d35fE142e6Bb50b1"),
            controller: address("0x9fb6022074Fd7Bdb429de0776eb693cA0CB55E09"),
            terminal: address("0x1ea332Fc14a5AFD3AF3852B45C263Ab5b1Dd6f52"),
            vault: address("0x15905a2FbD3EF5d3532b931b5656BB9EB493Bb15")),
        // No testnet explorer pattern is known (PROTOCOL.md §16.10).
        explorer: nil, ipfsUploadURL: "https://capi.ogpuscan.io/file/create",
        ipfsGateway: "https://cipfs.ogpuscan.io", abiFlavor: "testnet")

    public static let localDefaultRPC = "http://127.0.0.1:8545"

    /// The built-in network with this chain id (mainnet or testnet), whatever a node says about it.
    public static func builtIn(chainId: UInt64) -> Network? {
        switch chainId {
        case mainnetChainId: return mainnet
        case testnetChainId: return testnet
        default: return nil
        }
    }

    /// True on the public OpenGPU chains, whose identity is fixed by the built-in constants.
    public var isPublic: Bool { Network.builtIn(chainId: chainId) != nil }
    /// True on mainnet's chain id (real money).
    public var isMainnet: Bool { chainId == Network.mainnetChainId }

    /// Built-in network by name (`mainnet`, `testnet`); `local` and URLs need discovery.
    public static func named(_ name: String) -> Network? {
        switch name.lowercased() {
        case "mainnet": return mainnet
        case "testnet": return testnet
        default: return nil
        }
    }
}

/// What the devnet's `ogpu_manifest` RPC method reports beyond the contract addresses.
/// Printing or dumping it never shows the dev keys it carries.
public struct DevnetManifest: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public struct Account: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        public let name: String
        public let address: Address
        /// Dev-chain key (public test material, still never printed).
        public let privateKeyHex: String?
        public var description: String { "\(name) \(address.checksummed)" }
        public var debugDescription: String { description }
        public var customMirror: Mirror { Mirror(self, children: ["name": name, "address": address.checksummed]) }
    }

    public var description: String {
        "DevnetManifest(accounts: \(accounts.map(\.description)), sources: \(sources.map { "\($0.name) \($0.address.checksummed)" }))"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["accounts": accounts, "sources": sources.map(\.name)]) }

    public struct Source: Sendable {
        public let name: String
        public let address: Address
        public let deliveryMethod: Int?
    }

    public let accounts: [Account]
    public let sources: [Source]
    /// The manifest as received (includes dev keys: not for display).
    let raw: JSONValue

    public func account(_ name: String) -> Account? { accounts.first { $0.name == name } }
    public func source(_ name: String) -> Source? { sources.first { $0.name == name } }
}
