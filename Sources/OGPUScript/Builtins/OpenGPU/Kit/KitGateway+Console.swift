import BigInt
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OGPUKit
import OGPUPrimitives
#if canImport(Glibc)
import Glibc
#endif

/// The chain console's signing operations over OGPUKit: every transaction goes through the
/// session's one journaled `TransactionSender` (so through its spending policy, its network
/// identity check and, on mainnet, the confirmation), exactly as a publish does.
extension KitGateway: ConsoleGateway {
    public func transaction(_ hash: String) throws -> EthTransaction? {
        let c = try client()
        return try kit { try c.eth.transaction(hash) }
    }

    public func signMessage(_ message: [UInt8]) throws -> [UInt8] {
        // Offline when a key was given (as `cast wallet sign`); the devnet's account needs the devnet.
        let k: PrivateKey
        if case .none = configuration.key {
            k = try signingKey(try resolvedNetwork())
            announceSigner(k.address)
        } else {
            k = try signingKey(nil)
        }
        try confirmOnMainnet(message, signer: k.address)
        let hash = Keccak256.hash(Array("\u{19}Ethereum Signed Message:\n\(message.count)".utf8) + message)
        return try kit { try k.sign(hash: hash) }.bytes65
    }

    /// A message signed with the key of a mainnet session is shown and confirmed at the terminal
    /// first, as a transaction is (a signed login challenge can be as good as the key to a
    /// service), unless `--yes`; with nobody to ask it is refused. When the network cannot be
    /// reached it cannot be mainnet to us, and the message is signed offline.
    func confirmOnMainnet(_ message: [UInt8], signer: Address) throws {
        guard !configuration.assumeYes, let net = try? resolvedNetwork(), net.isMainnet else { return }
        let text = String(validating: message, as: UTF8.self).map { TerminalText.escape($0, lineBreaks: false) }
            ?? Hex.encode(message)
        let shown = text.count > 2000 ? String(text.prefix(2000)) + "… (\(message.count) bytes)" : text
        let lines = ["sign a message on \(net.name) (chain id \(net.chainId)) with \(signer.checksummed):", "  \(shown)"]
        guard let ask = configuration.confirmMessage else {
            throw GatewayError(.value, "sign_message: not signed: a message signed with a mainnet key is confirmed at a terminal, and there is none to ask on; pass --yes to sign from a script")
        }
        guard ask(lines) else { throw GatewayError(.value, "sign_message: not signed: declined at the confirmation prompt") }
    }

    public func sendTransaction(_ request: TransactionRequest) throws -> TransactionReceipt {
        try send(request)
    }

    public func replace(_ hash: String, _ kind: TransactionSender.ReplacementKind) throws -> TransactionSender.ReplacementOutcome {
        let c = try signingClient()
        if configuration.dryRun {
            throw GatewayError(.value, "--dry-run: \(kind == .speedUp ? "speed_up" : "cancel_tx") signs and sends a replacement; nothing was signed")
        }
        let s = try kit { try c.sender() }
        announceSigner(s.address)
        let outcome = try kit { try s.replace(hash, kind) }
        if outcome.originalWon {
            configuration.notice("ogpu: the original transaction \(outcome.original) was mined before its replacement \(outcome.replacement), which now never will be\n")
        }
        return outcome
    }

    public func withSendOverrides<T>(_ overrides: SendOverrides, _ body: () throws -> T) throws -> T {
        guard !overrides.isEmpty else { return try body() }
        try kit { try overrides.validate() }
        let c = try signingClient()
        if let fee = overrides.maxFeePerGas, let cap = c.spendingPolicy?.caps.maxFeePerGas, fee > cap {
            throw GatewayError(.value, "max_fee: \(Units.format(fee, decimals: 9)) gwei is above the cap of \(Units.format(cap, decimals: 9)) gwei per gas; nothing was signed. Raise the cap with max_fee_per_gas: gwei(…), --max-fee-per-gas GWEI or OGPU_MAX_FEE_PER_GAS")
        }
        let s = try kit { try c.sender() }
        return try kit { try s.withOverrides(overrides, body) }
    }

    // MARK: - New keystores

    public func createWallet(at path: String) throws -> Address {
        guard let ask = configuration.newKeystorePassword else {
            throw GatewayError(.key, "wallet_new(): this session has no way to ask for a password")
        }
        guard !FileManager.default.fileExists(atPath: path) else {
            throw GatewayError(.io, "wallet_new(): \(path) already exists; a keystore is never overwritten (choose another path)")
        }
        let password = try ask("Password for the new keystore \(PathName.lastComponent(of: path)): ")
        defer { password.wipe() }
        guard password.count > 0 else { throw GatewayError(.key, "wallet_new(): an empty password protects nothing; nothing was written") }
        let key = PrivateKey.random()
        ProcessHardening.protectSecrets()
        var bytes = password.withBytes { Array($0) }
        defer { bytes.withUnsafeMutableBytes { if let b = $0.baseAddress { explicit_bzero(b, $0.count) } } }
        let json = try kit { try Keystore.encrypt(key, password: bytes) }
        try Self.writeNewFile(path, Array(json.utf8))
        return key.address
    }

    /// Creates `path` with mode 0600, failing if anything (a file, a link) is already there, and
    /// makes it durable; a failed write leaves no partial file behind.
    static func writeNewFile(_ path: String, _ bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let why = String(cString: strerror(errno))
            if errno == EEXIST { throw GatewayError(.io, "wallet_new(): \(path) already exists; a keystore is never overwritten (choose another path)") }
            throw GatewayError(.io, "wallet_new(): cannot create \(path): \(why)")
        }
        var off = 0
        var failure: String?
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; failure = String(cString: strerror(errno)); break }
            off += n
        }
        if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if let failure {
            unlink(path)
            throw GatewayError(.io, "wallet_new(): cannot write \(path): \(failure); nothing was kept")
        }
    }
}
