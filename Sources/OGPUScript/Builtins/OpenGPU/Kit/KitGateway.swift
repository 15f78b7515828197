import BigInt
import Foundation
import OGPUKit

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
    private var usingDevnetAccount = false
    private var announcedSigner = false
    /// Next nonce for dry-run signing, so several dry-run transactions in one session get consecutive nonces.
    private var nextDryRunNonce: UInt64?
    /// Publishing transactions seen in this session, so `task.tx` answers without a log search.
    private var publishTransactions = [String: String]()
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

    /// The client that signs; loading the key on first use.
    func signingClient() throws -> OpenGPUClient {
        if let w = writer { return w }
        let net = try resolvedNetwork()
        let k = try signingKey(net)
        let c = OpenGPUClient(network: net, signer: k, journal: journal, cancellation: cancellation)
        if let progress = configuration.progress {
            c.onBroadcast = { label, hash in progress("sent \(label) \(hash), waiting for its receipt…\n") }
        }
        writer = c
        return c
    }

    private func signingKey(_ net: Network) throws -> PrivateKey {
        if let k = key { return k }
        let k: PrivateKey
        switch configuration.key {
        case .privateKey(let hex):
            k = try kit { try PrivateKey(hex: hex) }
        case .keystore(let path, let password):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw GatewayError(.key, "cannot read keystore '\(path)'")
            }
            k = try kit { try Keystore.decrypt(json: data, password: Array(password.utf8)) }
        case .none:
            // Only a devnet publishes its funded accounts' keys (in ogpu_manifest).
            guard let hex = net.manifest?.account("client")?.privateKeyHex else {
                throw GatewayError(.key, "this needs a signing key on \(net.name): give --keystore FILE or --private-key HEX, or set CLIENT_PRIVATE_KEY")
            }
            k = try kit { try PrivateKey(hex: hex) }
            usingDevnetAccount = true
        }
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
        let wanted = nameOrURL.trimmingCharacters(in: .whitespaces)
        let lower = wanted.lowercased()
        guard ["mainnet", "testnet", "local"].contains(lower) || lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            throw GatewayError(.value, "unknown network '\(wanted)': use \"mainnet\", \"testnet\", \"local\" or an http(s):// RPC URL")
        }
        let previous = (target, rpcOverride, network, reader, writer, key, usingDevnetAccount)
        target = ["mainnet", "testnet", "local"].contains(lower) ? lower : wanted
        rpcOverride = nil
        network = nil; reader = nil; writer = nil; nextDryRunNonce = nil
        if configuration.key.isNone { key = nil; usingDevnetAccount = false }
        do {
            // Named public networks are constants; local and URLs are asked now, so a bad one fails here.
            _ = try resolvedNetwork()
        } catch {
            (target, rpcOverride, network, reader, writer, key, usingDevnetAccount) = previous
            throw error
        }
        return try currentNetwork()
    }

    public func currentNetwork() throws -> NetworkInfo {
        let n = try resolvedNetwork()
        return NetworkInfo(name: targetIsLocal ? "local" : n.name, chainID: Int(n.chainId), rpc: HTTPRedaction.redact(n.rpcURL),
                           explorer: n.explorer)
    }

    public func signerAddress() throws -> String {
        let net = try resolvedNetwork()
        return try signingKey(net).address.checksummed
    }

    public func balance(of address: String) throws -> BigUInt {
        let a = try kit { try Address(hex: address) }
        let c = try client()
        return try kit { try c.eth.balance(of: a) }
    }

    // MARK: - Transactions

    /// Sends `request` (or, under `--dry-run`, signs and prints it and throws, since nothing then
    /// exists on chain to return). Returns the mined receipt.
    func send(_ request: TransactionRequest) throws -> TransactionReceipt {
        let c = try signingClient()
        if configuration.dryRun {
            let tx = try sign(request)
            configuration.output("dry run, not sent: \(request.label) \(Self.describe(tx))\n")
            throw GatewayError(.value, "--dry-run: \(request.label) was signed and printed (tx \(tx.hash)), not sent")
        }
        let s = try kit { try c.sender() }
        announceSigner(s.address)
        return try kit { try s.send(request) }
    }

    /// Estimates, prices, numbers and signs `request` as a send would; broadcasts nothing.
    func sign(_ request: TransactionRequest) throws -> SignedTransaction {
        let c = try signingClient()
        return try kit {
            let s = try c.sender()
            let gas = s.fees.gasLimit(forEstimate: try s.estimateGas(request))
            let fee = try s.fees.quote()
            let onChain = try c.eth.transactionCount(of: s.address, at: .pending)
            let nonce = max(onChain, nextDryRunNonce ?? 0)
            nextDryRunNonce = nonce + 1
            let signed = try s.build(request, nonce: nonce, gasLimit: gas, fee: fee).sign(with: s.signer)
            var fees: (BigUInt?, BigUInt?, BigUInt?) = (nil, nil, nil)
            switch fee {
            case .eip1559(let maxFee, let priority): fees = (maxFee, priority, nil)
            case .legacy(let price): fees = (nil, nil, price)
            }
            return SignedTransaction(to: request.to.checksummed, data: Hex.encode(request.data), raw: Hex.encode(signed.rawBytes),
                                     hash: Hex.encode(signed.hash), nonce: Int(nonce), gas: Int(gas), chainID: Int(s.chainId),
                                     maxFee: fees.0, maxPriorityFee: fees.1, gasPrice: fees.2)
        }
    }

    static func describe(_ tx: SignedTransaction) -> String {
        var fields = ["\"to\":\"\(tx.to)\"", "\"hash\":\"\(tx.hash)\"", "\"nonce\":\(tx.nonce)", "\"gas\":\(tx.gas)",
                      "\"chain_id\":\(tx.chainID)"]
        if let f = tx.maxFee { fields.append("\"max_fee\":\"\(f)\"") }
        if let f = tx.maxPriorityFee { fields.append("\"max_priority_fee\":\"\(f)\"") }
        if let p = tx.gasPrice { fields.append("\"gas_price\":\"\(p)\"") }
        fields += ["\"data\":\"\(tx.data)\"", "\"raw\":\"\(tx.raw)\""]
        return "{" + fields.joined(separator: ",") + "}"
    }

    func remember(publish task: String, transaction: String) { publishTransactions[task.lowercased()] = transaction }
    /// The transaction that published `task`: from this session, else from the send journal
    /// (which records each mined publish with its task), so `task_at(…).tx` answers across runs.
    func publishTransaction(of task: String) -> String? {
        if let h = publishTransactions[task.lowercased()] { return h }
        let records = (try? journal.records().records) ?? []
        let hit = records.last { $0.state == .mined && $0.fields["task"]?.stringValue?.lowercased() == task.lowercased() }
        if let h = hit?.hash { publishTransactions[task.lowercased()] = h }
        return hit?.hash
    }
}

private extension KitGatewayConfiguration.KeySource {
    var isNone: Bool { if case .none = self { return true }; return false }
}
