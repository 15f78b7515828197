#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OGPUKit
import OGPUPrimitives

/// How a `KitGateway` reaches the network and signs (docs/language.md §8), as the command line and
/// environment decided. The key material stays inside `KeySource`, which never prints it.
public struct KitGatewayConfiguration {
    /// Where the signing key comes from. Its descriptions never contain the key or password; the
    /// gateway wipes the secret once the key is loaded.
    public enum KeySource: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        /// No key given: on a devnet (a network with an `ogpu_manifest`) its funded `client`
        /// account signs; elsewhere the first call that signs is a `"key"` error.
        case none
        /// The key as hex text.
        case privateKey(Secret)
        case keystore(path: String, password: Secret)

        public var description: String {
            switch self {
            case .none: return "none"
            case .privateKey: return "private key <redacted>"
            case .keystore(let path, _): return "keystore \(path)"
            }
        }
        public var debugDescription: String { description }
        public var customMirror: Mirror { Mirror(self, children: [:]) }
    }

    /// "mainnet", "testnet", "local" or an http(s) RPC URL.
    public var network: String
    /// Replaces the RPC URL of the starting network (`--rpc-url`, `OGPU_RPC_URL`).
    public var rpcURL: String?
    public var key: KeySource
    /// `--dry-run`: every transaction is built, signed and printed, never sent.
    public var dryRun: Bool
    /// The send journal (nil: `~/.ogpu/journal.jsonl`).
    public var journalPath: String?
    /// Where notices go (the process's stderr): which account signs, dry-run transactions.
    public var notice: (String) -> Void
    /// Where dry-run transactions are printed (stdout).
    public var output: (String) -> Void
    /// Progress lines for a person at a terminal (each transaction's hash as it is sent); nil when
    /// nobody is watching, so scripts' output stays clean.
    public var progress: ((String) -> Void)?

    /// The session's spending caps (`--max-fee-per-gas`, `--max-tx-cost`); a sending built-in's
    /// named arguments override them for its own call.
    public var caps: SpendingCaps
    /// `--yes`: sign on mainnet without asking.
    public var assumeYes: Bool
    /// `--allow-insecure-rpc`: sign with fees and nonces from a plain-http endpoint on another machine.
    public var allowInsecureRPC: Bool
    /// Shows a mainnet transaction to a person and asks whether to sign it (true: sign). nil when
    /// there is nobody to ask (no terminal): mainnet then needs `assumeYes`.
    public var confirm: ((SigningSummary) -> Bool)?
    /// Asks for the password of a new keystore (`wallet_new`), given the prompt: from
    /// `OGPU_PASSWORD`, else twice without echo at the terminal. nil: there is no way to ask.
    public var newKeystorePassword: ((String) throws -> Secret)?
    /// Shows a message about to be signed with the key on mainnet (its lines) and asks (true:
    /// sign), as `confirm` does for transactions. nil when there is nobody to ask.
    public var confirmMessage: (([String]) -> Bool)?

    public init(network: String = "local", rpcURL: String? = nil, key: KeySource = .none, dryRun: Bool = false,
                journalPath: String? = nil, notice: @escaping (String) -> Void = { _ in },
                output: @escaping (String) -> Void = { _ in }, progress: ((String) -> Void)? = nil,
                caps: SpendingCaps = SpendingCaps(), assumeYes: Bool = false, allowInsecureRPC: Bool = false,
                confirm: ((SigningSummary) -> Bool)? = nil) {
        self.network = network
        self.rpcURL = rpcURL
        self.key = key
        self.dryRun = dryRun
        self.journalPath = journalPath
        self.notice = notice
        self.output = output
        self.progress = progress
        self.caps = caps
        self.assumeYes = assumeYes
        self.allowInsecureRPC = allowInsecureRPC
        self.confirm = confirm
    }
}
