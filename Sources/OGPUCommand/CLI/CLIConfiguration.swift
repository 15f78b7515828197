#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
#else
import Foundation
#endif
import OGPUScript
import OGPUKit
import OGPUPrimitives

/// Everything the command line and environment say about how to reach the network and how to sign
/// (docs/language.md §8), validated once at startup. The built-ins layer receives it through the engine.
struct CLIConfiguration: CustomStringConvertible {
    enum Network: Equatable {
        case named(String)   // "mainnet", "testnet", "local"
        case url(String)

        /// The short form the REPL prompt shows: the name, or host[:port] of a URL (never its
        /// credentials or path, which may hold an API key).
        var promptLabel: String {
            switch self {
            case .named(let name): return name
            case .url(let url):
                // host[:port] from the redacted form: no credentials, no path.
                var shown = HTTPRedaction.redact(url)
                if let scheme = shown.firstRange(of: "://") { shown = String(shown[scheme.upperBound...]) }
                if shown.hasSuffix("/…") { shown.removeLast(2) }
                return shown.isEmpty ? "custom" : shown
            }
        }

        /// The form messages show: the name, or the URL redacted to scheme and host.
        var shown: String {
            switch self { case .named(let n): return n; case .url(let u): return HTTPRedaction.redact(u) }
        }

        var argument: String {
            switch self { case .named(let n): return n; case .url(let u): return u }
        }
    }

    enum Signer: CustomStringConvertible {
        /// No key given: on `local` the devnet's funded client account signs; elsewhere signing is a "key" error.
        case none
        case privateKey(Secret, origin: String)
        case keystore(path: String, password: Secret)

        var description: String {
            switch self {
            case .none: return "none"
            case .privateKey(_, let origin): return "private key (from \(origin))"
            case .keystore(let path, _): return "keystore \(path)"
            }
        }
    }

    static let networkNames = ["mainnet", "testnet", "local"]

    var network: Network = .named("local")
    var rpcURL: String? = nil
    var signer: Signer = .none
    var dryRun = false
    /// The spending caps (`--max-fee-per-gas`, `--max-tx-cost`).
    var caps = SpendingCaps()
    /// `--yes`: sign on mainnet without asking.
    var assumeYes = false
    /// `--allow-insecure-rpc`.
    var allowInsecureRPC = false
    var json = false
    var color = false
    /// `OGPU_PASSWORD` when no `--keystore` uses it: the password of keystores `wallet_new` writes.
    var walletPassword: Secret? = nil

    var description: String {
        "network: \(network.shown), rpc: \(rpcURL.map(HTTPRedaction.redact) ?? "default"), signer: \(signer), dry-run: \(dryRun), json: \(json)"
    }

    static func parseNetwork(_ text: String) throws -> Network {
        let trimmed = text.trimmingWhitespace()
        if networkNames.contains(trimmed.lowercased()) { return .named(trimmed.lowercased()) }
        if isHTTPURL(trimmed) { return .url(trimmed) }
        throw CommandFailure(
            message: "unknown network '\(trimmed)': use mainnet, testnet, local, or an http(s):// RPC URL",
            exitCode: ExitStatus.usage)
    }

    static func isHTTPURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        for scheme in ["http://", "https://"] where lower.hasPrefix(scheme) {
            return lower.count > scheme.count && !lower.contains(" ")
        }
        return false
    }

    /// A private key is 32 bytes of hex, with or without `0x` (surrounding whitespace ignored).
    /// Checked on the secret's bytes, so no `String` copy is made; the message never repeats it.
    static func validatePrivateKey(_ key: Secret, origin: String) throws -> Secret {
        let valid = key.withBytes { bytes -> Bool in
            let isSpace = { (c: UInt8) in c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d }
            var digits = bytes[...].drop(while: isSpace)
            while let last = digits.last, isSpace(last) { digits = digits.dropLast() }
            if digits.count >= 2, digits.first == UInt8(ascii: "0"),
               digits.dropFirst().first == UInt8(ascii: "x") || digits.dropFirst().first == UInt8(ascii: "X") {
                digits = digits.dropFirst(2)
            }
            return digits.count == 64 && digits.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x46).contains($0) || (0x61...0x66).contains($0) }
        }
        guard valid else {
            throw CommandFailure(
                message: "the private key from \(origin) is not 32 bytes of hex (64 hex digits, optional 0x); it is not shown here",
                exitCode: ExitStatus.usage)
        }
        return key
    }
}

