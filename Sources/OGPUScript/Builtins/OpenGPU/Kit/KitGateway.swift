import BigInt
#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
#else
import Foundation
#endif
import OGPUKit
import OGPUPrimitives

/// `OpenGPUGateway` over OGPUKit: the network is resolved on first use (so a script that never
/// touches the chain never needs one), reads go through `OpenGPUClient`'s batched `eth_call`s,
/// writes through its journaled, exactly-once `TransactionSender`. The signing key is loaded (a
/// keystore decrypted) only when something first needs to sign or `me()` is asked.
///
/// Dry runs (`publish(draft, dry_run: true)`, and every transaction under `--dry-run`) estimate,
/// price, number and sign exactly as a real send would, but never broadcast and never pin: the
/// config URL in a dry-run publish is the placeholder `dry-run://keccak256/<hash of the config>`.
public final class KitGateway: OpenGPUGateway {
    let configuration: KitGatewayConfiguration
    let journal: SendJournal
    /// The network asked for: a name or URL (resolved lazily).
    private var target: String
    /// The RPC that `local` means for this session (the override given at start, else the default).
    private let localRPC: String
    private var rpcOverride: String?
    private var network: Network?
    private var reader: OpenGPUClient?
    private var writer: OpenGPUClient?
    private var key: PrivateKey?
    /// The checks before every signature on the current network (made with the signing client).
    private var policy: SpendingPolicy?
    private var usingDevnetAccount = false
    private var announcedSigner = false
    /// Next nonce for dry-run signing, so several dry-run transactions in one session get consecutive nonces.
    private var nextDryRunNonce: UInt64?
    /// Publishing transactions seen in this session, so `task.tx` answers without a log search.
    private var publishTransactions = [Address: String]()
    /// The session's interrupt flag, when installed with `ScriptSession.installKitGateway`.
    let interruptFlag: InterruptFlag?
    /// Cancelled while the interrupt flag is raised (see KitGateway+Interrupt).
    private let cancellation: CancellationToken

    public init(_ configuration: KitGatewayConfiguration, interruptFlag: InterruptFlag? = nil) {
        self.configuration = configuration
        self.interruptFlag = interruptFlag
        cancellation = CancellationToken(linkedTo: interruptFlag)
        self.journal = configuration.journalPath.map { SendJournal(path: $0) } ?? SendJournal()
        let isLocal = configuration.network.lowercased() == "local"
        target = isLocal ? "local" : configuration.network
        localRPC = (isLocal ? configuration.rpcURL : nil) ?? Network.localDefaultRPC
        rpcOverride = configuration.rpcURL
    }

    // MARK: - Network

    private var targetIsLocal: Bool { target == "local" }

    /// Runs `body`, mapping Kit failures to `GatewayError`s (a dead local devnet becomes one line)
    /// and stopping it when the session is interrupted.
    func kit<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as ScriptError {
            throw e  // an inner call's interruption, already handled
        } catch {
            if cancellation.isCancelled { throw interrupted(by: error) }
            throw KitErrorMapping.map(error, localRPC: targetIsLocal ? (network?.rpcURL ?? localRPC) : nil)
        }
    }

    func resolvedNetwork() throws -> Network {
        if let n = network { return n }
        let n: Network = try kit {
            if targetIsLocal { return try NetworkDiscovery.local(url: localRPC) }
            return try NetworkDiscovery.resolve(target, rpcOverride: rpcOverride)
        }
        network = n
        return n
    }

    /// The client for reads: the signing one once it exists (one nonce manager, one connection pool).
    func client() throws -> OpenGPUClient {
        if let w = writer { return w }
        if let r = reader { return r }
        let c = OpenGPUClient(network: try resolvedNetwork(), journal: journal, cancellation: cancellation)
        reader = c
        return c
    }

    /// The client that signs; loading the key on first use. Mainnet is signed for only when it
    /// was chosen by name: an endpoint reached as `local` or by URL that turns out to serve
    /// mainnet is named so, but not signed for (its answers were never what the user meant).
    func signingClient() throws -> OpenGPUClient {
        if let w = writer { return w }
        let net = try resolvedNetwork()
        if net.isMainnet, target != "mainnet" {
            throw GatewayError(.key, "\(HTTPRedaction.redact(net.rpcURL)) serves OpenGPU mainnet (chain id \(net.chainId)), which was not chosen; nothing was signed. To sign on mainnet choose it by name: --network mainnet (with --rpc-url URL for this endpoint) or network(\"mainnet\")")
        }
        let p = SpendingPolicy(caps: configuration.caps, networkName: net.name, rpcURL: net.rpcURL,
                               confirmSigning: net.isMainnet, assumeYes: configuration.assumeYes,
                               allowInsecureRPC: configuration.allowInsecureRPC, confirm: configuration.confirm)
        try kit { try p.checkEndpoint(label: "") }
        let k = try signingKey(net)
        let c = OpenGPUClient(network: net, signer: k, journal: journal, cancellation: cancellation)
        c.spendingPolicy = p
        policy = p
        if let progress = configuration.progress {
            c.onBroadcast = { label, hash in progress("sent \(label) \(hash), waiting for its receipt…\n") }
        }
        writer = c
        return c
    }

    /// The session's key, loaded on first use; `net` is needed only to find a devnet's funded
    /// account when no key was given.
    func signingKey(_ net: Network?) throws -> PrivateKey {
        if let k = key { return k }
        let k: PrivateKey
        switch configuration.key {
        case .privateKey(let hex):
            if let loaded = Self.loadedKeys.key(from: hex) { k = loaded; break }
            k = try kit { try PrivateKey(hex: hex) }
            Self.loadedKeys.keep(k, from: hex)
        case .keystore(let path, let password):
            if let loaded = Self.loadedKeys.key(from: password) { k = loaded; break }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw GatewayError(.key, "cannot read keystore '\(path)'")
            }
            var bytes = password.withBytes { Array($0) }
            defer { bytes.withUnsafeMutableBytes { if let b = $0.baseAddress { explicit_bzero(b, $0.count) } } }
            k = try kit { try Keystore.decrypt(json: data, password: bytes) }
            Self.loadedKeys.keep(k, from: password)
        case .none:
            // Only a devnet publishes its funded accounts' keys (in ogpu_manifest).
            guard let hex = net?.manifest?.account("client")?.privateKeyHex else {
                throw GatewayError(.key, "this needs a signing key on \(net?.name ?? "this network"): give --keystore FILE or --private-key HEX, or set CLIENT_PRIVATE_KEY")
            }
            k = try kit { try PrivateKey(hex: hex) }
            usingDevnetAccount = true
        }
        ProcessHardening.protectSecrets()
        key = k
        return k
    }

    /// Said once, before the first transaction signed with the devnet's account.
    func announceSigner(_ address: Address) {
        guard usingDevnetAccount, !announcedSigner else { return }
        announcedSigner = true
        configuration.notice("ogpu: no key given; signing with the devnet's funded client account \(address.checksummed)\n")
    }

    public func selectNetwork(_ nameOrURL: String) throws -> NetworkInfo {
        let wanted = nameOrURL.trimmingWhitespace()
        let lower = wanted.lowercased()
        guard ["mainnet", "testnet", "local"].contains(lower) || lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            throw GatewayError(.value, "unknown network '\(wanted)': use \"mainnet\", \"testnet\", \"local\" or an http(s):// RPC URL")
        }
        let previous = (target, rpcOverride, network, reader, writer, key, usingDevnetAccount, policy)
        target = ["mainnet", "testnet", "local"].contains(lower) ? lower : wanted
        rpcOverride = nil
        network = nil; reader = nil; writer = nil; nextDryRunNonce = nil; policy = nil
        if configuration.key.isNone { key = nil; usingDevnetAccount = false }
        do {
            // Named public networks are constants; local and URLs are asked now, so a bad one fails here.
            _ = try resolvedNetwork()
        } catch {
            (target, rpcOverride, network, reader, writer, key, usingDevnetAccount, policy) = previous
            throw error
        }
        return try currentNetwork()
    }

    public func currentNetwork() throws -> NetworkInfo {
        info(try resolvedNetwork())
    }

    /// The network as far as it is known without asking the node (nil before the first network call).
    public var knownNetwork: NetworkInfo? { network.map(info) }

    /// The public chains are named by their chain id, whatever the user typed (`local` or a URL
    /// serving mainnet is "mainnet"); a devnet reached as `local` stays "local".
    private func info(_ n: Network) -> NetworkInfo {
        let name = n.isPublic || !targetIsLocal ? n.name : "local"
        return NetworkInfo(name: name, chainID: Int(n.chainId), rpc: HTTPRedaction.redact(n.rpcURL), explorer: n.explorer,
                           sources: Dictionary((n.manifest?.sources ?? []).map { ($0.name, $0.address) }, uniquingKeysWith: { a, _ in a }))
    }

    /// Runs `body` with other spending caps for its transactions (a sending built-in's named
    /// arguments); the session's caps fill in what is not given.
    public func withSpendingCaps<T>(maxFeePerGas: BigUInt?, maxCost: BigUInt?, _ body: () throws -> T) throws -> T {
        guard maxFeePerGas != nil || maxCost != nil else { return try body() }
        var caps = policy?.caps ?? configuration.caps
        if let f = maxFeePerGas { caps.maxFeePerGas = f }
        if let c = maxCost { caps.maxTransactionCost = c }
        _ = try signingClient()  // makes the policy
        return try policy!.withCaps(caps, body)
    }

    public func signerAddress() throws -> Address {
        let net = try resolvedNetwork()
        return try signingKey(net).address
    }

    public func balance(of address: Address) throws -> BigUInt {
        let c = try client()
        return try kit { try c.eth.balance(of: address) }
    }

    public func call(_ request: CallRequest) throws -> [UInt8] {
        let c = try client()
        return try kit { try c.eth.call(request) }
    }

    public func receipt(_ hash: String) throws -> TransactionReceipt? {
        let c = try client()
        return try kit { try c.eth.receipt(hash) }
    }

    public func block(_ tag: BlockTag) throws -> BlockHeader? {
        let c = try client()
        return try kit { try c.eth.block(tag) }
    }

    // MARK: - Transactions

    /// Sends `request` (or, under `--dry-run`, signs and prints it and throws, since nothing then
    /// exists on chain to return). Returns the mined receipt.
    func send(_ request: TransactionRequest) throws -> TransactionReceipt {
        let c = try signingClient()
        if configuration.dryRun {
            let tx = try sign(request)
            configuration.output("dry run, not sent: \(request.label) \(Self.describe(tx))\n")
            throw GatewayError(.value, "--dry-run: \(request.label) was signed and printed (tx \(Hex.encode(tx.hash))), not sent")
        }
        let s = try kit { try c.sender() }
        announceSigner(s.address)
        return try kit { try s.send(request) }
    }

    /// Signs `request` as a send would (the core's dry-run signing); broadcasts nothing.
    func sign(_ request: TransactionRequest) throws -> SignedTransaction {
        let c = try signingClient()
        let signed = try kit { try c.signWithoutSending(request, nonceAtLeast: nextDryRunNonce ?? 0) }
        nextDryRunNonce = signed.transaction.nonce + 1  // only once signed: a refused one leaves its nonce to the next
        return signed
    }

    /// Signs a publish without pinning (see `placeholderURL`), numbered after earlier dry runs.
    func signPublish(_ draft: TaskDraft) throws -> SignedTransaction {
        let c = try signingClient()
        let signed = try kit { try c.signPublish(draft, configURL: Self.placeholderURL(draft), nonceAtLeast: nextDryRunNonce ?? 0) }
        nextDryRunNonce = signed.transaction.nonce + 1
        return signed
    }

    /// The one-line JSON `--dry-run` prints for a signed transaction.
    static func describe(_ signed: SignedTransaction) -> String {
        let tx = signed.transaction
        var fields: [(String, JSONValue)] = [
            ("to", .string(tx.to?.checksummed ?? "")), ("hash", .string(Hex.encode(signed.hash))), ("nonce", .int(tx.nonce)),
            ("gas", .int(tx.gasLimit)), ("chain_id", .int(tx.chainId ?? 0)),
        ]
        if let f = tx.maxFeePerGas { fields.append(("max_fee", .string(String(f)))) }
        if let f = tx.maxPriorityFeePerGas { fields.append(("max_priority_fee", .string(String(f)))) }
        if let p = tx.gasPrice { fields.append(("gas_price", .string(String(p)))) }
        fields += [("data", .string(Hex.encode(tx.data))), ("raw", .string(Hex.encode(signed.rawBytes)))]
        return OGPUPrimitives.JSONWriter.string(.object(fields))
    }

    func remember(publish task: Address, transaction: String) { publishTransactions[task] = transaction }

    /// The transaction that published `task`: from this session, else from the send journal
    /// (which records each mined publish with its task), so `task_at(…).tx` answers across runs.
    public func publishTransaction(of task: Address) -> String? {
        if let h = publishTransactions[task] { return h }
        let hit = journal.publishTransaction(of: task)
        if let h = hit { publishTransactions[task] = h }
        return hit
    }
}

/// Keys already loaded, by the secret they came from. Once a key is loaded its secret (hex text or
/// keystore password) is wiped; a later gateway made from the same configuration (the REPL's
/// `:reset`) finds the key here instead of in the wiped secret.
final class LoadedKeys: @unchecked Sendable {
    private let lock = Lock()
    private var keys: [(source: Secret, key: PrivateKey)] = []

    func key(from source: Secret) -> PrivateKey? {
        lock.withLock { keys.first { $0.source === source }?.key }
    }

    func keep(_ key: PrivateKey, from source: Secret) {
        source.wipe()
        lock.withLock { keys.append((source, key)) }
    }
}

extension KitGateway {
    static let loadedKeys = LoadedKeys()
}

private extension KitGatewayConfiguration.KeySource {
    var isNone: Bool { if case .none = self { return true }; return false }
}
